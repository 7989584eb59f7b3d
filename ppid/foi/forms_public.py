"""The citizen's forms: the request form (F22, F23), tracking, withdrawal, survey, and the
optional citizen account (sign-up, sign-in).

Forms check presence and shape so each message lands next to its field; the business rules
(NIK structure, obtain-method combinations, upload content) stay in ppid.foi.services and its
validators, whose ValidationErrors are mapped back onto the fields (`add_service_errors`).
"""

import re
import secrets
from collections import defaultdict

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ppid.core.uploads import check_upload
from ppid.organizations.models import Body, Office

from .models import CopyFormat, DeliveryMethod, ObtainMethod, RequesterKind
from .services import ID_SCAN_KINDS, ID_SCAN_MAX_BYTES, RequestData, RequesterData
from .validators import nik_problem, phone_problem

# What the browser offers to pick for identity documents; the service decides by content.
IDENTITY_UPLOAD_ACCEPT = "application/pdf,image/png,image/jpeg,image/webp"
_FORM_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# Fields the citizen fills that are files: they are never re-shown after an error.
FILE_FIELDS = ("id_scan", "proxy_letter")


def new_form_token() -> str:
    """A one-time token for one filling of the request form; its hash becomes the request's
    submission_key, so a double submission finds the first request (idempotency)."""
    return secrets.token_urlsafe(32)


