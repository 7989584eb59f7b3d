"""Every write to an information request that is a business action (state machine §14.1).

Views, the API, the back office, commands and tasks call these. Each runs in one
transaction, records an event (who, in which role, what, why; never personal data) and
writes its notifications to the outbox in that same transaction. Illegal input or steps
raise ValidationError with a clear message and change nothing; an actor who may not act
gets PermissionDenied.

Validation errors of `request_submit` are keyed by the names of RequestData's fields
(office, information, purpose, obtain_methods, copy_format, delivery_method, channel,
received_at, id_scan, proxy_letter) and of RequesterData's fields (kind, name, nik,
legal_entity_number, address, occupation, phone, email, fax, accessibility_needs,
proxy_name, proxy_nik, proxy_address, proxy_contact).
"""

import base64
import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ppid.core.calendar import (
    Calendar,
    DueDate,
    Policy,
    add_working_days,
    due_date,
    policy_for,
)
from ppid.core.events import event_record
from ppid.core.models import Event
from ppid.core.numbering import next_number, numbering_transaction
from ppid.core.outbox import outbox_batch, outbox_write
from ppid.core.uploads import check_upload
from ppid.organizations.access import office_ids_for, role_in_office
from ppid.organizations.models import Appointment, Body, Office, Role
from ppid.registry.models import ConsequenceTest, ExemptEntry, Pasal17

from . import letters
from .access import can_handle, handling_office_ids, token_hash, utama_of
from .models import (
    DESK_CHANNELS,
    OPEN_STATUSES,
    Channel,
    CopyFormat,
    DeliveryMethod,
    Disposition,
    Extension,
    Fee,
    FeeTariff,
    Handover,
    InformationRequest,
    Letter,
    Notice,
    ObtainMethod,
    Outcome,
    RequesterKind,
    ServiceSettings,
    Survey,
)
from .notifications import (
    notify_office,
    notify_requester,
    office_mails,
    office_recipients,
    requester_mails,
)
from .rules import LIMITS
from .validators import nik_problem, phone_problem, text_problem

Status = InformationRequest.Status

INFORMATION_MAX = 5000
PURPOSE_MAX = 2000
NOTE_MAX = 5000
# ID card / deed scans: images or PDF (§6), at most this size.
ID_SCAN_KINDS = {"pdf", "png", "jpeg", "webp"}
ID_SCAN_MAX_BYTES = 5 * 1024 * 1024
# A handover's electronic copy can be downloaded with its private link this long.
DOWNLOAD_VALID = datetime.timedelta(days=14)
# A desk officer may record a request received earlier; never one from the future.
CLOCK_SKEW = datetime.timedelta(minutes=5)
GRANTED = {Outcome.GRANTED_FULL, Outcome.GRANTED_PART}
CLOSED_STATUSES = {Status.CLOSED, Status.WITHDRAWN}


# --- input -------------------------------------------------------------------------------


@dataclass
class RequesterData:
    """Who asks (F22 a–e, §13.3)."""

    kind: str
    name: str
    address: str
    nik: str = ""
    legal_entity_number: str = ""
    occupation: str = ""
    phone: str = ""
    email: str = ""
    fax: str = ""
    accessibility_needs: str = ""
    proxy_name: str = ""
    proxy_nik: str = ""
    proxy_address: str = ""
    proxy_contact: str = ""


@dataclass
class RequestData:
    """What is asked, of which office, and how (F22 f–i, F23)."""

    office: Office
    requester: RequesterData
    information: str
    purpose: str
    obtain_methods: list[str] = field(default_factory=list)
    copy_format: str = ""
    delivery_method: str = ""
    channel: str = Channel.WEBSITE
    received_at: datetime.datetime | None = None
    id_scan: UploadedFile | None = None
    proxy_letter: UploadedFile | None = None


@dataclass(frozen=True)
class Submitted:
    request: InformationRequest
    tracking_token: str | None  # shown once; None when the submission was a replay
    created: bool


# --- helpers -----------------------------------------------------------------------------


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def _tracking_token(key_hash: str | None) -> str:
    """A fresh private token; with a submission key, one derived from it (keyed by the
    SECRET_KEY), so a retried API call can be answered with the same token."""
    if not key_hash:
        return secrets.token_urlsafe(24)
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"foi-tracking:{key_hash}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def tracking_token_replay(request: InformationRequest, submission_key: str) -> str | None:
    """The tracking token of a request created with `submission_key`, for answering a
    retried submission exactly as the first one (None if the key is not this request's)."""
    key_hash = _hash(submission_key)
    if not request.submission_key or not hmac.compare_digest(request.submission_key, key_hash):
        return None
    token = _tracking_token(key_hash)
    return token if hmac.compare_digest(request.tracking_hash, token_hash(token)) else None


def _public_url(name: str, token: str, fallback: str) -> str:
    # Public pages are under the default language without a prefix.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            path = reverse(name, kwargs={"token": token})
        except NoReverseMatch:
            path = fallback
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def tracking_url(request: InformationRequest, token: str) -> str:
    """The requester's private tracking link (the token is never stored, only its hash)."""
    return _public_url("foi:track_token", token, f"/permohonan/lacak/{token}/")


def download_url(token: str) -> str:
    return _public_url("foi:handover_download", token, f"/unduh/{token}/")


def request_by_token(token: str) -> InformationRequest | None:
    if not token or len(token) > 200:
        return None
    return (
        InformationRequest.objects.select_related("office", "body")
        .filter(tracking_hash=token_hash(token))
        .first()
    )


def request_track(registration_number: str, email: str) -> InformationRequest | None:
    """Lookup by number AND e-mail (§17 #7): the same None for an unknown number and a
    wrong e-mail, so neither can be probed."""
    number = (registration_number or "").strip().upper()
    email = (email or "").strip()
    if not number or not email or len(number) > 80 or len(email) > 254:
        return None
    found = (
        InformationRequest.objects.select_related("office", "body")
        .filter(registration_number=number)
        .first()
    )
    if found is None or not found.email:
        return None
    if not hmac.compare_digest(found.email.casefold().encode(), email.casefold().encode()):
        return None
    return found


def _lock(request: InformationRequest) -> InformationRequest:
    """Lock the row for this transaction and load its current state into `request`."""
    InformationRequest.objects.select_for_update().filter(pk=request.pk).first()
    request.refresh_from_db()
    return request


def _role(actor, office: Office) -> str:
    if actor is None or not actor.is_authenticated:
        return "requester"
    return role_in_office(actor, office)


def _require_handler(actor, request: InformationRequest) -> str:
    if actor is None or not can_handle(actor, request):
        raise PermissionDenied(_("You are not appointed to handle this request."))
    return _role(actor, request.office)


