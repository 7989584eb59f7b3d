"""Public calendar endpoint: GET /api/v1/calendar/due-date (issue 3 §1).

The server computes deadlines and the browser only shows them (F45). Parameters arrive as
raw strings and are checked here, so that every bad value answers 400 with a message
rather than the framework's 422.
"""

import datetime
import re

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from ppid.organizations.models import Body

from .calendar import due_date

router = Router(tags=["calendar"])

MAX_WORKING_DAYS = 200
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
# A "+" in an unencoded query string arrives as a space: "2025-03-26T10:00:00 07:00".
_SPACE_FOR_PLUS = re.compile(r"^(\S+T[\d:.]+) (\d{2}:?\d{2})$")


class ErrorOut(Schema):
    detail: str


class SkippedOut(Schema):
    date: datetime.date
    reason: str


class PolicyOut(Schema):
    cuti_bersama_is_working_day: bool
    work_week: list[int]
    service_opens: str | None
    service_closes: str | None
    calendar_version: int
    region: str


class DueDateOut(Schema):
    received_at: str
    counting_from: datetime.date
    due_date: datetime.date
    working_days: int
    skipped: list[SkippedOut]
    policy: PolicyOut


class BadParameter(Exception):
    pass


def _received_at(raw: str | None) -> datetime.datetime:
    if raw is None or not raw.strip():
        raise BadParameter(_("received_at is required (ISO 8601 with a UTC offset)."))
    text = _SPACE_FOR_PLUS.sub(r"\1+\2", raw.strip())
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadParameter(
            _("received_at must be an ISO 8601 date and time, e.g. 2025-03-26T10:00:00+07:00.")
        ) from exc
    if value.tzinfo is None or value.utcoffset() is None:
        raise BadParameter(
            _("received_at needs a UTC offset, e.g. +07:00 for WIB (the date depends on it).")
        )
    if not 2000 <= value.year <= 2100:
        raise BadParameter(_("received_at must be between the years 2000 and 2100."))
    return value


def _working_days(raw: str | None) -> int:
    if raw is None or not raw.strip():
        raise BadParameter(_("working_days is required."))
    if not re.fullmatch(r"\d{1,4}", raw.strip()):
        raise BadParameter(_("working_days must be a whole number."))
    value = int(raw.strip())
    if not 1 <= value <= MAX_WORKING_DAYS:
        raise BadParameter(
            _("working_days must be between 1 and %(max)d.") % {"max": MAX_WORKING_DAYS}
        )
    return value


def _body(raw: str | None) -> Body | None:
    if raw is None or raw == "":
        return None
    slug = raw.strip()
    body = Body.objects.filter(slug=slug).first() if _SLUG.fullmatch(slug) else None
    if body is None:
        raise BadParameter(_("Unknown public body."))
    return body


@router.get(
    "/due-date",
    response={200: DueDateOut, 400: ErrorOut},
    summary="The deadline N working days after a receipt time",
    description=(
        "Counts working days as the law's deadlines do (domain conventions C1–C4, C7): the "
        "day of receipt is day 0; a receipt on a non-working day or after service hours "
        "counts from the next working day; the due date is the end of the N-th working day. "
        "`received_at` is ISO 8601 with a UTC offset (URL-encode the `+`); `body` (a public "
        "body's slug) selects that body's counting policy, otherwise the default applies."
    ),
)
def calendar_due_date(
    request,
    received_at: str | None = None,
    working_days: str | None = None,
    body: str | None = None,
):
    try:
        received = _received_at(received_at)
        days = _working_days(working_days)
        public_body = _body(body)
    except BadParameter as exc:
        return Status(400, {"detail": str(exc)})
    due = due_date(received, days, body=public_body)
    return {
        "received_at": received.isoformat(),
        "counting_from": due.counting_from,
        "due_date": due.due_date,
        "working_days": due.working_days,
        "skipped": [{"date": s.date, "reason": s.reason} for s in due.skipped],
        "policy": due.policy.as_dict(),
    }