def office_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active PPID offices as grouped choices: one group per kind of public body."""
    today = timezone.localdate()
    offices = (
        Office.objects.select_related("body")
        .exclude(active_from__gt=today)
        .exclude(active_to__lt=today)
        .order_by("body__name", "kind", "name")
    )
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for office in offices:
        label = f"{office.body.name} ({office.get_kind_display()})"
        if office.is_demo:
            label = f"{label} · DEMO"
        groups[office.body.kind].append((office.slug, label))
    kinds = dict(Body.Kind.choices)
    return [
        (str(kinds[kind]), groups[kind]) for kind, _label in Body.Kind.choices if kind in groups
    ]


def _identity_upload(upload):
    """Checked here too, so a bad file is reported together with the other fields' errors
    (the service repeats the check: ppid.foi.services.ID_SCAN_KINDS, by content)."""
    if not upload:
        return upload
    checked = check_upload(upload, max_bytes=min(ID_SCAN_MAX_BYTES, settings.UPLOAD_MAX_BYTES))
    if checked.kind not in ID_SCAN_KINDS:
        raise ValidationError(_("Upload an image (PNG, JPEG, WebP) or a PDF."))
    return upload


class RequestForm(forms.Form):
    """The public request form (formulir permohonan informasi, F22 a–i, F23)."""

    required_css_class = "required"

    office = forms.ChoiceField(
        label=_("Public body and PPID office"),
        help_text=_("The public body you ask for information."),
    )
    requester_kind = forms.ChoiceField(
        label=_("You are requesting as"),
        choices=RequesterKind.choices,
        initial=RequesterKind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("Your name, or the name of the legal entity or group."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    nik = forms.CharField(
        label=_("NIK (national identity number)"),
        max_length=16,
        required=False,
        help_text=_("16 digits, as on your KTP. For a group: the NIK of its representative."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{16}"}
        ),
    )
    legal_entity_number = forms.CharField(
        label=_("Legal entity ratification number"),
        max_length=120,
        required=False,
        help_text=_("The Ministry of Law's ratification decree or deed number."),
    )
    id_scan = forms.FileField(
        label=_("Scan of the KTP or of the legal entity's deed"),
        required=False,
        help_text=_("PDF or image. It is stored privately and never published."),
        widget=forms.ClearableFileInput(attrs={"accept": IDENTITY_UPLOAD_ACCEPT}),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
    )
    occupation = forms.CharField(label=_("Occupation"), max_length=120, required=False)
    phone = forms.CharField(
        label=_("Telephone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        help_text=_(
            "We send the receipt and every answer here. Needed to look your request up "
            "by its number later."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    fax = forms.CharField(label=_("Fax"), max_length=30, required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=1000,
        required=False,
        help_text=_("For example: braille, large print, an interpreter, wheelchair access."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    has_proxy = forms.BooleanField(
        label=_("I am submitting on behalf of someone else, as their proxy"), required=False
    )
    proxy_name = forms.CharField(label=_("Proxy's full name"), max_length=200, required=False)
    proxy_nik = forms.CharField(
        label=_("Proxy's NIK"),
        max_length=16,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{16}"}
        ),
    )
    proxy_address = forms.CharField(
        label=_("Proxy's address"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    proxy_contact = forms.CharField(
        label=_("Proxy's telephone or e-mail"), max_length=120, required=False
    )
    proxy_letter = forms.FileField(
        label=_("Special power of attorney (surat kuasa khusus)"),
        required=False,
        help_text=_("PDF or image."),
        widget=forms.ClearableFileInput(attrs={"accept": IDENTITY_UPLOAD_ACCEPT}),
    )
    information = forms.CharField(
        label=_("Information requested"),
        max_length=5000,
        help_text=_("Describe the information as precisely as you can: subject, period, place."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    purpose = forms.CharField(
        label=_("Purpose of use"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    obtain_methods = forms.MultipleChoiceField(
        label=_("How you want to obtain the information"),
        choices=ObtainMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way to obtain the information.")},
    )
    copy_format = forms.ChoiceField(
        label=_("Format of the copy"),
        choices=CopyFormat.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    delivery_method = forms.ChoiceField(
        label=_("How the copy is delivered"),
        choices=DeliveryMethod.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the PPID uses my personal data (NIK, address, telephone, ID scan) "
            "only to handle this request, as required by UU 14/2008 and UU 27/2022."
        ),
        error_messages={"required": _("Tick this box to submit the request.")},
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("Choose a public body…")), *office_choices()]

    def clean_office(self):
        office = Office.objects.select_related("body").filter(slug=self.cleaned_data["office"])
        if (office := office.first()) is None:
            raise ValidationError(_("Choose the public body you ask."))
        return office

    def clean_nik(self):
        return _clean_nik(self.cleaned_data["nik"])

    def clean_proxy_nik(self):
        # Checked in clean(), and only when the proxy box is ticked.
        return re.sub(r"[\s.-]", "", self.cleaned_data["proxy_nik"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        problem = phone and phone_problem(phone)
        if problem:
            raise ValidationError(problem)
        return phone

    def clean_id_scan(self):
        return _identity_upload(self.cleaned_data.get("id_scan"))

    def clean_proxy_letter(self):
        return _identity_upload(self.cleaned_data.get("proxy_letter"))

    def clean_form_token(self):
        token = self.cleaned_data["form_token"]
        if not _FORM_TOKEN.match(token):
            raise ValidationError(_("The form was incomplete. Please submit it again."))
        return token

    def clean(self):
        data = super().clean()
        kind = data.get("requester_kind")
        # F22(b): the NIK of a person (or a group's representative), or the legal entity's
        # ratification number.
        if kind == RequesterKind.LEGAL_ENTITY:
            if not data.get("legal_entity_number"):
                self.add_error(
                    "legal_entity_number", _("Enter the legal entity's ratification number.")
                )
        elif kind and not data.get("nik") and "nik" not in self.errors:
            self.add_error("nik", _("Enter your 16-digit NIK."))
        # F22(d): a telephone number or an e-mail address.
        if (
            not data.get("phone")
            and not data.get("email")
            and not self._has_errors("phone", "email")
        ):
            self.add_error("email", _("Give an e-mail address or a telephone number."))
        # F23: a copy needs its format and its delivery method.
        if ObtainMethod.COPY in (data.get("obtain_methods") or []):
            if not data.get("copy_format") and "copy_format" not in self.errors:
                self.add_error("copy_format", _("Choose the format of the copy."))
            if not data.get("delivery_method") and "delivery_method" not in self.errors:
                self.add_error("delivery_method", _("Choose how the copy is delivered."))
        # F22(e): a proxy gives his identity and the special power of attorney.
        if data.get("has_proxy"):
            required = {
                "proxy_name": _("Enter the proxy's full name."),
                "proxy_nik": _("Enter the proxy's 16-digit NIK."),
                "proxy_contact": _("Enter the proxy's telephone or e-mail."),
                "proxy_letter": _("Attach the special power of attorney."),
            }
            for field, message in required.items():
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, message)
            if data.get("proxy_nik") and (problem := nik_problem(data["proxy_nik"])):
                self.add_error("proxy_nik", problem)
        return data

    def _has_errors(self, *fields) -> bool:
        return any(field in self.errors for field in fields)

    @property
    def files_to_choose_again(self) -> list[str]:
        """Labels of the file fields the citizen had filled: a browser never re-sends a file
        after an error page, so he must choose them again (and is told so)."""
        return [str(self.fields[name].label) for name in FILE_FIELDS if self.files.get(name)]

    def request_data(self) -> RequestData:
        """The service's RequestData for the cleaned form (ppid.foi.services)."""
        data = self.cleaned_data
        proxy = data.get("has_proxy")
        requester = RequesterData(
            kind=data["requester_kind"],
            name=data["name"],
            address=data["address"],
            nik=data["nik"],
            legal_entity_number=(
                data["legal_entity_number"]
                if data["requester_kind"] == RequesterKind.LEGAL_ENTITY
                else ""
            ),
            occupation=data["occupation"],
            phone=data["phone"],
            email=data["email"],
            fax=data["fax"],
            accessibility_needs=data["accessibility_needs"],
            proxy_name=data["proxy_name"] if proxy else "",
            proxy_nik=data["proxy_nik"] if proxy else "",
            proxy_address=data["proxy_address"] if proxy else "",
            proxy_contact=data["proxy_contact"] if proxy else "",
        )
        return RequestData(
            office=data["office"],
            requester=requester,
            information=data["information"],
            purpose=data["purpose"],
            obtain_methods=list(data["obtain_methods"]),
            copy_format=data["copy_format"],
            delivery_method=data["delivery_method"],
            id_scan=data.get("id_scan") or None,
            proxy_letter=(data.get("proxy_letter") or None) if proxy else None,
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's messages next to the fields they name ("requester.nik" and
        "nik" both land on the NIK field); anything else goes above the form."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for key, errors in error.message_dict.items():
            field = key.rsplit(".", 1)[-1]
            field = {"kind": "requester_kind"}.get(field, field)
            target = field if field in self.fields else None
            for message in errors:
                self.add_error(target, message)