def _require_not_closed(request: InformationRequest) -> None:
    if request.status in CLOSED_STATUSES:
        raise ValidationError(
            _("This request is closed (%(status)s): nothing more can be done on it.")
            % {"status": request.get_status_display()}
        )


def _require_open(request: InformationRequest) -> None:
    """Before the written notice: registered, in progress or extended."""
    _require_not_closed(request)
    if request.status not in OPEN_STATUSES:
        raise ValidationError(
            _("The written notice of this request has already been sent (%(status)s).")
            % {"status": request.get_status_display()}
        )


def service_settings(body: Body) -> ServiceSettings:
    """The body's service settings, or the defaults when it has none."""
    return ServiceSettings.objects.filter(body=body).first() or ServiceSettings(body=body)


def _settings_for(request: InformationRequest) -> ServiceSettings:
    return service_settings(utama_of(request.office).body)


def _sent_notice(request: InformationRequest) -> Notice | None:
    """The notice in force: the latest sent (a granted objection may bring a second one)."""
    return request.notices.filter(state=Notice.State.SENT).order_by("-sent_at", "-id").first()


def _granted_objection_awaiting_notice(request: InformationRequest):
    """An objection the Atasan PPID granted that no sent notice has carried out yet: the
    request is back in fulfilment (§14.2) and takes one new notice for it."""
    from .models import Objection

    return (
        Objection.objects.filter(request=request, status=Objection.Status.GRANTED)
        .exclude(notices__state=Notice.State.SENT)
        .order_by("-decided_at", "-id")
        .first()
    )


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _number_prefix(office: Office) -> str:
    # Short and unique: the office's slug, or a cut slug with its id when long.
    slug = office.slug.upper()
    return slug if len(slug) <= 40 else f"{slug[:32]}-{office.pk}"


def _active(office: Office, on: datetime.date) -> bool:
    return (office.active_from is None or office.active_from <= on) and (
        office.active_to is None or office.active_to >= on
    )


# --- submission (F17, F22, D1, D2) -------------------------------------------------------


def _clean_requester(person: RequesterData, errors: dict) -> dict:
    values = {}
    for name, max_length, required in (
        ("name", 200, True),
        ("address", 400, True),
        ("occupation", 120, False),
        ("fax", 30, False),
        ("accessibility_needs", 2000, False),
        ("proxy_name", 200, False),
        ("proxy_address", 400, False),
        ("proxy_contact", 120, False),
        ("legal_entity_number", 120, False),
    ):
        value = getattr(person, name, "")
        problem = text_problem(value, max_length=max_length, required=required)
        if problem:
            errors[name] = problem
        values[name] = (value or "").strip() if isinstance(value, str) else ""
    kind = person.kind
    if kind not in RequesterKind.values:
        errors["kind"] = _("Choose individual, legal entity or group of people.")
    nik = (person.nik or "").strip() if isinstance(person.nik, str) else ""
    if kind == RequesterKind.LEGAL_ENTITY:
        # F22 b: a legal entity gives its Kemenkumham ratification number instead.
        if not values["legal_entity_number"] and "legal_entity_number" not in errors:
            errors["legal_entity_number"] = _(
                "A legal entity must give its ratification number (Kemenkumham)."
            )
        if nik and (problem := nik_problem(nik)):
            errors["nik"] = problem
    elif not nik:
        errors["nik"] = _("Enter the NIK (16 digits) from the identity card.")
    elif problem := nik_problem(nik):
        errors["nik"] = problem
    proxy_nik = (person.proxy_nik or "").strip() if isinstance(person.proxy_nik, str) else ""
    if proxy_nik and (problem := nik_problem(proxy_nik)):
        errors["proxy_nik"] = problem
    if (proxy_nik or values["proxy_address"] or values["proxy_contact"]) and not values[
        "proxy_name"
    ]:
        errors.setdefault("proxy_name", _("Enter the proxy's name."))
    if values["proxy_name"] and not proxy_nik and "proxy_nik" not in errors:
        errors["proxy_nik"] = _("Enter the proxy's NIK.")
    email = (person.email or "").strip() if isinstance(person.email, str) else ""
    phone = (person.phone or "").strip() if isinstance(person.phone, str) else ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
        if len(email) > 254:
            errors["email"] = _("Enter a valid e-mail address.")
    if phone and (problem := phone_problem(phone)):
        errors["phone"] = problem
    if not email and not phone:
        # F22 d: a telephone number or an e-mail address.
        errors["email"] = _("Give an e-mail address or a telephone number.")
    values.update(kind=kind, nik=nik, proxy_nik=proxy_nik, email=email, phone=phone)
    return values


def _clean_methods(data: RequestData, errors: dict) -> tuple[list[str], str, str]:
    methods = data.obtain_methods
    if not isinstance(methods, list | tuple) or not all(isinstance(m, str) for m in methods):
        methods = []
    chosen = [m for m in ObtainMethod.values if m in methods]
    if len(chosen) != len(set(methods)) or not chosen:
        errors["obtain_methods"] = _(
            "Choose how you want to obtain the information: see, read, listen, take notes "
            "or get a copy."
        )
    copy_format, delivery = data.copy_format or "", data.delivery_method or ""
    fax = data.requester.fax or ""
    if ObtainMethod.COPY in chosen:
        if copy_format not in CopyFormat.values:
            errors["copy_format"] = _("Choose the copy's format: softcopy or hardcopy.")
        if delivery not in DeliveryMethod.values:
            errors["delivery_method"] = _(
                "Choose how the copy is sent: collect, courier, post, fax or e-mail."
            )
        elif delivery == DeliveryMethod.EMAIL and not data.requester.email:
            errors["delivery_method"] = _("Give an e-mail address to receive the copy by e-mail.")
        elif delivery == DeliveryMethod.EMAIL and copy_format == CopyFormat.HARDCOPY:
            errors["delivery_method"] = _("A hardcopy cannot be sent by e-mail.")
        elif delivery == DeliveryMethod.FAX and not str(fax).strip():
            errors["fax"] = _("Give a fax number to receive the copy by fax.")
    else:
        # F23: format and delivery describe a copy; without one they mean nothing.
        copy_format, delivery = "", ""
    return chosen, copy_format, delivery


def _check_file(upload, name: str, errors: dict):
    if upload is None:
        return None
    try:
        checked = check_upload(upload, max_bytes=min(ID_SCAN_MAX_BYTES, settings.UPLOAD_MAX_BYTES))
    except ValidationError as exc:
        errors[name] = exc.messages[0]
        return None
    if checked.kind not in ID_SCAN_KINDS:
        errors[name] = _("Upload an image (PNG, JPEG, WebP) or a PDF.")
        return None
    return upload


