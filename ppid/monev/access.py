"""Who sees and does what in monev: every view, download, export and API endpoint goes
through these. Not yours answers 404, exactly like missing (STYLE.md §3).

- Monev admin: a current PPID_UTAMA appointment *directly* at the period's organising
  office (superusers: every period). Configures and runs the period, sees everything in it.
- Body officer: a current PPID_UTAMA, PPID_PELAKSANA or ATASAN_PPID appointment *directly*
  at an office of the participant's body. Not expanded down the office tree: the
  province's PPID Utama must not read its agencies' answers. Sees only his body's
  participation, in OPEN or CLOSED periods (a DRAFT period is the organiser's alone).
- Evaluator: an active monev.Evaluator row of the period (verifier or panel member),
  assigned to the participant or to all (no participants listed). An EVALUATOR
  appointment alone grants nothing.
- Public: closed and published periods only.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ppid.organizations.access import scope_memo
from ppid.organizations.models import Appointment, Office, Role

from .models import Answer, Evaluator, Participant, Period

ADMIN_ROLES = frozenset({Role.PPID_UTAMA})
BODY_ROLES = frozenset({Role.PPID_UTAMA, Role.PPID_PELAKSANA, Role.ATASAN_PPID})
# Periods a body officer or an evaluator may see (DRAFT is the organiser's).
RUNNING = (Period.Status.OPEN, Period.Status.CLOSED)

ADMIN, VERIFIER, PANEL, BODY = "admin", "verifier", "panel", "body"


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _direct_appointments(user) -> list[tuple[int, int, str, str]]:
    """(office id, body id, office kind, role) of the user's current appointments, read
    once per request (the same memo as ppid.organizations.access)."""
    memo = scope_memo(user)
    if "monev_appointments" not in memo:
        memo["monev_appointments"] = list(
            Appointment.objects.current(timezone.localdate())
            .filter(user=user)
            .values_list("office_id", "office__body_id", "office__kind", "role")
        )
    return memo["monev_appointments"]


# --- monev admin --------------------------------------------------------------------------
def admin_office_ids(user) -> set[int]:
    """Utama offices where `user` is a current PPID Utama officer directly (superuser: all)."""
    if not _active(user):
        return set()
    if user.is_superuser:
        return set(Office.objects.values_list("pk", flat=True))
    return {
        office
        for office, _body, kind, role in _direct_appointments(user)
        if role in ADMIN_ROLES and kind == Office.Kind.UTAMA
    }


def is_monev_admin(user, period: Period) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or period.organizer_id in admin_office_ids(user)


def is_any_admin(user) -> bool:
    return bool(admin_office_ids(user))


def periods_for_admin(*, user) -> QuerySet[Period]:
    if _active(user) and user.is_superuser:
        return Period.objects.all()
    return Period.objects.filter(organizer_id__in=admin_office_ids(user))


def period_for_admin(*, user, token) -> Period:
    try:
        return periods_for_admin(user=user).select_related("organizer").get(token=str(token))
    except (Period.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- body officers ------------------------------------------------------------------------
def body_ids_for_officer(user) -> set[int]:
    """Bodies of the offices where `user` holds a body role directly (never down the tree)."""
    if not _active(user):
        return set()
    return {body for _office, body, _kind, role in _direct_appointments(user) if role in BODY_ROLES}


def is_body_officer(user, participant: Participant) -> bool:
    return participant.body_id in body_ids_for_officer(user)


def participations_for(*, user) -> QuerySet[Participant]:
    """The participations of the user's bodies in running or closed periods."""
    return Participant.objects.filter(
        body_id__in=body_ids_for_officer(user), period__status__in=RUNNING
    )


