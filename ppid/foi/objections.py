"""Objections (keberatan) to the Atasan PPID, disputes at the Information Commission and
court cases (domain.md F28–F36, state machine §14.2, deadlines D4–D10).

Every write is a service here: views, the back office, the API and the demo loader call
these. Each runs in one transaction, records events on the case AND on the request, and
refuses an illegal step with a ValidationError that changes nothing (§14.2). Deadlines
that are the requester's (D4, D6, D9, D10) only warn; they never block a filing (§9).
"""

import datetime
import hashlib
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ppid.core.calendar import Calendar, DueDate, add_working_days, other_policy, policy_for
from ppid.core.events import event_record
from ppid.core.numbering import next_number
from ppid.core.uploads import check_upload
from ppid.organizations.access import role_in_office
from ppid.organizations.models import Appointment, Office, Role

from . import access
from .deadlines import OPEN_OBJECTION_STATUSES, objection_deadline
from .letters import letter_create
from .models import (
    DELIBERATION_GROUNDS,
    CaseDocument,
    Channel,
    CourtCase,
    Dispute,
    InformationRequest,
    Letter,
    Objection,
    ObjectionGround,
)
from .notifications import notify_office, notify_requester
from .rules import LIMITS

# A response exists: the requester may reply to it (register column k) and go to the KI.
ANSWERED_STATUSES = {
    Objection.Status.GRANTED,
    Objection.Status.UPHELD,
    Objection.Status.SETTLED,
}
REQUESTER_ROLE = "pemohon"
TEXT_MAX = 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- Small rules ------------------------------------------------------------------------


def grounds_clean(grounds) -> list[str]:
    """The chosen Pasal 35 grounds as sorted codes a–g (F28: an exhaustive list, §17 #5).

    Free text belongs in the case description, never among the grounds."""
    if not isinstance(grounds, list | tuple | set) or not grounds:
        raise ValidationError(
            {"grounds": _("Choose at least one objection ground (Pasal 35 a–g).")}
        )
    codes = {str(code).strip().lower() for code in grounds}
    unknown = codes - set(ObjectionGround.values)
    if unknown:
        raise ValidationError(
            {
                "grounds": _(
                    "Only the grounds a–g of UU 14/2008 Pasal 35 can be chosen; describe "
                    "anything else in the case description."
                )
            }
        )
    return sorted(codes)


def _clean_text(value, field: str, *, required: bool, message: str = "") -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError({field: _("Enter text.")})
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationError({field: message or _("This field is required.")})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: _("At most %(max)s characters.") % {"max": TEXT_MAX}})
    if _CONTROL.search(text):
        raise ValidationError({field: _("The text contains characters that are not allowed.")})
    return text


def may_deliberate(grounds) -> bool:
    """F29: musyawarah is offered only when EVERY chosen ground is one of b–g."""
    return bool(grounds) and set(grounds) <= DELIBERATION_GROUNDS


def _today() -> datetime.date:
    return timezone.localdate()


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _policy(request: InformationRequest):
    return policy_for(request.body)


def utama_office_for(request: InformationRequest) -> Office:
    """The PPID Utama above the request's handling office (the body's own Utama, else
    the handling office itself): it numbers the objection and its Atasan decides."""
    office = request.office
    while office is not None and office.kind != Office.Kind.UTAMA:
        office = office.parent
    if office is not None:
        return office
    return (
        Office.objects.filter(body=request.body, kind=Office.Kind.UTAMA).first() or request.office
    )


def atasan_for(request: InformationRequest, on: datetime.date | None = None):
    """The Atasan PPID appointment valid on `on` (F48): at the request's Utama office, else
    at the Utama of the parent bodies, nearest first. None when nobody is appointed."""
    office = utama_office_for(request)
    body = office.body
    seen = set()
    while office is not None and office.pk not in seen:
        seen.add(office.pk)
        appointment = (
            Appointment.objects.current(on)
            .filter(office=office, role=Role.ATASAN_PPID)
            .select_related("user", "office")
            .order_by("-valid_from", "-id")
            .first()
        )
        if appointment is not None:
            return appointment
        body = body.parent if body is not None else None
        office = Office.objects.filter(body=body, kind=Office.Kind.UTAMA).first() if body else None
    return None


def _atasan_appointment_of(user, request: InformationRequest, on=None):
    """The user's own current Atasan appointment at the office whose Atasan decides."""
    resolved = atasan_for(request, on)
    if resolved is None or not user.is_authenticated:
        return None
    return (
        Appointment.objects.current(on)
        .filter(user=user, office=resolved.office, role=Role.ATASAN_PPID)
        .order_by("-valid_from", "-id")
        .first()
    )