def _validate_submission(data: RequestData, actor) -> dict:
    errors: dict[str, str] = {}
    office = data.office
    if not isinstance(office, Office) or office.pk is None:
        raise ValidationError({"office": _("Choose the PPID office you are asking.")})
    if not _active(office, timezone.localdate()):
        errors["office"] = _("This office no longer receives requests.")
    if not isinstance(data.requester, RequesterData):
        raise ValidationError({"name": _("Enter the requester's details.")})
    person = _clean_requester(data.requester, errors)
    for name, max_length in (("information", INFORMATION_MAX), ("purpose", PURPOSE_MAX)):
        problem = text_problem(getattr(data, name), max_length=max_length)
        if problem:
            errors[name] = problem
    methods, copy_format, delivery = _clean_methods(data, errors)
    channel = data.channel
    if channel not in Channel.values:
        errors["channel"] = _("Unknown channel.")
    elif channel in DESK_CHANNELS and actor is None:
        errors["channel"] = _("Only a service-desk officer records requests from this channel.")
    elif actor is not None and channel not in DESK_CHANNELS:
        errors["channel"] = _("Choose the channel the request came by: in person, phone, ...")
    now = timezone.now()
    received_at = data.received_at or now
    if not isinstance(received_at, datetime.datetime):
        errors["received_at"] = _("Enter the date and time the request was received.")
        received_at = now
    elif timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at > now + CLOCK_SKEW:
        errors["received_at"] = _("The time of receipt cannot be in the future.")
    id_scan = _check_file(data.id_scan, "id_scan", errors)
    proxy_letter = _check_file(data.proxy_letter, "proxy_letter", errors)
    if person["proxy_name"] and proxy_letter is None and actor is None:
        # F22 e: an online request by proxy carries the special power of attorney.
        errors.setdefault(
            "proxy_letter", _("Attach the special power of attorney (surat kuasa khusus).")
        )
    if errors:
        raise ValidationError(errors)
    return {
        **person,
        "information": data.information.strip(),
        "purpose": data.purpose.strip(),
        "obtain_methods": methods,
        "copy_format": copy_format,
        "delivery_method": delivery,
        "channel": channel,
        "received_at": received_at,
        "id_scan": id_scan,
        "proxy_letter": proxy_letter,
    }


# Stands for the registration number in what is prepared before the number is taken (the
# mails of a new request); no submitted text can hold it, control characters are refused.
PENDING_NUMBER = "\x00nomor-pendaftaran\x00"


def _new_request(
    *,
    office: Office,
    values: dict,
    user=None,
    created_by=None,
    key_hash: str | None = None,
    referred_from: InformationRequest | None = None,
    due: DueDate | None = None,
) -> tuple[InformationRequest, str]:
    """The request as it will be stored, with D2 computed (unless given), but not yet
    numbered nor saved (_number does both)."""
    received_at = values["received_at"]
    if due is None:
        due = due_date(received_at, LIMITS.response_wd, body=office.body)
    token = _tracking_token(key_hash)
    person = {
        "requester_kind": values["kind"],
        "requester_name": values["name"],
        **{
            name: values[name]
            for name in (
                "nik", "legal_entity_number", "address", "occupation", "phone", "email",
                "fax", "accessibility_needs", "proxy_name", "proxy_nik", "proxy_address",
                "proxy_contact",
            )
        },
    }  # fmt: skip
    request = InformationRequest(
        registration_number=PENDING_NUMBER,
        number_office=office,
        number_year=_local_date(received_at).year,
        body=office.body,
        office=office,
        channel=values["channel"],
        received_at=received_at,
        counting_from=due.counting_from,
        due_date=due.due_date,
        due_date_original=due.due_date,
        policy=due.policy.as_dict(),
        calendar_version=due.calendar_version,
        information=values["information"],
        purpose=values["purpose"],
        obtain_methods=values["obtain_methods"],
        copy_format=values["copy_format"],
        delivery_method=values["delivery_method"],
        tracking_hash=token_hash(token),
        user=user if user is not None and user.is_authenticated else None,
        submission_key=key_hash,
        referred_from=referred_from,
        created_by=created_by,
        **person,
    )
    if values.get("id_scan") is not None:
        request.id_scan = values["id_scan"]
    if values.get("proxy_letter") is not None:
        request.proxy_letter = values["proxy_letter"]
    return request, token


def _number(request: InformationRequest) -> None:
    """D1 (F17): number the request and store it, inside the caller's transaction. The
    number is proof of receipt; taking it locks the office's series until the transaction
    ends, so it is taken as late as possible."""
    office, year = request.number_office, request.number_year
    seq = next_number(f"request:{office.pk}", year)
    request.number_seq = seq
    request.registration_number = f"{_number_prefix(office)}/PERMOHONAN/{year}/{seq:05d}"
    request.save()


def _insert_request(**kwargs) -> tuple[InformationRequest, str]:
    """_new_request and _number at once (inside the caller's transaction)."""
    request, token = _new_request(**kwargs)
    _number(request)
    return request, token


def _receipt_mails(
    request: InformationRequest, token: str, recipients: list[str] | None = None
) -> list[dict]:
    """The requester's receipt mail and the office's notice of a new request."""
    return requester_mails(
        request,
        "submitted",
        tracking_url=tracking_url(request, token),
        due_date=request.due_date,
        received_at=request.received_at,
    ) + office_mails(
        request.office, "received", request, recipients=recipients, due_date=request.due_date
    )


def _announce(
    request: InformationRequest,
    token: str,
    *,
    actor,
    changes: dict,
    recipients: list[str] | None = None,
    mails: list[dict] | None = None,
) -> None:
    """The first event, the receipt letter and the two notifications of a new request
    (`mails` rendered beforehand, with PENDING_NUMBER where the number goes)."""
    event_record(
        subject=request,
        action="submitted",
        actor=actor,
        actor_role=_role(actor, request.office),
        changes={"channel": request.channel, "office": request.office.slug, **changes},
    )
    letters.letter_create(request, Letter.Kind.RECEIPT, actor=actor)
    if mails is None:
        mails = _receipt_mails(request, token, recipients)
    number = request.registration_number
    with outbox_batch():
        for mail in mails:
            subject = mail["subject"].replace(PENDING_NUMBER, number)
            body = mail["body"].replace(PENDING_NUMBER, number)
            outbox_write(**{**mail, "subject": subject, "body": body}, about=request)


def _replay(key_hash: str | None) -> InformationRequest | None:
    if not key_hash:
        return None
    # Almost always a miss: ask for the key alone (a unique index lookup) before building
    # a whole request.
    pk = InformationRequest.objects.filter(submission_key=key_hash).values_list("pk").first()
    return InformationRequest.objects.get(pk=pk[0]) if pk else None


