"""Append and read the event log (core.Event)."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import Event


def event_record(
    *,
    subject: models.Model,
    action: str,
    actor=None,
    actor_role: str = "",
    reason: str = "",
    changes: dict | None = None,
) -> Event:
    return Event.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_role=actor_role,
        reason=reason,
        changes=changes or {},
    )


def events_for(subject: models.Model):
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("actor")


def diff_fields(before: dict, after: dict) -> dict:
    """The fields whose value changed, as {field: [old, new]} with JSON-safe values."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def _jsonable(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)