def _clean_nik(value: str) -> str:
    # People copy a NIK with spaces or dots between its groups of digits.
    value = re.sub(r"[\s.-]", "", value or "")
    problem = value and nik_problem(value)
    if problem:
        raise ValidationError(problem)
    return value


class TrackForm(forms.Form):
    """Look a request up by its registration number and the e-mail given with it (§17 #7)."""

    required_css_class = "required"

    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("E-mail given with the request"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_registration_number(self):
        return self.cleaned_data["registration_number"].strip()


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, withdraw this request. This cannot be undone."),
        error_messages={"required": _("Tick this box to confirm the withdrawal.")},
    )


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=[
            (5, pgettext_lazy("rating", "5: very satisfied")),
            (4, pgettext_lazy("rating", "4: satisfied")),
            (3, pgettext_lazy("rating", "3: neutral")),
            (2, pgettext_lazy("rating", "2: dissatisfied")),
            (1, pgettext_lazy("rating", "1: very dissatisfied")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SignupForm(forms.Form):
    """A citizen account: a user with no appointment, so no way into the back office."""

    required_css_class = "required"

    name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        users = get_user_model().objects
        if users.filter(email__iexact=email).exists() or users.filter(username=email).exists():
            raise ValidationError(_("An account with this e-mail already exists. Sign in instead."))
        return email

    def clean(self):
        data = super().clean()
        password = data.get("password1")
        if password and data.get("password2") != password:
            self.add_error("password2", _("The two passwords differ."))
        elif password and data.get("email"):
            user = get_user_model()(username=data["email"], email=data["email"])
            user.first_name = data.get("name", "")
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return data

    def save(self):
        """Create the account: the e-mail is the username; no staff flag, no appointment."""
        data = self.cleaned_data
        return get_user_model().objects.create_user(
            username=data["email"],
            email=data["email"],
            password=data["password1"],
            first_name=data["name"],
        )


class SigninForm(AuthenticationForm):
    """Sign in with the e-mail (the username of citizen accounts); django-axes counts failures
    because AuthenticationForm authenticates with the request."""

    username = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail or the password is wrong. Note that the password is case-sensitive."
        ),
        "inactive": _("This account is inactive."),
    }

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        # Citizen usernames are their lower-cased e-mail; staff usernames are kept as typed.
        return username.lower() if "@" in username else username