def request_submit(
    data: RequestData, *, actor=None, user=None, submission_key: str | None = None
) -> Submitted:
    """Register a request (F17, F22): validate, number it (D1), compute D2 (F18), record
    the first event, make the receipt letter and write the receipt e-mail.

    `actor` is the desk officer recording a walk-in, phone, letter, e-mail or fax request;
    `user` the citizen's account. A repeated `submission_key` (the form's one-time token or
    "api:<client>:<Idempotency-Key>") returns the first request with created=False.
    """
    key_hash = _hash(submission_key) if submission_key else None
    if (existing := _replay(key_hash)) is not None:
        return Submitted(existing, None, False)
    if actor is not None:
        office = data.office if isinstance(data.office, Office) else None
        if office is None or office.pk not in handling_office_ids(actor):
            raise PermissionDenied(_("You are not appointed to receive this office's requests."))
    values = _validate_submission(data, actor)
    # Prepared before the transaction: the office's number series stays locked from
    # numbering to commit, so that part holds only the writes (docs/benchmarks.md,
    # submissions). The mails are rendered with PENDING_NUMBER for the number.
    office = data.office
    request, token = _new_request(
        office=office, values=values, user=user, created_by=actor, key_hash=key_hash
    )
    mails = _receipt_mails(request, token, office_recipients(office, "received"))
    letters.letter_prepare(office)
    try:
        with numbering_transaction():
            _number(request)
            _announce(request, token, actor=actor, changes={}, mails=mails)
    except IntegrityError:
        # Two submissions with one key raced past _replay: the UNIQUE submission key
        # stops the loser, whose whole transaction (its number included, so no gap) is
        # rolled back, and it answers with the winner's request.
        if (existing := _replay(key_hash)) is not None:
            return Submitted(existing, None, False)
        raise
    return Submitted(request, token, True)


# --- routing (§12, F48 note) -------------------------------------------------------------


def _working_days_before(day: datetime.date, n: int, policy: Policy) -> datetime.date:
    calendar = Calendar(policy, day - datetime.timedelta(days=n * 2 + 60), day)
    counted = 0
    while counted < n:
        day -= datetime.timedelta(days=1)
        if calendar.reason_off(day) is None:
            counted += 1
    return day


def _under(office: Office, utama: Office) -> bool:
    return office.parent_id == utama.pk or (
        office.parent_id is not None and office.parent.parent_id == utama.pk
    )


@transaction.atomic
def request_forward(
    request: InformationRequest,
    *,
    actor,
    to_offices,
    note: str = "",
    internal_due_date: datetime.date | None = None,
) -> list[Disposition]:
    """The PPID Utama forwards (disposisi) a request to one or more PPID Pelaksana under
    it, with an internal due date before D2. One target becomes the handling office."""
    role = _require_handler(actor, _lock(request))
    _require_open(request)
    utama = utama_of(request.office)
    if not actor.is_superuser and utama.pk not in office_ids_for(
        actor, {Role.PPID_UTAMA, Role.SERVICE_DESK}
    ):
        raise ValidationError(_("Only the PPID Utama forwards requests to other offices."))
    targets = list(dict.fromkeys(to_offices or []))
    if not targets:
        raise ValidationError({"to_offices": _("Choose at least one office.")})
    today = timezone.localdate()
    for office in targets:
        if not isinstance(office, Office) or not _under(office, utama):
            raise ValidationError(
                {"to_offices": _("Forward only to PPID Pelaksana under this PPID Utama.")}
            )
        if not _active(office, today):
            raise ValidationError(
                {"to_offices": _("%(office)s is no longer active.") % {"office": office}}
            )
    if problem := text_problem(note, max_length=NOTE_MAX, required=False):
        raise ValidationError({"note": problem})
    if internal_due_date is None:
        margin = _settings_for(request).internal_due_margin
        internal_due_date = _working_days_before(request.due_date, margin, policy_for(request.body))
        internal_due_date = min(max(internal_due_date, today), request.due_date)
    elif not isinstance(internal_due_date, datetime.date) or isinstance(
        internal_due_date, datetime.datetime
    ):
        raise ValidationError({"internal_due_date": _("Enter a date.")})
    elif internal_due_date > request.due_date:
        raise ValidationError(
            {"internal_due_date": _("The internal due date cannot be after the notice's due date.")}
        )
    elif internal_due_date < today:
        raise ValidationError({"internal_due_date": _("The internal due date is in the past.")})
    dispositions = []
    for office in targets:
        disposition = Disposition.objects.create(
            request=request,
            from_office=utama,
            to_office=office,
            internal_due_date=internal_due_date,
            note=(note or "").strip(),
            created_by=actor,
        )
        dispositions.append(disposition)
        event_record(
            subject=request,
            action="forwarded",
            actor=actor,
            actor_role=role,
            reason=(note or "").strip(),
            changes={
                "from_office": utama.slug,
                "to_office": office.slug,
                "internal_due_date": internal_due_date.isoformat(),
            },
        )
        notify_office(office, "assigned", request, internal_due_date=internal_due_date)
    before = request.office
    if len(targets) == 1:
        request.office = targets[0]
    if request.status == Status.REGISTERED:
        request.status = Status.IN_PROGRESS
    request.save(update_fields=["office", "status", "updated_at"])
    if before != request.office:
        event_record(
            subject=request,
            action="handling_office_changed",
            actor=actor,
            actor_role=role,
            changes={"office": [before.slug, request.office.slug]},
        )
    notify_requester(request, "forwarded")
    return dispositions


# --- written notice (F18, F20, F21) ------------------------------------------------------

NOTICE_FIELDS = {
    "control", "other_body_name", "other_body", "decision", "rejection_ground",
    "rejection_reasons", "exempt_entry", "consequence_test", "material", "redactions",
    "delivery_method", "copy_format", "cost", "payment_method", "provision_time",
}  # fmt: skip
NOTICE_TEXT_LIMITS = {
    "other_body_name": 200,
    "rejection_reasons": NOTE_MAX,
    "material": NOTE_MAX,
    "redactions": NOTE_MAX,
    "payment_method": 300,
    "provision_time": 200,
}


def _same_tree(office: Office, request: InformationRequest) -> bool:
    return utama_of(office).pk == utama_of(request.office).pk


