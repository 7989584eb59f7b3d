"""Periodic work of the request service (Django Tasks API, run by `manage.py db_worker`).

Re-derivable from the data and safe to run twice (DESIGN.md, django-tasks-db pitfalls):
an overdue request is found again on the next run, and flagged only once.
"""

from django_tasks import task


def run_clock() -> dict:
    """Seed next year's calendar when it is missing (and ask each PPID Utama to review it),
    flag requests whose notice deadline passed (D2/D3), warn of those due soon, and flag
    objections the Atasan PPID has not answered within D5."""
    from .notifications import notify_calendar_review
    from .objections import mark_unanswered
    from .services import mark_late

    seeded = _seed_calendar_ahead()
    result = {
        "marked_late": mark_late(),
        "objections_unanswered": mark_unanswered(),
        "calendar_years_seeded": [r.year for r in seeded],
    }
    if seeded:
        notify_calendar_review(seeded)
    _refresh_planner_statistics()
    return result


def _seed_calendar_ahead():
    """Next year's holidays and cuti bersama from the `holidays` package, seeded before the
    year starts (a new calendar version: open cases are recomputed, C8)."""
    from ppid.core.calendar import calendar_seed_ahead

    return calendar_seed_ahead()


def _refresh_planner_statistics() -> None:
    """SQLite: `PRAGMA optimize`, which SQLite's documentation asks applications to run
    periodically; it re-analyses the tables whose statistics went stale. Without them the
    inbox's count per status walked every row (docs/benchmarks.md). PostgreSQL's
    autovacuum does this by itself."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")


@task()
def foi_tick() -> dict:
    return run_clock()
