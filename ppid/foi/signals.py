"""Receivers: calendar changes recompute the deadlines of open cases (C8); see deadlines.py."""

from django.dispatch import receiver

from ppid.core.calendar import calendar_changed


@receiver(calendar_changed, dispatch_uid="foi_recompute_open_cases")
def recompute_on_calendar_change(sender, revision=None, actor=None, **kwargs):
    from .deadlines import recompute_open_cases

    recompute_open_cases(revision=revision, actor=actor)