def is_any_atasan(user) -> bool:
    return user.is_authenticated and (
        Appointment.objects.current().filter(user=user, role=Role.ATASAN_PPID).exists()
    )


def is_deciding_atasan(user, objection: Objection) -> bool:
    return user.is_authenticated and (
        user.is_superuser or _atasan_appointment_of(user, objection.request) is not None
    )


# --- Deadlines ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FilingWindow:
    """D4 (F30(1)): the objection is due 30 working days after the ground was found."""

    ground_found_on: datetime.date
    due_date: datetime.date
    is_late: bool


def grounds_now(request: InformationRequest, today: datetime.date) -> dict[str, datetime.date]:
    """The grounds the case data shows now, with the date each arose (F28 note). Ground b
    (periodic information) is never derived from a request: offered, not pre-selected."""
    from .services import grounds_available

    return {code: day for code, day in grounds_available(request, today) if code != "b"}


def filing_window(
    request: InformationRequest,
    grounds=(),
    *,
    ground_found_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> FilingWindow:
    """D4 for the chosen grounds: counted from the date the earliest of them arose (from the
    case data), else from `ground_found_on`, else today. Never a minimum wait (§17 #1)."""
    today = today or _today()
    if ground_found_on is None:
        found = [d for code, d in grounds_now(request, today).items() if code in set(grounds)]
        ground_found_on = min(found) if found else today
    due, _skipped = add_working_days(ground_found_on, LIMITS.objection_filing_wd, _policy(request))
    return FilingWindow(ground_found_on=ground_found_on, due_date=due, is_late=today > due)


def response_due(objection: Objection) -> DueDate:
    """D5 (F30(2)): the Atasan answers within 30 working days of receipt, explained."""
    return objection_deadline(objection)


def response_due_alternative(objection: Objection) -> datetime.date:
    """D5 under the other cuti bersama choice (C4), shown to officers (§10)."""
    policy = other_policy(_policy(objection.request))
    return objection_deadline(objection, policy=policy).due_date


def dispute_filing_due(objection: Objection) -> datetime.date | None:
    """D6 (F32): 14 working days after the Atasan's response; when there is none, after the
    lapse of D5 (PPSIP practice, unverified, domain.md §19 q5). None while D5 still runs."""
    policy = _policy(objection.request)
    if objection.decided_at is not None:
        start = _local_date(objection.decided_at)
    elif objection.status in OPEN_OBJECTION_STATUSES and objection.due_date < _today():
        start = objection.due_date
    else:
        return None
    return add_working_days(start, LIMITS.dispute_filing_wd, policy)[0]


@dataclass(frozen=True)
class CassationDue:
    """D10 (F36, C5): 14 calendar days, shown unshifted, flagged on a non-working day."""

    due_date: datetime.date
    non_working_reason: str | None


def cassation_due(court_case: CourtCase) -> CassationDue | None:
    if court_case.cassation_due_date is None:
        return None
    day = court_case.cassation_due_date
    calendar = Calendar(_policy(court_case.dispute.objection.request), day, day)
    return CassationDue(due_date=day, non_working_reason=calendar.reason_off(day))


# --- Access (one place for every objection view, download and export) --------------------


def _offices_decided_by(user) -> set[int]:
    """Offices whose requests' objections the user decides as Atasan PPID (F48): the tree
    of each Utama office he is appointed to, and the trees of child bodies that have no
    Atasan of their own (the fallback of `atasan_for`)."""
    direct = (
        Appointment.objects.current()
        .filter(user=user, role=Role.ATASAN_PPID)
        .values_list("office_id", flat=True)
    )
    frontier = list(Office.objects.filter(pk__in=list(direct), kind=Office.Kind.UTAMA))
    office_ids: set[int] = set()
    while frontier:
        utama = frontier.pop()
        if utama.pk in office_ids:
            continue
        office_ids |= set(
            Office.objects.filter(
                Q(pk=utama.pk) | Q(parent_id=utama.pk) | Q(parent__parent_id=utama.pk)
            ).values_list("pk", flat=True)
        )
        with_atasan = Appointment.objects.current().filter(role=Role.ATASAN_PPID)
        frontier += list(
            Office.objects.filter(kind=Office.Kind.UTAMA, body__parent_id=utama.body_id).exclude(
                pk__in=with_atasan.values("office_id")
            )
        )
    return office_ids


def objections_for_staff(user):
    """Objections of requests the user handles, plus those he decides as Atasan PPID."""
    if not user.is_authenticated or not user.is_active:
        return Objection.objects.none()
    if user.is_superuser:
        return Objection.objects.all()
    office_ids = set(access.handling_office_ids(user)) | _offices_decided_by(user)
    return Objection.objects.filter(request__office_id__in=office_ids)


def objection_for_staff(user, uid) -> Objection:
    """The objection if the user may see it; another office's answers 404 like a missing one."""
    try:
        return (
            objections_for_staff(user)
            .select_related("request__office", "request__body", "atasan__user", "created_by")
            .get(uid=uid)
        )
    except (Objection.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def can_handle_objection(user, objection: Objection) -> bool:
    """Handlers of the request's office tree and the deciding Atasan act on the case."""
    return access.can_handle(user, objection.request) or is_deciding_atasan(user, objection)


def _actor_role(actor, request: InformationRequest) -> str:
    if actor is None or not actor.is_authenticated:
        return REQUESTER_ROLE
    if actor.is_superuser:
        return "superuser"
    if access.can_handle(actor, request):
        return role_in_office(actor, request.office)
    if _atasan_appointment_of(actor, request) is not None:
        return Role.ATASAN_PPID
    return ""


def _require_actor(actor, objection: Objection) -> str:
    if actor is None or not can_handle_objection(actor, objection):
        raise PermissionDenied(_("You may not act on this objection."))
    return _actor_role(actor, objection.request)


def _record(
    subject, objection: Objection, action: str, *, actor, role: str, reason="", changes=None
):
    """One event on the case and its mirror on the request, so the request's history shows
    every stage of §14.2 (the mirror of an objection's event is prefixed "objection_")."""
    changes = changes or {}
    event_record(
        subject=subject,
        action=action,
        actor=actor,
        actor_role=role,
        reason=reason,
        changes=changes,
    )
    mirrored = f"objection_{action}" if isinstance(subject, Objection) else action
    event_record(
        subject=objection.request,
        action=mirrored,
        actor=actor,
        actor_role=role,
        reason=reason,
        changes={"objection": objection.registration_number, **changes},
    )


# --- Objection ----------------------------------------------------------------------------


def _submission_hash(key: str) -> str:
    return hashlib.sha256(f"objection:{key}".encode()).hexdigest()


def _number_prefix(office: Office) -> str:
    # As on request numbers: the office's slug, or a cut slug with its id when long.
    slug = office.slug.upper()
    return slug if len(slug) <= 40 else f"{slug[:32]}-{office.pk}"


@transaction.atomic
def objection_file(
    request: InformationRequest,
    *,
    grounds,
    case_description: str,
    channel: str = Channel.WEBSITE,
    actor=None,
    submission_key: str | None = None,
    ground_found_on: datetime.date | None = None,
) -> Objection:
    """File an objection (F28–F31): by the requester online (actor None) or recorded at the
    desk by a handler of the request. Available as soon as a ground exists, with no minimum
    wait (§17 #1); filed after D4 it is accepted with filed_late=True, never refused."""
    if actor is not None and not access.can_handle(actor, request):
        raise PermissionDenied(_("You may not record an objection for this request."))
    key_hash = _submission_hash(submission_key) if submission_key else None
    if key_hash and (existing := Objection.objects.filter(submission_key=key_hash).first()):
        if existing.request_id != request.pk:
            raise ValidationError(_("This form was already used for another request."))
        return existing
    codes = grounds_clean(grounds)
    description = _clean_text(
        case_description,
        "case_description",
        required=True,
        message=_("Describe the case: what happened and what you object to."),
    )
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose a valid channel.")})
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == InformationRequest.Status.WITHDRAWN:
        raise ValidationError(_("The request was withdrawn: there is nothing to object to."))
    pending = request.objections.filter(status__in=OPEN_OBJECTION_STATUSES).first()
    if pending is not None:
        raise ValidationError(
            _("Objection %(number)s to this request is still being handled.")
            % {"number": pending.registration_number}
        )
    now = timezone.now()
    today = _local_date(now)
    received_on = _local_date(request.received_at)
    if ground_found_on is not None and not received_on <= ground_found_on <= today:
        raise ValidationError(
            {"ground_found_on": _("The date must lie between the request's receipt and today.")}
        )
    window = filing_window(request, codes, ground_found_on=ground_found_on, today=today)
    d5 = objection_deadline(Objection(request=request, received_at=now))
    office = utama_office_for(request)
    year = today.year
    fields = {
        "request": request,
        "channel": channel,
        "received_at": now,
        "grounds": codes,
        "case_description": description,
        "ground_found_on": window.ground_found_on,
        "filing_due_date": window.due_date,
        "filed_late": window.is_late,
        "due_date": d5.due_date,
        "policy": d5.policy.as_dict(),
        "calendar_version": d5.calendar_version,
        "atasan": atasan_for(request, today),
        "created_by": actor,
        "submission_key": key_hash,
        "is_demo": request.is_demo,
    }
    try:
        with transaction.atomic():
            seq = next_number(f"objection:{office.pk}", year)
            objection = Objection.objects.create(
                registration_number=f"{_number_prefix(office)}/KEBERATAN/{year}/{seq:05d}",
                number_office=office,
                number_year=year,
                number_seq=seq,
                **fields,
            )
    except IntegrityError:
        # A concurrent double submission won the race: answer with its objection.
        existing = Objection.objects.filter(submission_key=key_hash).first() if key_hash else None
        if existing is None:
            raise
        return existing
    role = _actor_role(actor, request)
    _record(
        objection,
        objection,
        "filed",
        actor=actor,
        role=role,
        changes={
            "registration_number": objection.registration_number,
            "grounds": codes,
            "channel": channel,
            "ground_found_on": str(window.ground_found_on),
            "filing_due_date": str(window.due_date),
            "filed_late": window.is_late,
            "due_date": str(objection.due_date),
        },
    )
    letter_create(request, Letter.Kind.OBJECTION_RECEIPT, actor=actor, objection=objection)
    context = {
        "objection_number": objection.registration_number,
        "due_date": objection.due_date,
        "filed_late": objection.filed_late,
    }
    notify_requester(request, "objection_filed", **context)
    notify_office(request.office, "objection_filed", request, **context)
    if office.pk != request.office_id:
        notify_office(office, "objection_filed", request, **context)
    return objection


def _locked(objection: Objection) -> Objection:
    return (
        Objection.objects.select_for_update(of=("self",))
        .select_related("request__office", "request__body")
        .get(pk=objection.pk)
    )


@transaction.atomic
def objection_deliberate(objection: Objection, *, actor, note: str = "") -> Objection:
    """Open deliberation (musyawarah) between the parties: only if every ground is b–g (F29)."""
    role = _require_actor(actor, objection)
    objection = _locked(objection)
    if objection.status not in {Objection.Status.FILED, Objection.Status.IN_REVIEW}:
        raise ValidationError(_("Deliberation can only start on an objection not yet answered."))
    if not may_deliberate(objection.grounds):
        raise ValidationError(
            _(
                "Deliberation is possible only when every ground is one of b–g "
                "(UU 14/2008 Pasal 35(2)); ground a goes to the Atasan PPID's decision."
            )
        )
    note = _clean_text(note, "note", required=False)
    old = objection.status
    objection.status = Objection.Status.DELIBERATION
    objection.save(update_fields=["status"])
    _record(
        objection,
        objection,
        "deliberation_started",
        actor=actor,
        role=role,
        reason=note,
        changes={"status": [old, objection.status]},
    )
    return objection


@transaction.atomic
def objection_review(objection: Objection, *, actor, note: str = "") -> Objection:
    """The Atasan PPID takes the objection up (§14.2 DIPROSES_ATASAN): from the filing,
    or after a deliberation that reached no agreement. The note says how it is examined
    (e.g. a Tim Pertimbangan convened, the consequence test repeated)."""
    if actor is None or not is_deciding_atasan(actor, objection):
        raise PermissionDenied(_("Only the Atasan PPID of this public body decides objections."))
    objection = _locked(objection)
    if objection.status not in {Objection.Status.FILED, Objection.Status.DELIBERATION}:
        raise ValidationError(
            _("Only a filed objection, or one in deliberation, can be taken up for review.")
        )
    note = _clean_text(note, "note", required=False)
    old = objection.status
    objection.status = Objection.Status.IN_REVIEW
    objection.save(update_fields=["status"])
    appointment = _atasan_appointment_of(actor, objection.request)
    _record(
        objection,
        objection,
        "review_started",
        actor=actor,
        role="superuser" if actor.is_superuser and appointment is None else Role.ATASAN_PPID,
        reason=note,
        changes={"status": [old, objection.status]},
    )
    return objection


@transaction.atomic
def objection_settle(objection: Objection, *, actor, agreement: str) -> Objection:
    """Close a deliberation with the agreement reached (F29); it is the response (col. h–i)."""
    role = _require_actor(actor, objection)
    objection = _locked(objection)
    if objection.status != Objection.Status.DELIBERATION:
        raise ValidationError(_("Only an objection in deliberation can be settled."))
    agreement = _clean_text(
        agreement,
        "agreement",
        required=True,
        message=_("Write down what the parties agreed."),
    )
    objection.status = Objection.Status.SETTLED
    objection.decision_reasons = agreement
    objection.decided_at = timezone.now()
    objection.save(update_fields=["status", "decision_reasons", "decided_at"])
    _record(
        objection,
        objection,
        "settled",
        actor=actor,
        role=role,
        reason=agreement,
        changes={"status": [Objection.Status.DELIBERATION, objection.status]},
    )
    notify_requester(
        objection.request,
        "objection_decided",
        objection_number=objection.registration_number,
        decision=objection.get_status_display(),
    )
    return objection


DECISIONS = {"grant": Objection.Status.GRANTED, "uphold": Objection.Status.UPHELD}


@transaction.atomic
def objection_decide(objection: Objection, *, actor, decision: str, reasons: str) -> Objection:
    """The Atasan PPID's written response (F30(2)–(3), register columns h–j).

    'grant' orders release or correction and sends the request back to fulfilment (the
    old notice stays on file); 'uphold' confirms the PPID and needs written reasons."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose to grant the objection or to uphold.")})
    if not is_deciding_atasan(actor, objection):
        raise PermissionDenied(_("Only the Atasan PPID of this public body decides objections."))
    objection = _locked(objection)
    if objection.status not in OPEN_OBJECTION_STATUSES:
        raise ValidationError(_("This objection has already been answered."))
    reasons = _clean_text(
        reasons,
        "reasons",
        required=decision == "uphold",
        message=_(
            "Upholding the PPID's decision requires written reasons (UU 14/2008 Pasal 36(3))."
        ),
    )
    request = InformationRequest.objects.select_for_update().get(pk=objection.request_id)
    appointment = _atasan_appointment_of(actor, request) or objection.atasan
    old = objection.status
    objection.status = DECISIONS[decision]
    objection.decision_reasons = reasons
    objection.decided_at = timezone.now()
    objection.atasan = appointment
    objection.save(update_fields=["status", "decision_reasons", "decided_at", "atasan"])
    role = "superuser" if actor.is_superuser and appointment is None else Role.ATASAN_PPID
    _record(
        objection,
        objection,
        "decided",
        actor=actor,
        role=role,
        reason=reasons,
        changes={"status": [old, objection.status], "decision": decision},
    )
    if decision == "grant":
        old_status = request.status
        request.status = InformationRequest.Status.IN_PROGRESS
        request.closed_at = None
        request.save(update_fields=["status", "closed_at", "updated_at"])
        event_record(
            subject=request,
            action="objection_granted",
            actor=actor,
            actor_role=role,
            reason=reasons,
            changes={
                "status": [old_status, request.status],
                "objection": objection.registration_number,
            },
        )
    letter_create(request, Letter.Kind.OBJECTION_DECISION, actor=actor, objection=objection)
    context = {
        "objection_number": objection.registration_number,
        "decision": objection.get_status_display(),
        "dispute_due_date": dispute_filing_due(objection),
    }
    notify_requester(request, "objection_decided", **context)
    notify_office(request.office, "objection_decided", request, **context)
    return objection


@transaction.atomic
def mark_unanswered(today: datetime.date | None = None) -> int:
    """Flag objections whose D5 passed without a response (§14.2 TIDAK_DITANGGAPI): the
    requester may now go to the KI (D6). Idempotent: run by the daily tick."""
    today = today or _today()
    overdue = (
        Objection.objects.select_for_update(of=("self",))
        .filter(
            status__in=OPEN_OBJECTION_STATUSES, due_date__lt=today, not_answered_since__isnull=True
        )
        .select_related("request__office")
    )
    count = 0
    for objection in overdue:
        objection.not_answered_since = objection.due_date + datetime.timedelta(days=1)
        objection.save(update_fields=["not_answered_since"])
        _record(
            objection,
            objection,
            "unanswered",
            actor=None,
            role="",
            changes={"not_answered_since": str(objection.not_answered_since)},
        )
        context = {
            "objection_number": objection.registration_number,
            "dispute_due_date": dispute_filing_due(objection),
        }
        notify_requester(objection.request, "objection_unanswered", **context)
        notify_office(
            objection.request.office, "objection_unanswered", objection.request, **context
        )
        count += 1
    return count


@transaction.atomic
def objection_reply(objection: Objection, *, reply: str, actor=None) -> Objection:
    """The requester's reply to the response (register column k): by the requester himself
    (actor None) or recorded by a handler."""
    if reply not in Objection.Reply.values:
        raise ValidationError({"reply": _("Choose satisfied or not satisfied.")})
    role = REQUESTER_ROLE if actor is None else _require_actor(actor, objection)
    objection = _locked(objection)
    if objection.status not in ANSWERED_STATUSES:
        raise ValidationError(_("There is no response to reply to yet."))
    if objection.requester_reply:
        raise ValidationError(_("The reply to this response was already recorded."))
    objection.requester_reply = reply
    objection.save(update_fields=["requester_reply"])
    _record(
        objection,
        objection,
        "replied",
        actor=actor,
        role=role,
        changes={"requester_reply": reply},
    )
    return objection


# --- Dispute at the Information Commission (F32–F34) --------------------------------------


@transaction.atomic
def dispute_record(
    objection: Objection,
    *,
    actor,
    commission: str,
    register_number: str,
    filed_on: datetime.date,
) -> Dispute:
    """Record a dispute the requester brought to the KI, with D7/D8 for tracking (F33) and
    D6 for the warning (F32). The KI's deadlines are tracked, never blocked on."""
    role = _require_actor(actor, objection)
    objection = _locked(objection)
    commission = _clean_text(commission, "commission", required=True)[:200]
    register_number = _clean_text(register_number, "register_number", required=True)[:120]
    if not isinstance(filed_on, datetime.date) or filed_on > _today():
        raise ValidationError({"filed_on": _("Enter the filing date; it cannot be in the future.")})
    if filed_on < _local_date(objection.received_at):
        raise ValidationError({"filed_on": _("A dispute is filed after the objection.")})
    if objection.status in OPEN_OBJECTION_STATUSES and objection.due_date >= _today():
        raise ValidationError(
            _(
                "The Atasan PPID may still answer until %(date)s: a dispute follows the "
                "response or the lapse of that period (UU 14/2008 Pasal 37)."
            )
            % {"date": objection.due_date.isoformat()}
        )
    if objection.disputes.exists():
        raise ValidationError(_("A dispute is already recorded for this objection."))
    policy = _policy(objection.request)
    dispute = Dispute.objects.create(
        objection=objection,
        commission=commission,
        register_number=register_number,
        filed_on=filed_on,
        filing_due_date=dispute_filing_due(objection),
        start_due_date=add_working_days(filed_on, LIMITS.ki_start_wd, policy)[0],
        finish_due_date=add_working_days(filed_on, LIMITS.ki_resolution_wd, policy)[0],
        created_by=actor,
    )
    _record(
        dispute,
        objection,
        "dispute_recorded",
        actor=actor,
        role=role,
        changes={
            "register_number": register_number,
            "filed_on": str(filed_on),
            "filing_due_date": str(dispute.filing_due_date) if dispute.filing_due_date else None,
            "filed_late": dispute_filed_late(dispute),
            "start_due_date": str(dispute.start_due_date),
            "finish_due_date": str(dispute.finish_due_date),
        },
    )
    event_record(
        subject=objection,
        action="dispute_recorded",
        actor=actor,
        actor_role=role,
        changes={"register_number": register_number},
    )
    return dispute


def dispute_filed_late(dispute: Dispute) -> bool:
    return dispute.filing_due_date is not None and dispute.filed_on > dispute.filing_due_date


# Which stage may follow which (§14.2 SENGKETA_KI).
DISPUTE_STEPS = {
    Dispute.Stage.REGISTERED: {Dispute.Stage.MEDIATION, Dispute.Stage.ADJUDICATION},
    Dispute.Stage.MEDIATION: {Dispute.Stage.MEDIATION_SUCCESS, Dispute.Stage.ADJUDICATION},
    Dispute.Stage.ADJUDICATION: {Dispute.Stage.DECIDED},
    Dispute.Stage.MEDIATION_SUCCESS: set(),
    Dispute.Stage.DECIDED: set(),
}
FINAL_DISPUTE_STAGES = {Dispute.Stage.MEDIATION_SUCCESS, Dispute.Stage.DECIDED}


@transaction.atomic
def dispute_stage(
    dispute: Dispute,
    *,
    actor,
    stage: str,
    note: str = "",
    decision_number: str = "",
    ruling: str = "",
    decision_received_on: datetime.date | None = None,
) -> Dispute:
    """Move a dispute on: registration → mediation (grounds b–g only, F34) → success (final
    and binding) or adjudication → decision with its number, ruling and date received."""
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("objection__request")
        .get(pk=dispute.pk)
    )
    objection = dispute.objection
    role = _require_actor(actor, objection)
    if stage not in DISPUTE_STEPS.get(dispute.stage, set()):
        raise ValidationError(
            {
                "stage": _("A dispute at stage “%(stage)s” cannot move to that stage.")
                % {"stage": dispute.get_stage_display()}
            }
        )
    if stage == Dispute.Stage.MEDIATION and not may_deliberate(objection.grounds):
        raise ValidationError(
            {
                "stage": _(
                    "Mediation is only for grounds b–g (UU 14/2008 Pasal 40); "
                    "ground a goes to adjudication."
                )
            }
        )
    note = _clean_text(note, "note", required=False)
    changes = {"stage": [dispute.stage, stage]}
    if stage == Dispute.Stage.MEDIATION_SUCCESS:
        dispute.ruling = _clean_text(
            ruling, "ruling", required=True, message=_("Record the mediation agreement.")
        )
    if stage == Dispute.Stage.DECIDED:
        errors = {}
        if not (decision_number or "").strip():
            errors["decision_number"] = _("Enter the decision number.")
        if not (ruling or "").strip():
            errors["ruling"] = _("Enter the ruling.")
        if decision_received_on is None:
            errors["decision_received_on"] = _("Enter the date the decision was received.")
        elif not dispute.filed_on <= decision_received_on <= _today():
            errors["decision_received_on"] = _("The date must lie between the filing and today.")
        if errors:
            raise ValidationError(errors)
        dispute.decision_number = _clean_text(decision_number, "decision_number", required=True)[
            :120
        ]
        dispute.ruling = _clean_text(ruling, "ruling", required=True)
        dispute.decision_received_on = decision_received_on
        changes.update(
            decision_number=dispute.decision_number,
            decision_received_on=str(decision_received_on),
        )
    dispute.stage = stage
    dispute.save()
    _record(
        dispute,
        objection,
        "dispute_stage",
        actor=actor,
        role=role,
        reason=note,
        changes=changes,
    )
    return dispute


@transaction.atomic
def dispute_execution(dispute: Dispute, *, actor, execution: str) -> Dispute:
    """Record how a final KI decision or mediation agreement was carried out (§13.5)."""
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("objection__request")
        .get(pk=dispute.pk)
    )
    role = _require_actor(actor, dispute.objection)
    if dispute.stage not in FINAL_DISPUTE_STAGES:
        raise ValidationError(_("Execution follows a decision or a mediation agreement."))
    dispute.execution = _clean_text(execution, "execution", required=True)
    dispute.save(update_fields=["execution"])
    _record(
        dispute,
        dispute.objection,
        "dispute_execution",
        actor=actor,
        role=role,
        reason=dispute.execution,
    )
    return dispute


