"""API of information requests: public submission and tracking, staff endpoints.

Public: POST /requests (anonymous; `Idempotency-Key` honoured), GET /requests/track (by
registration number AND e-mail, §17 #7). Staff (bearer token, scoped like the back office;
another office's request answers 404): inbox, detail, forward, extend, notice.
"""

import datetime
import re
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from ppid.core.events import events_for
from ppid.core.tokens import IDEMPOTENCY_KEY_MAX_LENGTH
from ppid.organizations.api import staff_auth
from ppid.organizations.models import Body, Office
from ppid.registry.models import ExemptEntry

from . import access, privacy, services
from .models import Channel, InformationRequest, Notice

SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,120}$"
MAX_PAGE_SIZE = 100
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What the requester's timeline shows: outward steps only, in words; internal notes,
# drafts and officers' reminders stay in the back office.
PUBLIC_ACTIONS = {
    "submitted": gettext_lazy("Request received and registered"),
    "forwarded": gettext_lazy("Forwarded to the office that holds the information"),
    "extended": gettext_lazy("Time to answer extended"),
    "notice_sent": gettext_lazy("Written notice sent"),
    "fee_added": gettext_lazy("Cost of copying or delivery stated"),
    "fee_paid": gettext_lazy("Payment received"),
    "handed_over": gettext_lazy("Information handed over"),
    "referred": gettext_lazy("Passed to the public body that holds the information"),
    "marked_late": gettext_lazy("Not answered within the time limit"),
    "deadline_recomputed": gettext_lazy("Deadline recomputed after a calendar change"),
    "closed": gettext_lazy("Request closed"),
    "withdrawn": gettext_lazy("Withdrawn by the requester"),
}


def _clean_text(value):
    if isinstance(value, str) and _FORBIDDEN_CHARS.search(value):
        raise ValueError("must not contain control characters")
    return value


class ErrorOut(Schema):
    detail: str


# --- public: submit ----------------------------------------------------------------------


class RequesterIn(Schema):
    kind: str = Field("perorangan", description="perorangan, badan_hukum or kelompok")
    name: str = Field(max_length=200)
    nik: str = Field("", max_length=16, description="16 digits; required unless badan_hukum")
    legal_entity_number: str = Field("", max_length=120)
    address: str = Field(max_length=400)
    occupation: str = Field("", max_length=120)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)

    _text = field_validator("*", mode="before")(_clean_text)


class RequestIn(Schema):
    office: str = Field(pattern=SLUG_PATTERN, description="Slug of the PPID office asked.")
    requester: RequesterIn
    information: str = Field(max_length=services.INFORMATION_MAX)
    purpose: str = Field(max_length=services.PURPOSE_MAX)
    obtain_methods: list[str] = Field(
        max_length=5, description="melihat, membaca, mendengarkan, mencatat, salinan"
    )
    copy_format: str = Field("", max_length=8, description="softcopy or hardcopy (salinan)")
    delivery_method: str = Field(
        "", max_length=10, description="langsung, kurir, pos, faksimili or email (salinan)"
    )

    _text = field_validator("information", "purpose", "copy_format", mode="before")(_clean_text)


class SubmittedOut(Schema):
    registration_number: str
    received_at: datetime.datetime
    due_date: datetime.date
    tracking_token: str | None = Field(
        description="The private tracking token: store it, it is not shown again."
    )


def _submitted_out(request: InformationRequest, token: str | None) -> dict:
    return SubmittedOut(
        registration_number=request.registration_number,
        received_at=request.received_at,
        due_date=request.due_date,
        tracking_token=token,
    ).model_dump(mode="json")


def _same_submission(existing: InformationRequest, payload: RequestIn) -> bool:
    person = payload.requester
    return (
        existing.number_office.slug == payload.office
        and existing.requester_name == person.name.strip()
        and existing.nik == person.nik.strip()
        and existing.email == person.email.strip()
        and existing.information == payload.information.strip()
        and existing.purpose == payload.purpose.strip()
    )


router = Router(tags=["requests"])


