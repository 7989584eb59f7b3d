"""Core screens in Wagtail's back office: the working-day calendar and the e-mail outbox;
each module registers its own hooks when imported here."""

from . import calendar_admin, outbox_admin  # noqa: F401