# --- Court and cassation (F35, F36) -------------------------------------------------------


@transaction.atomic
def court_case_record(
    dispute: Dispute, *, actor, court: str, case_number: str, filed_on: datetime.date
) -> CourtCase:
    """A party takes the KI adjudication decision to court (PTUN for a state body, PN
    otherwise); D9 = 14 working days after the decision was received (F35), a warning only."""
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("objection__request")
        .get(pk=dispute.pk)
    )
    role = _require_actor(actor, dispute.objection)
    if dispute.stage != Dispute.Stage.DECIDED or dispute.decision_received_on is None:
        raise ValidationError(
            _("Only a KI adjudication decision can be taken to court (a mediation is final).")
        )
    if court not in CourtCase.Court.values:
        raise ValidationError({"court": _("Choose the PTUN or the PN.")})
    case_number = _clean_text(case_number, "case_number", required=True)[:120]
    if not isinstance(filed_on, datetime.date) or filed_on > _today():
        raise ValidationError({"filed_on": _("Enter the filing date; it cannot be in the future.")})
    if filed_on < dispute.decision_received_on:
        raise ValidationError({"filed_on": _("A court case follows the KI decision.")})
    if dispute.court_cases.exists():
        raise ValidationError(_("A court case is already recorded for this dispute."))
    policy = _policy(dispute.objection.request)
    court_case = CourtCase.objects.create(
        dispute=dispute,
        court=court,
        case_number=case_number,
        filed_on=filed_on,
        filing_due_date=add_working_days(
            dispute.decision_received_on, LIMITS.court_filing_wd, policy
        )[0],
        created_by=actor,
    )
    _record(
        court_case,
        dispute.objection,
        "court_case_recorded",
        actor=actor,
        role=role,
        changes={
            "court": court,
            "case_number": case_number,
            "filed_on": str(filed_on),
            "filing_due_date": str(court_case.filing_due_date),
            "filed_late": filed_on > court_case.filing_due_date,
        },
    )
    return court_case


