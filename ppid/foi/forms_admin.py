"""Back-office forms of the request service (officers' inbox, case actions, desk intake).

They parse input only: whether a step is allowed (who, when, in which state) is decided
by ppid/foi/services.py, which the views call with the cleaned data.
"""

import datetime
import secrets

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ppid.organizations.models import Body, Office
from ppid.registry.models import ConsequenceTest, ExemptEntry

from .models import (
    DESK_CHANNELS,
    Channel,
    CopyFormat,
    DeliveryMethod,
    Fee,
    FeeTariff,
    Handover,
    InformationRequest,
    Notice,
    ObtainMethod,
    RequesterKind,
)
from .rules import LIMITS
from .services import INFORMATION_MAX, NOTE_MAX, PURPOSE_MAX


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Office) -> str:
        return obj.name


class OfficeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Office) -> str:
        return obj.name


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Body) -> str:
        return obj.name


# --- Inbox -----------------------------------------------------------------------------

STATUS_OPEN = ""  # the default view: cases still waiting for a notice
STATUS_ALL = "all"


class PlainSelect(forms.Select):
    """A <select> written in Python. Django renders each option from its own template:
    the inbox's office list (41 options for a PPID Utama) and four other filters cost
    about 14 ms on every inbox page (docs/benchmarks.md, inbox)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Registration number"),
        required=False,
        max_length=80,
        help_text=_("The whole number, part of it, or only its sequence (123)."),
    )
    office = forms.ChoiceField(label=_("Handling office"), required=False, widget=PlainSelect)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=PlainSelect,
        choices=[(STATUS_OPEN, _("Open (awaiting a notice)")), (STATUS_ALL, _("All statuses"))]
        + list(InformationRequest.Status.choices),
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("late", _("Overdue")), ("due_soon", _("Due soon"))],
        widget=PlainSelect,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("Any"))] + list(Channel.choices),
        widget=PlainSelect,
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("All my offices"))] + [
            (office.slug, office.name) for office in offices
        ]

    def clean_q(self):
        # Registration numbers are short printable text; anything else cannot match.
        return "".join(ch for ch in self.cleaned_data["q"] if ch.isprintable()).strip()


# --- Desk intake (F17, F22, F23) ---------------------------------------------------------


class IntakeForm(forms.Form):
    """A request received at the desk (walk-in, phone, letter, fax, e-mail): the fields of the
    public form plus the channel and the time of receipt. NIK and the other F22 rules are
    checked by services.request_submit; errors come back onto these fields by name."""

    office = OfficeChoiceField(queryset=Office.objects.none(), label=_("Receiving office"))
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in DESK_CHANNELS]
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        help_text=_("When the request reached the office (a letter may have arrived earlier)."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    kind = forms.ChoiceField(label=_("Requester type"), choices=RequesterKind.choices)
    name = forms.CharField(label=_("Full name"), max_length=200)
    nik = forms.CharField(
        label=_("NIK"), required=False, max_length=16,
        help_text=_("16 digits, as on the identity card (individuals and groups)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    legal_entity_number = forms.CharField(
        label=_("Legal entity ratification number"), required=False, max_length=120
    )
    id_scan = forms.FileField(
        label=_("ID card or deed scan"), required=False,
        help_text=_("Image or PDF."),
    )  # fmt: skip
    address = forms.CharField(label=_("Address"), max_length=400)
    occupation = forms.CharField(label=_("Occupation"), required=False, max_length=120)
    phone = forms.CharField(label=_("Telephone"), required=False, max_length=30)
    email = forms.EmailField(
        label=_("E-mail"), required=False,
        help_text=_("The receipt and the tracking link are sent here."),
    )  # fmt: skip
    fax = forms.CharField(label=_("Fax"), required=False, max_length=30)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    proxy_name = forms.CharField(label=_("Proxy's name"), required=False, max_length=200)
    proxy_nik = forms.CharField(
        label=_("Proxy's NIK"), required=False, max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    proxy_address = forms.CharField(label=_("Proxy's address"), required=False, max_length=400)
    proxy_contact = forms.CharField(label=_("Proxy's contact"), required=False, max_length=120)
    proxy_letter = forms.FileField(
        label=_("Special power of attorney"), required=False, help_text=_("Image or PDF.")
    )
    information = forms.CharField(
        label=_("Information requested"), max_length=INFORMATION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    purpose = forms.CharField(
        label=_("Purpose of use"), max_length=PURPOSE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    obtain_methods = forms.MultipleChoiceField(
        label=_("How to obtain the information"),
        choices=ObtainMethod.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    copy_format = forms.ChoiceField(
        label=_("Copy format"), required=False,
        choices=[("", _("Not applicable"))] + list(CopyFormat.choices),
    )  # fmt: skip
    delivery_method = forms.ChoiceField(
        label=_("How to receive a copy"), required=False,
        choices=[("", _("Not applicable"))] + list(DeliveryMethod.choices),
    )  # fmt: skip
    # One-time token: a double submission finds the first request (submission_key).
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    REQUESTER_FIELDS = (
        "kind", "name", "address", "nik", "legal_entity_number", "occupation", "phone", "email",
        "fax", "accessibility_needs", "proxy_name", "proxy_nik", "proxy_address",
        "proxy_contact",
    )  # fmt: skip

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices if offices is not None else Office.objects.none()
        if offices is not None and len(offices) == 1:
            self.fields["office"].initial = offices[0]
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["form_token"].initial = secrets.token_urlsafe(24)

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        # A minute of tolerance for the clock of the officer's browser.
        if received_at > timezone.now() + datetime.timedelta(minutes=1):
            raise forms.ValidationError(_("The time of receipt cannot be in the future."))
        return received_at

    def clean_nik(self):
        return self.cleaned_data["nik"].replace(" ", "")

    def clean_proxy_nik(self):
        return self.cleaned_data["proxy_nik"].replace(" ", "")


# --- Case actions -----------------------------------------------------------------------


class ForwardForm(forms.Form):
    """Disposition from the PPID Utama to one or more PPID Pelaksana (F48 note)."""

    to_offices = OfficeMultipleChoiceField(
        queryset=Office.objects.none(),
        label=_("Forward to"),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Instructions"), required=False, max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    internal_due_date = forms.DateField(
        label=_("Internal due date"),
        required=False,
        help_text=_("Leave empty for the default: a few working days before the statutory date."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_offices"].queryset = (
            offices if offices is not None else Office.objects.none()
        )


class ExemptEntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ExemptEntry) -> str:
        return f"Pasal 17 {obj.ground}: {obj.information}"


class NoticeForm(forms.ModelForm):
    """The written notice, items a–g of UU 14/2008 Pasal 22(7) (F18); a refusal cites its
    Pasal 17 ground, the DIK entry and the consequence test (F21)."""

    other_body = BodyChoiceField(
        queryset=Body.objects.none(), required=False, label=_("(b) public body in this system")
    )
    exempt_entry = ExemptEntryChoiceField(
        queryset=ExemptEntry.objects.none(), required=False, label=_("DIK entry")
    )
    consequence_test = forms.ModelChoiceField(
        queryset=ConsequenceTest.objects.none(), required=False, label=_("Consequence test")
    )

    class Meta:
        model = Notice
        fields = [
            "control", "other_body_name", "other_body", "decision", "rejection_ground",
            "rejection_reasons", "exempt_entry", "consequence_test", "material", "redactions",
            "delivery_method", "copy_format", "cost", "payment_method", "provision_time",
        ]  # fmt: skip
        widgets = {
            "rejection_reasons": forms.Textarea(attrs={"rows": 3}),
            "material": forms.Textarea(attrs={"rows": 3}),
            "redactions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, request: InformationRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_body"].queryset = Body.objects.exclude(pk=request.body_id).order_by(
            "name"
        )
        self.fields["exempt_entry"].queryset = ExemptEntry.objects.filter(
            body=request.body, is_active=True
        ).order_by("ground", "information")
        self.fields["consequence_test"].queryset = ConsequenceTest.objects.filter(
            office__body=request.body
        ).order_by("-tested_on")
        self.fields["delivery_method"].initial = request.delivery_method
        self.fields["copy_format"].initial = request.copy_format
        body_settings = getattr(request.body, "service_settings", None)
        if body_settings is not None and body_settings.payment_instructions:
            self.fields["payment_method"].initial = body_settings.payment_instructions

    def notice_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class NoticeSendForm(forms.Form):
    notice = forms.ModelChoiceField(queryset=Notice.objects.none(), label=_("Draft notice"))

    def __init__(self, *args, request: InformationRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = request.notices.filter(state=Notice.State.DRAFT)


class ExtendForm(forms.Form):
    """One extension of at most 7 working days with written reasons (F19)."""

    reasons = forms.CharField(
        label=_("Written reasons"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    working_days = forms.IntegerField(
        label=_("Working days added"),
        min_value=1,
        max_value=LIMITS.extension_wd,
        initial=LIMITS.extension_wd,
    )


class TariffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FeeTariff) -> str:
        return f"{obj.item}: Rp{obj.price:,} / {obj.unit}".replace(",", ".")


class FeeForm(forms.Form):
    """A copying or delivery charge from the body's tariff decree, or a free item (F25)."""

    tariff = TariffChoiceField(
        queryset=FeeTariff.objects.none(), required=False, label=_("Tariff"),
        help_text=_("Choose a line of the fee decree, or describe the item below."),
    )  # fmt: skip
    item = forms.CharField(label=_("Item"), required=False, max_length=120)
    unit_price = forms.IntegerField(label=_("Unit price (Rp)"), required=False, min_value=0)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000)

    def __init__(self, *args, request: InformationRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tariff"].queryset = FeeTariff.objects.filter(
            body=request.body, is_active=True
        ).order_by("item")

    def clean(self):
        data = super().clean()
        tariff = data.get("tariff")
        if tariff is not None:
            data["item"], data["unit_price"] = tariff.item, tariff.price
        else:
            if not data.get("item"):
                self.add_error("item", _("Choose a tariff or describe the item."))
            if data.get("unit_price") is None:
                self.add_error("unit_price", _("Give the unit price."))
        return data


