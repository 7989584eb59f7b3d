"""Pure registry rules, with no database (table-tested in tests/registry/test_rules.py)."""

import calendar
import datetime

# F2: UU 14/2008 Pasal 9 — berkala information is announced at least every 6 months.
BERKALA_REVIEW_MONTHS = 6


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, clamped to the last day of a shorter month."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_date(reviewed_on: datetime.date) -> datetime.date:
    """The latest date a berkala item must be reviewed again (F2: ≤ 6 months)."""
    return add_months(reviewed_on, BERKALA_REVIEW_MONTHS)


def review_date_is_valid(reviewed_on: datetime.date, proposed: datetime.date) -> bool:
    """An officer may set an earlier review date, never one beyond six months (F2)."""
    return reviewed_on <= proposed <= next_review_date(reviewed_on)