# Which stage may follow which (§14.2: PUTUSAN ─▶ KASASI_MA ─▶ INKRACHT).
COURT_STEPS = {
    CourtCase.Stage.FILED: {CourtCase.Stage.DECIDED},
    CourtCase.Stage.DECIDED: {CourtCase.Stage.CASSATION, CourtCase.Stage.FINAL},
    CourtCase.Stage.CASSATION: {CourtCase.Stage.FINAL},
    CourtCase.Stage.FINAL: set(),
}


@transaction.atomic
def court_case_update(
    court_case: CourtCase,
    *,
    actor,
    stage: str,
    decision: str = "",
    decision_received_on: datetime.date | None = None,
    cassation_filed_on: datetime.date | None = None,
    cassation_number: str = "",
    cassation_result: str = "",
    note: str = "",
) -> CourtCase:
    """Record the court's decision (D10 = received + 14 CALENDAR days, C5: unshifted), the
    cassation, and the final (inkracht) state."""
    court_case = (
        CourtCase.objects.select_for_update(of=("self",))
        .select_related("dispute__objection__request")
        .get(pk=court_case.pk)
    )
    role = _require_actor(actor, court_case.dispute.objection)
    if stage not in COURT_STEPS.get(court_case.stage, set()):
        raise ValidationError(
            {
                "stage": _("A court case at stage “%(stage)s” cannot move to that stage.")
                % {"stage": court_case.get_stage_display()}
            }
        )
    note = _clean_text(note, "note", required=False)
    today = _today()
    changes = {"stage": [court_case.stage, stage]}
    if stage == CourtCase.Stage.DECIDED:
        errors = {}
        if not (decision or "").strip():
            errors["decision"] = _("Enter the court's decision.")
        if decision_received_on is None:
            errors["decision_received_on"] = _("Enter the date the decision was received.")
        elif not court_case.filed_on <= decision_received_on <= today:
            errors["decision_received_on"] = _("The date must lie between the filing and today.")
        if errors:
            raise ValidationError(errors)
        court_case.decision = _clean_text(decision, "decision", required=True)
        court_case.decision_received_on = decision_received_on
        # F36: "empat belas hari", calendar days; no roll-forward (C5).
        court_case.cassation_due_date = decision_received_on + datetime.timedelta(
            days=LIMITS.cassation_days
        )
        changes.update(
            decision_received_on=str(decision_received_on),
            cassation_due_date=str(court_case.cassation_due_date),
        )
    elif stage == CourtCase.Stage.CASSATION:
        errors = {}
        if cassation_filed_on is None:
            errors["cassation_filed_on"] = _("Enter the date the cassation was filed.")
        elif not court_case.decision_received_on <= cassation_filed_on <= today:
            errors["cassation_filed_on"] = _(
                "The date must lie between the decision's receipt and today."
            )
        if not (cassation_number or "").strip():
            errors["cassation_number"] = _("Enter the cassation number.")
        if errors:
            raise ValidationError(errors)
        court_case.cassation_filed_on = cassation_filed_on
        court_case.cassation_number = _clean_text(
            cassation_number, "cassation_number", required=True
        )[:120]
        changes.update(
            cassation_filed_on=str(cassation_filed_on),
            cassation_number=court_case.cassation_number,
            filed_late=cassation_filed_on > court_case.cassation_due_date,
        )
    elif stage == CourtCase.Stage.FINAL and court_case.stage == CourtCase.Stage.CASSATION:
        court_case.cassation_result = _clean_text(
            cassation_result,
            "cassation_result",
            required=True,
            message=_("Enter the Supreme Court's decision."),
        )
    court_case.stage = stage
    court_case.save()
    _record(
        court_case,
        court_case.dispute.objection,
        "court_case_stage",
        actor=actor,
        role=role,
        reason=note,
        changes=changes,
    )
    return court_case


@transaction.atomic
def case_document_add(
    *, actor, upload, title: str, dispute: Dispute | None = None, court_case=None
) -> CaseDocument:
    """File a document with a dispute or a court case: checked by content, kept private."""
    if (dispute is None) == (court_case is None):
        raise ValidationError(_("A document belongs to one dispute or one court case."))
    case = dispute or court_case
    objection = dispute.objection if dispute else court_case.dispute.objection
    role = _require_actor(actor, objection)
    checked = check_upload(upload)
    title = _clean_text(title, "title", required=False)[:200] or checked.name
    document = CaseDocument(
        dispute=dispute,
        court_case=court_case,
        title=title,
        content_type=checked.content_type,
        size=checked.size,
        created_by=actor,
    )
    document.file.save(checked.name, upload, save=False)
    document.save()
    _record(
        case,
        objection,
        "document_added",
        actor=actor,
        role=role,
        changes={"title": title, "sha256": checked.sha256},
    )
    return document