class FeePaidForm(forms.Form):
    fee = forms.ModelChoiceField(queryset=Fee.objects.none(), label=_("Fee"))
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=80)

    def __init__(self, *args, request: InformationRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fee"].queryset = request.fees.filter(paid_at__isnull=True)


class HandoverForm(forms.Form):
    """Penyerahan informasi (§13.4): an electronic copy gets a one-time download link; every
    handover gets a numbered receipt letter."""

    method = forms.ChoiceField(label=_("Method"), choices=DeliveryMethod.choices)
    file = forms.FileField(
        label=_("Electronic copy"), required=False,
        help_text=_("For an electronic handover: the requester gets a one-time download link."),
    )  # fmt: skip
    received_by = forms.CharField(label=_("Received by"), required=False, max_length=200)
    privacy = forms.ChoiceField(
        label=_("Response privacy"),
        choices=Handover.Privacy.choices,
        initial=Handover.Privacy.REQUESTER_ONLY,
    )


class ReferForm(forms.Form):
    other_body = BodyChoiceField(queryset=Body.objects.none(), label=_("Public body holding it"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, request: InformationRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_body"].queryset = (
            Body.objects.exclude(pk=request.body_id)
            .filter(offices__kind=Office.Kind.UTAMA)
            .order_by("name")
            .distinct()
        )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("How the requester withdrew, and why"), max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