def _clean_notice(request: InformationRequest, fields: dict) -> dict:
    """The notice's fields checked against F18 a–g and F21, or a ValidationError."""
    unknown = set(fields) - NOTICE_FIELDS
    if unknown:
        raise ValidationError(_("Unknown notice fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    errors: dict[str, str] = {}
    values = dict(fields)
    for name, max_length in NOTICE_TEXT_LIMITS.items():
        value = values.get(name) or ""
        if problem := text_problem(value, max_length=max_length, required=False):
            errors[name] = problem
        values[name] = value.strip() if isinstance(value, str) else ""
    control = values.get("control")
    decision = values.get("decision") or ""
    if control not in Notice.Control.values:
        errors["control"] = _("Say whether the information is held by this body (F18 a).")
    elif control != Notice.Control.HELD:
        if decision and decision != Outcome.NOT_HELD:
            errors["decision"] = _("Information that is not held cannot be granted or refused.")
        decision = Outcome.NOT_HELD
    elif decision not in {Outcome.GRANTED_FULL, Outcome.GRANTED_PART, Outcome.REJECTED}:
        errors["decision"] = _("Choose: granted in full, granted in part or rejected (F18 c).")
    values["decision"] = decision
    other_body = values.get("other_body")
    if other_body is not None and not isinstance(other_body, Body):
        errors["other_body"] = _("Choose a public body.")
    if control == Notice.Control.HELD_ELSEWHERE and isinstance(other_body, Body):
        values["other_body_name"] = values["other_body_name"] or other_body.name
    if control != Notice.Control.HELD_ELSEWHERE:
        values["other_body"], values["other_body_name"] = None, ""
    exempt, test = values.get("exempt_entry"), values.get("consequence_test")
    if decision == Outcome.REJECTED:
        # F21, §17 #9: a refusal cites its Pasal 17 ground, with reasons, and where given
        # the DIK entry and consequence test behind it.
        ground = values.get("rejection_ground") or ""
        if ground not in Pasal17.values:
            errors["rejection_ground"] = _("Choose the Pasal 17 ground of the refusal.")
        if not values["rejection_reasons"] and "rejection_reasons" not in errors:
            errors["rejection_reasons"] = _("Give the reasons for the refusal.")
        if exempt is not None:
            if not isinstance(exempt, ExemptEntry) or not _same_tree(exempt.office, request):
                errors["exempt_entry"] = _(
                    "Choose an entry of this body's list of exempt information."
                )
            elif not exempt.is_active:
                errors["exempt_entry"] = _("This exempt-information entry is no longer in force.")
            elif ground and exempt.ground != ground:
                errors["exempt_entry"] = _(
                    "The entry's Pasal 17 ground differs from the refusal's."
                )
            elif test is None:
                values["consequence_test"] = test = exempt.consequence_test
        if test is not None and (
            not isinstance(test, ConsequenceTest) or not _same_tree(test.office, request)
        ):
            errors["consequence_test"] = _("Choose a consequence test of this body.")
    else:
        values.update(rejection_ground="", rejection_reasons="", exempt_entry=None,
                      consequence_test=None)  # fmt: skip
    if decision == Outcome.GRANTED_PART and not values["redactions"] and "redactions" not in errors:
        # F18 e: what is blacked out, and why.
        errors["redactions"] = _("Say which parts are blacked out and why.")
    delivery = values.get("delivery_method") or request.delivery_method
    copy_format = values.get("copy_format") or request.copy_format
    if delivery not in ("", *DeliveryMethod.values):
        errors["delivery_method"] = _("Choose a delivery method.")
    if copy_format not in ("", *CopyFormat.values):
        errors["copy_format"] = _("Choose softcopy or hardcopy.")
    values["delivery_method"], values["copy_format"] = delivery, copy_format
    cost = values.get("cost") or 0
    if isinstance(cost, bool) or not isinstance(cost, int) or cost < 0:
        errors["cost"] = _("Enter the cost in whole rupiah (0 when free).")
        cost = 0
    values["cost"] = cost
    if cost and decision not in GRANTED:
        errors["cost"] = _("Only information that is provided can cost anything.")
    elif cost and _is_electronic(delivery, copy_format):
        errors["cost"] = _("Electronic copies sent by e-mail are free (F25).")
    elif cost and not values["payment_method"]:
        errors["payment_method"] = _("Say how to pay (F18 g).")
    if errors:
        raise ValidationError(errors)
    return values


def _is_electronic(delivery: str, copy_format: str) -> bool:
    return delivery == DeliveryMethod.EMAIL and copy_format in ("", CopyFormat.SOFTCOPY)


def _acting_office(actor, request: InformationRequest) -> Office:
    """The office an officer drafts for: the handling office, else his forwarded one."""
    ids = handling_office_ids(actor)
    if actor.is_superuser or request.office_id in ids:
        return request.office
    disposition = (
        request.dispositions.filter(to_office_id__in=ids).select_related("to_office").last()
    )
    return disposition.to_office


@transaction.atomic
def notice_draft(request: InformationRequest, *, actor, **fields) -> Notice:
    """Draft (or redraft) the written notice of the actor's office (F18 a–g)."""
    role = _require_handler(actor, _lock(request))
    _require_open(request)
    values = _clean_notice(request, fields)
    office = _acting_office(actor, request)
    notice = (
        request.notices.select_for_update()
        .filter(state=Notice.State.DRAFT, drafted_by_office=office)
        .first()
    )
    if notice is None:
        notice = Notice(request=request, drafted_by_office=office)
    notice.objection = _granted_objection_awaiting_notice(request)
    for name, value in values.items():
        setattr(notice, name, value)
    notice.drafted_by = actor
    notice.save()
    request.dispositions.filter(to_office=office, status=Disposition.Status.OPEN).update(
        status=Disposition.Status.ANSWERED
    )
    event_record(
        subject=request,
        action="notice_drafted",
        actor=actor,
        actor_role=role,
        changes={"office": office.slug, "decision": notice.decision, "control": notice.control},
    )
    return notice


def _sending_office(actor, request: InformationRequest, notice: Notice) -> Office:
    """F48, §12: the Utama sends; a Pelaksana only where the body lets it answer directly."""
    utama = utama_of(request.office)
    if actor.is_superuser or utama.pk in office_ids_for(actor, {Role.PPID_UTAMA}):
        return utama
    sender_ids = office_ids_for(actor, {Role.PPID_PELAKSANA})
    if {request.office_id, notice.drafted_by_office_id} & sender_ids:
        if _settings_for(request).pelaksana_answers_directly:
            return notice.drafted_by_office
        raise ValidationError(
            _("The PPID Utama sends this body's written notices: ask it to send your draft.")
        )
    raise ValidationError(_("Only a PPID officer of the handling office sends the notice."))


def may_send_notice(actor, notice: Notice) -> bool:
    """Whether `actor` may send this draft himself (else the PPID Utama sends it)."""
    if not can_handle(actor, notice.request):
        return False
    try:
        _sending_office(actor, notice.request, notice)
    except ValidationError:
        return False
    return True


@transaction.atomic
def notice_send(notice: Notice, *, actor) -> Notice:
    """Send the written notice (F18, within D2/D3): sets the outcome, makes the notice
    letter (and the refusal decision, F21) and tells the requester."""
    Notice.objects.select_for_update().filter(pk=notice.pk).first()
    notice.refresh_from_db()
    request = _lock(notice.request)
    role = _require_handler(actor, request)
    if notice.state == Notice.State.SENT:
        raise ValidationError(_("This notice has already been sent."))
    _require_open(request)
    notice.objection = _granted_objection_awaiting_notice(request)
    if request.notices.filter(state=Notice.State.SENT, objection=notice.objection).exists():
        raise ValidationError(_("A written notice has already been sent for this request."))
    office = _sending_office(actor, request, notice)
    fields = {name: getattr(notice, name) for name in NOTICE_FIELDS}
    for name, value in _clean_notice(request, fields).items():
        setattr(notice, name, value)
    now = timezone.now()
    notice.state = Notice.State.SENT
    notice.sent_by, notice.sent_at = actor, now
    notice.signatory = (
        Appointment.objects.current()
        .filter(user=actor, office=office, role__in=[Role.PPID_UTAMA, Role.PPID_PELAKSANA])
        .first()
    )
    notice.save()
    if notice.cost and not request.fees.exists():
        Fee.objects.create(
            request=request,
            item=_("Cost stated in the written notice"),
            unit_price=notice.cost,
            quantity=1,
            total=notice.cost,
            created_by=actor,
        )
    request.outcome = notice.decision
    request.status = Status.AWAITING_PAYMENT if _unpaid(request).exists() else Status.NOTIFIED
    request.notified_at = now
    request.save(update_fields=["outcome", "status", "notified_at", "updated_at"])
    letter = letters.letter_create(request, Letter.Kind.NOTICE, actor=actor)
    notice.letter_number = letter.number
    notice.save(update_fields=["letter_number"])
    if notice.decision == Outcome.REJECTED:
        letters.letter_create(request, Letter.Kind.REJECTION, actor=actor)
    event_record(
        subject=request,
        action="notice_sent",
        actor=actor,
        actor_role=role,
        changes={
            "decision": notice.decision,
            "control": notice.control,
            "rejection_ground": notice.rejection_ground,
            "cost": notice.cost,
            "letter_number": notice.letter_number,
            "late": request.due_date < _local_date(now),
            "objection": notice.objection.registration_number if notice.objection else None,
        },
    )
    notify_requester(request, "notice_sent", decision=notice.get_decision_display())
    if request.status == Status.AWAITING_PAYMENT:
        notify_requester(request, "fee_due", total=_unpaid_total(request))
    return notice


# --- extension (F19, D3) -----------------------------------------------------------------


@transaction.atomic
def request_extend(
    request: InformationRequest, *, actor, reasons: str, working_days: int = LIMITS.extension_wd
) -> Extension:
    """The one extension of at most 7 working days, with written reasons, before D2 lapses."""
    role = _require_handler(actor, _lock(request))
    _require_open(request)
    if Extension.objects.filter(request=request).exists():
        raise ValidationError(_("This request has already been extended once (F19)."))
    if timezone.localdate() > request.due_date_original:
        raise ValidationError(
            _("The notice's due date (%(date)s) has passed: it can no longer be extended.")
            % {"date": request.due_date_original.isoformat()}
        )
    if problem := text_problem(reasons, max_length=NOTE_MAX):
        raise ValidationError({"reasons": problem})
    if (
        isinstance(working_days, bool)
        or not isinstance(working_days, int)
        or not 1 <= working_days <= LIMITS.extension_wd
    ):
        raise ValidationError(
            {"working_days": _("Extend by 1 to %(n)s working days.") % {"n": LIMITS.extension_wd}}
        )
    new_due, _skipped = add_working_days(
        request.due_date_original, working_days, policy_for(request.body)
    )
    extension = Extension.objects.create(
        request=request,
        reasons=reasons.strip(),
        working_days=working_days,
        new_due_date=new_due,
        created_by=actor,
    )
    before = request.due_date
    request.due_date = request.due_date_extended = new_due
    request.status = Status.EXTENDED
    request.save(update_fields=["due_date", "due_date_extended", "status", "updated_at"])
    letter = letters.letter_create(request, Letter.Kind.EXTENSION, actor=actor)
    extension.letter_number = letter.number
    extension.save(update_fields=["letter_number"])
    event_record(
        subject=request,
        action="extended",
        actor=actor,
        actor_role=role,
        reason=extension.reasons,
        changes={
            "due_date": [before.isoformat(), new_due.isoformat()],
            "working_days": working_days,
        },
    )
    notify_requester(request, "extended", reasons=extension.reasons, due_date=new_due)
    return extension


# --- fees (F25) --------------------------------------------------------------------------


def _unpaid(request: InformationRequest):
    return request.fees.filter(paid_at__isnull=True)


def _unpaid_total(request: InformationRequest) -> int:
    return sum(_unpaid(request).values_list("total", flat=True))


@transaction.atomic
def fee_add(
    request: InformationRequest,
    *,
    actor,
    item: str,
    unit_price: int,
    quantity: int,
    tariff: FeeTariff | None = None,
) -> Fee:
    """Charge the real cost of copying or delivery (F25): never for electronic copies."""
    role = _require_handler(actor, _lock(request))
    _require_not_closed(request)
    if request.status == Status.DELIVERED:
        raise ValidationError(_("The information has already been handed over."))
    if request.outcome and request.outcome not in GRANTED:
        raise ValidationError(_("Nothing is provided for this request, so nothing is charged."))
    if _is_electronic(request.delivery_method, request.copy_format):
        raise ValidationError(_("Electronic copies sent by e-mail are free (F25)."))
    if tariff is not None:
        if (
            not isinstance(tariff, FeeTariff)
            or not tariff.is_active
            or tariff.body_id not in {request.body_id, utama_of(request.office).body_id}
        ):
            raise ValidationError({"tariff": _("Choose an active tariff of this body.")})
        item, unit_price = item or tariff.item, tariff.price
    errors = {}
    if problem := text_problem(item, max_length=120):
        errors["item"] = problem
    for name, value, low in (("unit_price", unit_price, 0), ("quantity", quantity, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            errors[name] = _("Enter a whole number of at least %(n)s.") % {"n": low}
    if errors:
        raise ValidationError(errors)
    fee = Fee.objects.create(
        request=request,
        tariff=tariff,
        item=item.strip(),
        unit_price=unit_price,
        quantity=quantity,
        total=unit_price * quantity,
        created_by=actor,
    )
    event_record(
        subject=request,
        action="fee_added",
        actor=actor,
        actor_role=role,
        changes={
            "item": fee.item,
            "unit_price": unit_price,
            "quantity": quantity,
            "total": fee.total,
        },  # fmt: skip
    )
    if request.status == Status.NOTIFIED and fee.total:
        request.status = Status.AWAITING_PAYMENT
        request.save(update_fields=["status", "updated_at"])
        notify_requester(request, "fee_due", total=_unpaid_total(request))
    return fee


@transaction.atomic
def fee_paid(fee: Fee, *, actor, receipt_number: str) -> Fee:
    """Record a payment and its receipt; once everything is paid the handover may follow."""
    Fee.objects.select_for_update().filter(pk=fee.pk).first()
    fee.refresh_from_db()
    request = _lock(fee.request)
    role = _require_handler(actor, request)
    _require_not_closed(request)
    if fee.paid_at is not None:
        raise ValidationError(_("This fee has already been paid."))
    if problem := text_problem(receipt_number, max_length=80):
        raise ValidationError({"receipt_number": problem})
    fee.paid_at = timezone.now()
    fee.receipt_number = receipt_number.strip()
    fee.save(update_fields=["paid_at", "receipt_number"])
    letters.letter_create(request, Letter.Kind.FEE_RECEIPT, actor=actor)
    event_record(
        subject=request,
        action="fee_paid",
        actor=actor,
        actor_role=role,
        changes={"item": fee.item, "total": fee.total, "receipt_number": fee.receipt_number},
    )
    if request.status == Status.AWAITING_PAYMENT and not _unpaid(request).exists():
        request.status = Status.NOTIFIED
        request.save(update_fields=["status", "updated_at"])
    return fee


# --- handover, referral, closing ---------------------------------------------------------


@transaction.atomic
def handover_record(
    request: InformationRequest,
    *,
    actor,
    method: str,
    file=None,
    received_by: str = "",
    privacy: str = Handover.Privacy.REQUESTER_ONLY,
) -> tuple[Handover, str | None]:
    """Hand the information over (§13.4): an electronic copy gets a private download link
    valid for 14 days (the token, returned once); in person or by post, a receipt."""
    role = _require_handler(actor, _lock(request))
    _require_not_closed(request)
    if request.outcome not in GRANTED or _sent_notice(request) is None:
        raise ValidationError(
            _("Information is handed over only after a written notice granting it.")
        )
    if request.status == Status.AWAITING_PAYMENT or _unpaid(request).exists():
        raise ValidationError(_("The fees have not been paid yet."))
    errors = {}
    if method not in DeliveryMethod.values:
        errors["method"] = _("Choose how the information is handed over.")
    if privacy not in Handover.Privacy.values:
        errors["privacy"] = _("Choose who may see the response.")
    if problem := text_problem(received_by, max_length=200, required=False):
        errors["received_by"] = problem
    if method == DeliveryMethod.EMAIL and file is None:
        errors["file"] = _("Attach the electronic copy.")
    checked = None
    if file is not None:
        try:
            checked = check_upload(file)
        except ValidationError as exc:
            errors["file"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    handover = Handover(
        request=request,
        method=method,
        received_by=(received_by or "").strip(),
        privacy=privacy,
        created_by=actor,
    )
    token = None
    if checked is not None:
        token = secrets.token_urlsafe(32)
        handover.file = file
        handover.file_name = checked.name
        handover.download_hash = token_hash(token)
        handover.download_expires_at = timezone.now() + DOWNLOAD_VALID
    handover.save()
    letter = letters.letter_create(request, Letter.Kind.HANDOVER, actor=actor)
    handover.receipt_number = letter.number
    handover.save(update_fields=["receipt_number"])
    request.status = Status.DELIVERED
    request.save(update_fields=["status", "updated_at"])
    event_record(
        subject=request,
        action="handed_over",
        actor=actor,
        actor_role=role,
        changes={
            "method": method,
            "privacy": privacy,
            "receipt_number": handover.receipt_number,
            "electronic_copy": token is not None,
        },  # fmt: skip
    )
    context = {"method": handover.get_method_display()}
    if token:
        context.update(download_url=download_url(token), expires_at=handover.download_expires_at)
    notify_requester(request, "handed_over", **context)
    return handover, token


def handover_by_token(token: str) -> Handover | None:
    """The handover whose private download link is `token`, while it is valid."""
    if not token or len(token) > 200:
        return None
    return (
        Handover.objects.select_related("request")
        .filter(download_hash=token_hash(token), download_expires_at__gt=timezone.now())
        .exclude(file="")
        .first()
    )


@transaction.atomic
def request_refer(
    request: InformationRequest, *, actor, other_body: Body, note: str = ""
) -> InformationRequest | None:
    """Pass a request for information held elsewhere (F18 a–b) to that body's PPID Utama
    when it is in the system: a linked request numbered there (None when it is not)."""
    role = _require_handler(actor, _lock(request))
    _require_not_closed(request)
    notice = _sent_notice(request)
    if notice is None or notice.decision != Outcome.NOT_HELD:
        raise ValidationError(
            _("First send the written notice saying the information is not held here.")
        )
    if not isinstance(other_body, Body) or other_body.pk == request.body_id:
        raise ValidationError({"other_body": _("Choose another public body.")})
    if problem := text_problem(note, max_length=NOTE_MAX, required=False):
        raise ValidationError({"note": problem})
    if request.referrals.filter(body=other_body).exists():
        raise ValidationError(_("This request has already been passed to that body."))
    target = Office.objects.filter(body=other_body, kind=Office.Kind.UTAMA).first()
    if target is None or not _active(target, timezone.localdate()):
        return None
    values = {
        "kind": request.requester_kind,
        "name": request.requester_name,
        **{
            name: getattr(request, name)
            for name in (
                "nik", "legal_entity_number", "address", "occupation", "phone", "email",
                "fax", "accessibility_needs", "proxy_name", "proxy_nik", "proxy_address",
                "proxy_contact", "information", "purpose", "obtain_methods", "copy_format",
                "delivery_method", "channel",
            )
        },
        "received_at": timezone.now(),
    }  # fmt: skip
    referral, token = _insert_request(
        office=target, values=values, user=request.user, created_by=actor, referred_from=request
    )
    event_record(
        subject=request,
        action="referred",
        actor=actor,
        actor_role=role,
        reason=(note or "").strip(),
        changes={"to_body": other_body.slug, "registration_number": referral.registration_number},
    )
    _announce(referral, token, actor=actor, changes={"referred_from": request.registration_number})
    return referral


@transaction.atomic
def request_close(request: InformationRequest, *, actor, reason: str = "") -> InformationRequest:
    """Close an answered request; the closing e-mail invites the requester to the survey."""
    role = _require_handler(actor, _lock(request))
    _require_not_closed(request)
    if request.status in OPEN_STATUSES:
        raise ValidationError(_("Send the written notice before closing the request."))
    if problem := text_problem(reason, max_length=NOTE_MAX, required=False):
        raise ValidationError({"reason": problem})
    if request.status == Status.AWAITING_PAYMENT and not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the request is closed without payment.")})
    before = request.status
    request.status, request.closed_at = Status.CLOSED, timezone.now()
    request.save(update_fields=["status", "closed_at", "updated_at"])
    event_record(
        subject=request,
        action="closed",
        actor=actor,
        actor_role=role,
        reason=(reason or "").strip(),
        changes={"status": [before, request.status]},
    )
    notify_requester(
        request,
        "closed",
        survey_url=f"{settings.SITE_URL.rstrip('/')}{_track_path()}",
    )
    return request


def _track_path() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return reverse("foi:track")
        except NoReverseMatch:
            return "/permohonan/lacak/"


@transaction.atomic
def request_withdraw(request: InformationRequest, *, reason: str, actor=None) -> InformationRequest:
    """The requester withdraws (§14.1 DIBATALKAN_PEMOHON). `actor` None: the caller has
    checked the requester's token or account; an officer may record it for him."""
    _lock(request)
    if actor is not None and actor.is_authenticated:
        if request.user_id == actor.pk:
            role = "requester"
        elif can_handle(actor, request):
            role = _role(actor, request.office)
        else:
            raise PermissionDenied(_("Only the requester withdraws a request."))
    else:
        actor, role = None, "requester"
    _require_not_closed(request)
    if request.status not in OPEN_STATUSES | {Status.AWAITING_PAYMENT}:
        raise ValidationError(_("This request has been answered and can no longer be withdrawn."))
    if problem := text_problem(reason, max_length=NOTE_MAX, required=False):
        raise ValidationError({"reason": problem})
    before = request.status
    request.status, request.closed_at = Status.WITHDRAWN, timezone.now()
    request.save(update_fields=["status", "closed_at", "updated_at"])
    event_record(
        subject=request,
        action="withdrawn",
        actor=actor,
        actor_role=role,
        reason=(reason or "").strip(),
        changes={"status": [before, request.status]},
    )
    return request


@transaction.atomic
def survey_submit(request: InformationRequest, *, rating: int, comment: str = "") -> Survey:
    """The requester's satisfaction, once, after closure."""
    _lock(request)
    if request.status != Status.CLOSED:
        raise ValidationError(_("The survey opens once the request is closed."))
    if Survey.objects.filter(request=request).exists():
        raise ValidationError(_("You have already rated this request. Thank you."))
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    if problem := text_problem(comment, max_length=NOTE_MAX, required=False):
        raise ValidationError({"comment": problem})
    survey = Survey.objects.create(request=request, rating=rating, comment=(comment or "").strip())
    event_record(
        subject=request, action="survey_submitted", actor_role="requester",
        changes={"rating": rating},
    )  # fmt: skip
    return survey


# --- clocks (D2/D3 lapse, C8) ------------------------------------------------------------


def mark_late(today: datetime.date | None = None) -> int:
    """Flag open requests whose notice deadline passed without a notice (the day after
    D2/D3: objection ground c, F28), and warn offices of requests due soon. Safe to run
    twice: each request is flagged and warned once per due date."""
    today = today or timezone.localdate()
    late = 0
    overdue = InformationRequest.objects.filter(
        status__in=OPEN_STATUSES, late_since__isnull=True, due_date__lt=today
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            request = InformationRequest.objects.select_for_update().filter(pk=pk).first()
            if (
                request is None
                or request.late_since is not None
                or request.status not in OPEN_STATUSES
                or request.due_date >= today
                or _sent_notice(request) is not None
            ):
                continue
            request.late_since = request.due_date + datetime.timedelta(days=1)
            request.save(update_fields=["late_since", "updated_at"])
            event_record(
                subject=request,
                action="marked_late",
                changes={
                    "due_date": request.due_date.isoformat(),
                    "late_since": request.late_since.isoformat(),
                },  # fmt: skip
            )
            notify_requester(request, "late", due_date=request.due_date)
            notify_office(request.office, "overdue", request, due_date=request.due_date)
            late += 1
    _warn_due_soon(today)
    return late


def _warn_due_soon(today: datetime.date) -> None:
    # A generous calendar window first; the exact working-day limit per body after.
    horizon = today + datetime.timedelta(days=LIMITS.due_soon_wd * 2 + 14)
    candidates = InformationRequest.objects.filter(
        status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=horizon
    ).select_related("office")
    limits: dict[int, datetime.date] = {}
    for request in candidates:
        if request.body_id not in limits:
            limits[request.body_id] = add_working_days(
                today, LIMITS.due_soon_wd, policy_for(request.body)
            )[0]
        if request.due_date > limits[request.body_id]:
            continue
        with transaction.atomic():
            InformationRequest.objects.select_for_update().filter(pk=request.pk).first()
            due = request.due_date.isoformat()
            if Event.objects.filter(
                content_type__app_label="foi",
                content_type__model="informationrequest",
                object_id=request.pk,
                action="due_soon_warned",
                changes__due_date=due,
            ).exists():
                continue
            event_record(subject=request, action="due_soon_warned", changes={"due_date": due})
            notify_office(request.office, "due_soon", request, due_date=request.due_date)


def request_recompute_deadlines(request: InformationRequest, *, reason: str, actor=None) -> bool:
    """Recompute D2 (and D3) of an open request with the calendar and policy in force now
    (C8) and record what changed; closed cases keep the dates they were decided under.
    The rule itself lives in deadlines.py, shared with the calendar-change receiver."""
    from .deadlines import recompute_request

    changed = recompute_request(
        request.pk, policies={}, reason=reason, actor=actor, today=timezone.localdate()
    )
    request.refresh_from_db()
    return changed


def grounds_available(
    request: InformationRequest, today: datetime.date | None = None
) -> list[tuple[str, datetime.date]]:
    """The objection grounds (F28 a–g) that exist now, each with the date it arose (the
    start of D4). b is never derived from the case and is always offered."""
    today = today or timezone.localdate()
    found: dict[str, datetime.date] = {"b": today}
    notice = _sent_notice(request)
    sent_on = _local_date(notice.sent_at) if notice is not None and notice.sent_at else None
    late_from = request.due_date + datetime.timedelta(days=1)
    if notice is not None and sent_on is not None:
        if notice.decision == Outcome.REJECTED:
            found["a"] = sent_on
        elif notice.decision == Outcome.GRANTED_PART:
            found["d"] = sent_on
        elif notice.decision == Outcome.NOT_HELD:
            found["e"] = sent_on
        if sent_on > request.due_date:
            found["c"] = late_from
    elif request.late_since is not None:
        found["c"] = request.late_since
    elif request.status in OPEN_STATUSES and request.due_date < today:
        found["c"] = late_from
    first_fee = request.fees.order_by("created_at").first()
    if first_fee is not None:
        found["f"] = _local_date(first_fee.created_at)
    elif notice is not None and notice.cost and sent_on is not None:
        found["f"] = sent_on
    handed_over = [_local_date(h.created_at) for h in request.handovers.order_by("created_at")]
    late_handovers = [day for day in handed_over if day > request.due_date]
    if late_handovers:
        found["g"] = late_handovers[0]
    return sorted(found.items())
