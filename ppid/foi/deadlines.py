"""The statutory deadlines of requests and objections, computed from the working-day
calendar (ppid/core/calendar.py) and kept up to date when the calendar changes (C8).

    request_deadlines(request)       D2 (10 hk from receipt), and D3 (+7 hk) when extended
    objection_deadline(objection)    D5 (30 hk from receipt of the objection)
    recompute_open_cases(revision)   after a calendar change: update and log every open case
"""

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ppid.core.calendar import (
    DueDate,
    Policy,
    add_working_days,
    due_date,
    other_policy,
    policy_for,
)
from ppid.core.events import event_record

from .models import OPEN_STATUSES, Extension, InformationRequest, Objection
from .rules import LIMITS

OPEN_OBJECTION_STATUSES = {
    Objection.Status.FILED,
    Objection.Status.DELIBERATION,
    Objection.Status.IN_REVIEW,
}


def _extension(request: InformationRequest) -> Extension | None:
    try:
        return request.extension
    except Extension.DoesNotExist:
        return None


def request_deadlines(request: InformationRequest, *, policy: Policy | None = None) -> DueDate:
    """D2 = 10 working days from receipt (F18, C1–C4, C7); when extended, D3 = D2 + the
    extension's working days (F19: at most 7, counted from the end of D2)."""
    policy = policy or policy_for(request.body)
    due = due_date(request.received_at, LIMITS.response_wd, policy=policy)
    due.due_date_original = due.due_date
    extension = _extension(request)
    if extension is not None:
        extended, skipped = add_working_days(due.due_date, extension.working_days, policy)
        due = dataclasses.replace(
            due,
            due_date=extended,
            working_days=due.working_days + extension.working_days,
            skipped=due.skipped + skipped,
            due_date_extended=extended,
        )
    return due


def objection_deadline(objection: Objection, *, policy: Policy | None = None) -> DueDate:
    """D5: the Atasan PPID answers within 30 working days of receiving the objection (F30)."""
    policy = policy or policy_for(objection.request.body)
    return due_date(objection.received_at, LIMITS.objection_response_wd, policy=policy)


def _stored_policy(request: InformationRequest) -> Policy | None:
    try:
        return Policy.from_dict(request.policy) if request.policy else None
    except (TypeError, ValueError):
        return None


def request_due_explanation(request: InformationRequest) -> DueDate:
    """How the request's current deadline was computed, with the policy stored with it
    (C8), for the "how computed" panel (core/includes/deadline_explanation.html)."""
    return request_deadlines(request, policy=_stored_policy(request))


def alternative_due_date(request: InformationRequest) -> datetime.date:
    """The deadline under the other cuti bersama choice (C4), shown to officers (§10)."""
    policy = _stored_policy(request) or policy_for(request.body)
    return request_deadlines(request, policy=other_policy(policy)).due_date


def _without_version(policy: dict) -> dict:
    return {key: value for key, value in (policy or {}).items() if key != "calendar_version"}


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _reason(revision) -> str:
    if revision is None:
        return _("Deadlines recomputed with the current calendar.")
    return _("Calendar changed (version %(version)s: %(summary)s).") % {
        "version": revision.pk,
        "summary": revision.summary,
    }


def _apply(case, new: dict, policy, *, extra_fields=()) -> dict | None:
    """Store a case's recomputed dates and policy (C8). Returns the changes for its event,
    or None when nothing an officer would see changed (at most the calendar version moved,
    which is stored silently)."""
    changes = {
        name: [_iso(getattr(case, name)), _iso(value)]
        for name, value in new.items()
        if getattr(case, name) != value
    }
    new_policy = policy.as_dict()
    if _without_version(case.policy) != _without_version(new_policy):
        changes["policy"] = [case.policy, new_policy]
    if not changes and case.calendar_version == policy.calendar_version:
        return None
    old_version = case.calendar_version
    for name, value in new.items():
        setattr(case, name, value)
    case.policy = new_policy
    case.calendar_version = policy.calendar_version
    case.save(update_fields=[*new, "policy", "calendar_version", *extra_fields])
    if not changes:
        return None  # same dates and rules under the new calendar version
    changes["calendar_version"] = [old_version, policy.calendar_version]
    return changes


def recompute_request(pk: int, *, policies: dict, reason: str, actor, today) -> bool:
    with transaction.atomic():
        request = (
            InformationRequest.objects.select_for_update(of=("self",))
            .select_related("body")
            .get(pk=pk)
        )
        if request.status not in OPEN_STATUSES:
            return False
        if request.body_id not in policies:
            policies[request.body_id] = policy_for(request.body)
        policy = policies[request.body_id]
        due = request_deadlines(request, policy=policy)
        new = {
            "due_date": due.due_date,
            "due_date_original": due.due_date_original,
            "due_date_extended": due.due_date_extended,
            "late_since": request.late_since,
        }
        if request.late_since and due.due_date >= today:
            new["late_since"] = None
        changes = _apply(request, new, policy, extra_fields=["updated_at"])
        if changes is None:
            return False
        extension = _extension(request)
        if extension is not None and extension.new_due_date != due.due_date_extended:
            changes["extension.new_due_date"] = [
                _iso(extension.new_due_date),
                _iso(due.due_date_extended),
            ]
            extension.new_due_date = due.due_date_extended
            extension.save(update_fields=["new_due_date"])
        event_record(
            subject=request,
            action="deadline_recomputed",
            actor=actor,
            actor_role="system",
            reason=reason,
            changes=changes,
        )
        return True


def _recompute_objection(pk: int, *, policies: dict, reason: str, actor, today) -> bool:
    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("request__body")
            .get(pk=pk)
        )
        if objection.status not in OPEN_OBJECTION_STATUSES:
            return False
        body = objection.request.body
        if body.pk not in policies:
            policies[body.pk] = policy_for(body)
        policy = policies[body.pk]
        due = objection_deadline(objection, policy=policy)
        new = {"due_date": due.due_date, "not_answered_since": objection.not_answered_since}
        if objection.not_answered_since and due.due_date >= today:
            new["not_answered_since"] = None
        changes = _apply(objection, new, policy)
        if changes is None:
            return False
        event_record(
            subject=objection,
            action="deadline_recomputed",
            actor=actor,
            actor_role="system",
            reason=reason,
            changes=changes,
        )
        return True


def recompute_open_cases(revision=None, actor=None) -> int:
    """C8: recompute the deadlines of every open request and objection with the current
    calendar and policies; each case whose dates or policy changed is saved with a
    "deadline_recomputed" event naming the revision. Returns the number of such cases.
    Safe to run twice (the second run finds nothing to change)."""
    reason = _reason(revision)
    today = timezone.localdate()
    policies: dict = {}
    changed = 0
    request_ids = InformationRequest.objects.filter(status__in=OPEN_STATUSES).values_list(
        "pk", flat=True
    )
    for pk in list(request_ids.order_by("pk")):
        changed += recompute_request(pk, policies=policies, reason=reason, actor=actor, today=today)
    objection_ids = Objection.objects.filter(status__in=OPEN_OBJECTION_STATUSES).values_list(
        "pk", flat=True
    )
    for pk in list(objection_ids.order_by("pk")):
        changed += _recompute_objection(
            pk, policies=policies, reason=reason, actor=actor, today=today
        )
    return changed
