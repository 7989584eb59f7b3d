"""Monev reads for staff pages: the history (events) of a participant and of a period, each
event with a readable label. Callers check access first (access.participant_for_staff,
access.period_for_admin)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ppid.core.models import Event

from .models import Answer, Participant, Period

EVENT_LABELS = {
    # Period
    "created": _("Period created"),
    "copied": _("Period copied from an earlier one"),
    "updated": _("Settings changed"),
    "bands_set": _("Bands changed"),
    "categories_set": _("Categories changed"),
    "stage_set": _("Stage dates changed"),
    "indicator_saved": _("Indicator saved"),
    "indicator_deleted": _("Indicator deleted"),
    "question_saved": _("Question saved"),
    "question_deleted": _("Question deleted"),
    "participant_removed": _("Participant removed"),
    "evaluator_appointed": _("Evaluator appointed"),
    "evaluator_revoked": _("Evaluator's appointment ended"),
    "opened": _("Period opened"),
    "closed": _("Period closed"),
    "published": _("Results published"),
    # Participant
    "registered": _("Registered"),
    "submitted": _("Questionnaire submitted"),
    "panel_scored": _("Panel score given"),
    "results_computed": _("Results computed"),
    "not_rated": _("Not rated (no questionnaire)"),
    # Answer
    "answer_saved": _("Answer saved"),
    "verified": _("Answer verified"),
    "clarification_requested": _("Clarification requested"),
    "clarification_replied": _("Clarification answered"),
    "objection_lodged": _("Objection lodged"),
    "objection_decided": _("Objection decided"),
}


def _labelled(events) -> list[Event]:
    events = list(events)
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    return events


def participant_events(participant: Participant) -> list[Event]:
    """The participant's timeline, oldest first: its own events and its answers' events
    (those carry `question_code`)."""
    types = ContentType.objects.get_for_models(Participant, Answer)
    codes = dict(Answer.objects.filter(participant=participant).values_list("pk", "question__code"))
    events = _labelled(
        Event.objects.filter(
            Q(content_type=types[Participant], object_id=participant.pk)
            | Q(content_type=types[Answer], object_id__in=list(codes))
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    answer_type = types[Answer].pk
    for event in events:
        event.question_code = (
            codes.get(event.object_id) if event.content_type_id == answer_type else ""
        )
    return events


def period_events(period: Period) -> list[Event]:
    """The period's configuration and state changes, oldest first."""
    return _labelled(
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(Period), object_id=period.pk
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