def participation_for(*, user, token) -> Participant:
    try:
        return (
            participations_for(user=user)
            .select_related("period", "body", "category", "band")
            .get(token=str(token))
        )
    except (Participant.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- evaluators ---------------------------------------------------------------------------
def _evaluator_rows(user, period_id) -> list[tuple[int, str]]:
    """(evaluator id, kind) of the user's active appointments to the period."""
    if not _active(user):
        return []
    memo = scope_memo(user)
    key = ("monev_evaluator", period_id)
    if key not in memo:
        memo[key] = list(
            Evaluator.objects.filter(period_id=period_id, user=user, active=True).values_list(
                "pk", "kind"
            )
        )
    return memo[key]


def evaluator_role(user, period: Period) -> set[str]:
    """The Evaluator.Kind values `user` holds (active) in the period."""
    return {kind for _pk, kind in _evaluator_rows(user, period.pk)}


def _evaluator_condition(user, *, period_id=None, kind=None) -> Q:
    """Participants the user evaluates: in periods where he is an active evaluator (of
    `kind`), all of them when his row lists none, else those listed."""
    if not _active(user):
        return Q(pk__in=[])
    rows = Evaluator.objects.filter(user=user, active=True, period__status__in=RUNNING)
    if period_id is not None:
        rows = rows.filter(period_id=period_id)
    if kind:
        rows = rows.filter(kind=kind)
    everyone, listed = set(), set()
    # One row per listed participant, or one row with None when the row lists none.
    for period, participant in rows.values_list("period_id", "participants__pk"):
        if participant is None:
            everyone.add(period)
        else:
            listed.add(participant)
    return Q(period_id__in=everyone) | Q(pk__in=listed)


def participants_for_evaluator(*, user, period=None, kind=None) -> QuerySet[Participant]:
    """The participants of `period` (or of every period) that `user` evaluates."""
    period_id = period.pk if period is not None else None
    return Participant.objects.filter(
        _evaluator_condition(user, period_id=period_id, kind=kind), period__status__in=RUNNING
    )


def participant_for_evaluator(*, user, token, kind=None) -> Participant:
    try:
        return (
            participants_for_evaluator(user=user, kind=kind)
            .select_related("period", "body", "category", "band")
            .get(token=str(token))
        )
    except (Participant.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def evaluator_kinds_for(user, participant: Participant) -> set[str]:
    """The Evaluator.Kind values in which `user` evaluates this participant (active,
    appointed to its running period, assigned to it or to all)."""
    if not _active(user) or participant.period.status not in RUNNING:
        return set()
    kinds = set()
    rows = Evaluator.objects.filter(period_id=participant.period_id, user=user, active=True)
    for kind, listed in rows.values_list("kind", "participants__pk"):
        if listed is None or listed == participant.pk:
            kinds.add(kind)
    return kinds


def evaluates(user, participant: Participant, kind: str) -> bool:
    return kind in evaluator_kinds_for(user, participant)


# --- any staff capacity -------------------------------------------------------------------
def capacities(user, participant: Participant) -> set[str]:
    """What `user` may do with this participant: {"admin", "verifier", "panel", "body"}."""
    if not _active(user):
        return set()
    found = set()
    if is_monev_admin(user, participant.period):
        found.add(ADMIN)
    if participant.period.status in RUNNING and is_body_officer(user, participant):
        found.add(BODY)
    kinds = evaluator_kinds_for(user, participant)
    if Evaluator.Kind.VERIFIER in kinds:
        found.add(VERIFIER)
    if Evaluator.Kind.PANEL in kinds:
        found.add(PANEL)
    return found


def participant_for_staff(*, user, token) -> tuple[Participant, set[str]]:
    """The participant with `token` and the user's capacities on it; 404 when none."""
    try:
        participant = Participant.objects.select_related(
            "period", "period__organizer", "body", "category", "band"
        ).get(token=str(token))
    except (Participant.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    found = capacities(user, participant)
    if not found:
        raise Http404
    return participant, found


def answer_for_staff(*, user, pk) -> tuple[Answer, set[str]]:
    """An answer (for evidence downloads) and the user's capacities on its participant."""
    try:
        answer = Answer.objects.select_related(
            "participant", "participant__period", "participant__body", "question"
        ).get(pk=int(pk))
    except (Answer.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    found = capacities(user, answer.participant)
    if not found:
        raise Http404
    return answer, found


# --- public -------------------------------------------------------------------------------
def published_periods() -> QuerySet[Period]:
    return Period.objects.filter(status=Period.Status.CLOSED, published_at__isnull=False)


def published_period(year) -> Period:
    try:
        return published_periods().select_related("organizer").get(year=int(year))
    except (Period.DoesNotExist, Period.MultipleObjectsReturned, ValueError, TypeError,
            OverflowError) as exc:  # fmt: skip
        raise Http404 from exc


def public_participant(*, period: Period, body_slug) -> Participant:
    if not (period.status == Period.Status.CLOSED and period.published_at):
        raise Http404
    try:
        return period.participants.select_related("body", "category", "band").get(
            body__slug=str(body_slug)
        )
    except (Participant.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