@router.post(
    "/requests",
    response={201: SubmittedOut, 400: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Submit an information request (F22); answers the registration number",
)
def request_create(
    request,
    payload: RequestIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX_LENGTH,
        description="Send the same key again to retry safely: the first answer is returned "
        "and no second request is made.",
    ),
):
    office = Office.objects.select_related("body").filter(slug=payload.office).first()
    if office is None:
        raise ValidationError({"office": _("There is no PPID office with this slug.")})
    person = payload.requester
    data = services.RequestData(
        office=office,
        requester=services.RequesterData(
            kind=person.kind,
            name=person.name,
            address=person.address,
            nik=person.nik.strip(),
            legal_entity_number=person.legal_entity_number,
            occupation=person.occupation,
            phone=person.phone,
            email=person.email.strip(),
        ),
        information=payload.information,
        purpose=payload.purpose,
        obtain_methods=payload.obtain_methods,
        copy_format=payload.copy_format,
        delivery_method=payload.delivery_method,
        channel=Channel.API,
    )
    # The API acts on no session (ppid/organizations/api.py), so keys are per anonymous client.
    key = f"api:anon:{idempotency_key}" if idempotency_key else None
    submitted = services.request_submit(data, submission_key=key)
    token = submitted.tracking_token
    if not submitted.created:
        if not _same_submission(submitted.request, payload):
            raise HttpError(
                409, _("This Idempotency-Key was already used for a different request.")
            )
        token = services.tracking_token_replay(submitted.request, key)
    return Status(201, _submitted_out(submitted.request, token))


# --- public: track -----------------------------------------------------------------------


class TimelineOut(Schema):
    at: datetime.datetime
    action: str
    label: str


class TrackOut(Schema):
    registration_number: str
    status: str
    outcome: str
    received_at: datetime.datetime
    due_date: datetime.date
    late: bool
    timeline: list[TimelineOut]


class TrackQuery(Schema):
    registration_number: str = Field(max_length=80)
    email: str = Field(max_length=254)

    _text = field_validator("*", mode="before")(_clean_text)


def public_timeline(request: InformationRequest) -> list[dict]:
    return [
        {"at": event.created_at, "action": event.action, "label": str(PUBLIC_ACTIONS[event.action])}
        for event in events_for(request)
        if event.action in PUBLIC_ACTIONS
    ]


@router.get(
    "/requests/track",
    response={200: TrackOut, 404: ErrorOut, 422: ErrorOut},
    summary="Status and public timeline of a request, by registration number and e-mail",
)
def request_track(request, query: Query[TrackQuery]):
    found = services.request_track(query.registration_number, query.email)
    if found is None:
        # The same answer for an unknown number and a wrong e-mail.
        raise Http404
    return {
        "registration_number": found.registration_number,
        "status": found.status,
        "outcome": found.outcome,
        "received_at": found.received_at,
        "due_date": found.due_date,
        "late": found.is_late,
        "timeline": public_timeline(found),
    }


# --- staff -------------------------------------------------------------------------------

STAFF = {"auth": staff_auth, "tags": ["staff"]}
STAFF_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class Ref(Schema):
    slug: str
    name: str


class StaffRequestOut(Schema):
    id: uuid.UUID
    registration_number: str
    status: str
    outcome: str
    channel: str
    office: Ref
    body: Ref
    received_at: datetime.datetime
    due_date: datetime.date
    due_date_original: datetime.date
    due_date_extended: datetime.date | None
    late_since: datetime.date | None
    requester_name: str
    information: str
    purpose: str


class DispositionOut(Schema):
    from_office: str
    to_office: str
    internal_due_date: datetime.date
    note: str
    status: str
    created_at: datetime.datetime


class NoticeOut(Schema):
    id: int
    state: str
    control: str
    decision: str
    rejection_ground: str
    letter_number: str
    cost: int
    drafted_by_office: str
    sent_at: datetime.datetime | None


class StaffEventOut(Schema):
    at: datetime.datetime
    action: str
    actor_role: str
    reason: str


class PersonalDataOut(Schema):
    masked: bool
    nik: str
    legal_entity_number: str
    address: str
    phone: str
    email: str


class StaffRequestDetailOut(StaffRequestOut):
    obtain_methods: list[str]
    copy_format: str
    delivery_method: str
    requester_kind: str
    occupation: str
    # In clear only for the officers handling the request, and every such read is logged;
    # masked for the other readers (§6).
    personal_data: PersonalDataOut
    dispositions: list[DispositionOut]
    notices: list[NoticeOut]
    events: list[StaffEventOut]


class StaffRequestPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[StaffRequestOut]


class InboxQuery(Schema):
    status: InformationRequest.Status | None = None
    late: bool | None = None
    due_before: datetime.date | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("status", "late", "due_before", mode="before")
    @classmethod
    def _blank(cls, value):
        return None if isinstance(value, str) and not value.strip() else value


def _ref(obj) -> dict:
    return {"slug": obj.slug, "name": obj.name}


def _summary(found: InformationRequest) -> dict:
    return {
        "id": found.uid,
        "registration_number": found.registration_number,
        "status": found.status,
        "outcome": found.outcome,
        "channel": found.channel,
        "office": _ref(found.office),
        "body": _ref(found.body),
        "received_at": found.received_at,
        "due_date": found.due_date,
        "due_date_original": found.due_date_original,
        "due_date_extended": found.due_date_extended,
        "late_since": found.late_since,
        "requester_name": found.requester_name,
        "information": found.information,
        "purpose": found.purpose,
    }


def _personal_data(user, found: InformationRequest) -> dict:
    if access.can_see_personal_data(user, found):
        privacy.log_personal_data_access(user, found, "api detail")
        return {
            "masked": False,
            "nik": found.nik,
            "legal_entity_number": found.legal_entity_number,
            "address": found.address,
            "phone": found.phone,
            "email": found.email,
        }
    return {
        "masked": True,
        "nik": privacy.mask_nik(found.nik),
        "legal_entity_number": found.legal_entity_number,
        "address": privacy.mask_address(found.address),
        "phone": privacy.mask_phone(found.phone),
        "email": "",
    }


def _detail(user, found: InformationRequest) -> dict:
    personal = _personal_data(user, found)
    return {
        **_summary(found),
        "obtain_methods": found.obtain_methods,
        "copy_format": found.copy_format,
        "delivery_method": found.delivery_method,
        "requester_kind": found.requester_kind,
        "occupation": found.occupation,
        "personal_data": personal,
        "dispositions": [
            {
                "from_office": d.from_office.slug,
                "to_office": d.to_office.slug,
                "internal_due_date": d.internal_due_date,
                "note": d.note,
                "status": d.status,
                "created_at": d.created_at,
            }
            for d in found.dispositions.select_related("from_office", "to_office")
        ],
        "notices": [
            {
                "id": n.pk,
                "state": n.state,
                "control": n.control,
                "decision": n.decision,
                "rejection_ground": n.rejection_ground,
                "letter_number": n.letter_number,
                "cost": n.cost,
                "drafted_by_office": n.drafted_by_office.slug,
                "sent_at": n.sent_at,
            }
            for n in found.notices.select_related("drafted_by_office")
        ],
        "events": [
            {"at": e.created_at, "action": e.action, "actor_role": e.actor_role, "reason": e.reason}
            for e in events_for(found)
        ],
    }


def _staff_request(request, uid: str) -> InformationRequest:
    return access.request_for_staff(request.auth, uid)


@router.get(
    "/staff/requests",
    **STAFF,
    response={200: StaffRequestPage, **STAFF_ERRORS},
    summary="Inbox: requests of the offices you are appointed to",
)
def staff_request_list(request, query: Query[InboxQuery]):
    qs = access.requests_for_staff(request.auth).select_related("office", "body")
    if query.status:
        qs = qs.filter(status=query.status)
    if query.late is not None:
        qs = qs.filter(late_since__isnull=not query.late)
    if query.due_before:
        qs = qs.filter(due_date__lt=query.due_before)
    qs = qs.order_by("due_date", "id")
    count = qs.count()
    offset = (query.page - 1) * query.page_size
    rows = list(qs[offset : offset + query.page_size]) if offset < count else []
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "results": [_summary(r) for r in rows],
    }


@router.get(
    "/staff/requests/{uid}",
    **STAFF,
    response={200: StaffRequestDetailOut, **STAFF_ERRORS},
    summary="One request of your offices, with its forwards, notices and history",
)
def staff_request_detail(request, uid: str):
    return _detail(request.auth, _staff_request(request, uid))


class ForwardIn(Schema):
    to_offices: list[str] = Field(min_length=1, max_length=50, description="Office slugs")
    note: str = Field("", max_length=services.NOTE_MAX)
    internal_due_date: datetime.date | None = None

    _text = field_validator("note", mode="before")(_clean_text)


@router.post(
    "/staff/requests/{uid}/forward",
    **STAFF,
    response={200: StaffRequestDetailOut, **STAFF_ERRORS},
    summary="Forward (disposisi) to PPID Pelaksana under your PPID Utama",
)
def staff_request_forward(request, uid: str, payload: ForwardIn):
    found = _staff_request(request, uid)
    slugs = list(dict.fromkeys(payload.to_offices))
    offices = list(Office.objects.filter(slug__in=slugs))
    if len(offices) != len(slugs):
        raise ValidationError({"to_offices": _("Unknown office.")})
    services.request_forward(
        found,
        actor=request.auth,
        to_offices=offices,
        note=payload.note,
        internal_due_date=payload.internal_due_date,
    )
    return _detail(request.auth, _staff_request(request, uid))


class ExtendIn(Schema):
    reasons: str = Field(max_length=services.NOTE_MAX)
    working_days: int = Field(7, ge=1, le=7)

    _text = field_validator("reasons", mode="before")(_clean_text)


@router.post(
    "/staff/requests/{uid}/extend",
    **STAFF,
    response={200: StaffRequestDetailOut, **STAFF_ERRORS},
    summary="Extend the notice deadline once, with written reasons (F19)",
)
def staff_request_extend(request, uid: str, payload: ExtendIn):
    found = _staff_request(request, uid)
    services.request_extend(
        found, actor=request.auth, reasons=payload.reasons, working_days=payload.working_days
    )
    return _detail(request.auth, _staff_request(request, uid))


class NoticeIn(Schema):
    control: Notice.Control
    decision: str = Field("", max_length=20)
    other_body: str = Field("", pattern=r"^[-a-zA-Z0-9_]{0,120}$", description="Body slug")
    other_body_name: str = Field("", max_length=200)
    rejection_ground: str = Field("", max_length=1)
    rejection_reasons: str = Field("", max_length=services.NOTE_MAX)
    exempt_entry: uuid.UUID | None = Field(None, description="DIK entry id (F21)")
    material: str = Field("", max_length=services.NOTE_MAX)
    redactions: str = Field("", max_length=services.NOTE_MAX)
    delivery_method: str = Field("", max_length=10)
    copy_format: str = Field("", max_length=8)
    cost: int = Field(0, ge=0, le=1_000_000_000)
    payment_method: str = Field("", max_length=300)
    provision_time: str = Field("", max_length=200)
    send: bool = Field(True, description="Send at once when you may; else keep a draft.")

    _text = field_validator("*", mode="before")(_clean_text)


class NoticeResultOut(Schema):
    notice: NoticeOut
    request: StaffRequestDetailOut


@router.post(
    "/staff/requests/{uid}/notice",
    **STAFF,
    response={200: NoticeResultOut, **STAFF_ERRORS},
    summary="Draft the written notice (F18 a–g) and send it when you may",
)
def staff_request_notice(request, uid: str, payload: NoticeIn):
    found = _staff_request(request, uid)
    fields = payload.model_dump(exclude={"send", "other_body", "exempt_entry"})
    fields["other_body"] = None
    if payload.other_body:
        fields["other_body"] = Body.objects.filter(slug=payload.other_body).first()
        if fields["other_body"] is None:
            raise ValidationError({"other_body": _("Unknown public body.")})
    fields["exempt_entry"] = None
    if payload.exempt_entry:
        fields["exempt_entry"] = ExemptEntry.objects.filter(uid=payload.exempt_entry).first()
        if fields["exempt_entry"] is None:
            raise ValidationError({"exempt_entry": _("Unknown exempt-information entry.")})
    with transaction.atomic():
        notice = services.notice_draft(found, actor=request.auth, **fields)
        if payload.send and services.may_send_notice(request.auth, notice):
            notice = services.notice_send(notice, actor=request.auth)
    found = _staff_request(request, uid)
    return {
        "notice": {
            "id": notice.pk,
            "state": notice.state,
            "control": notice.control,
            "decision": notice.decision,
            "rejection_ground": notice.rejection_ground,
            "letter_number": notice.letter_number,
            "cost": notice.cost,
            "drafted_by_office": notice.drafted_by_office.slug,
            "sent_at": notice.sent_at,
        },
        "request": _detail(request.auth, found),
    }
