"""Periodic work of the request service (Django Tasks API, run by `manage.py db_worker`).

Re-derivable from the data and safe to run twice (DESIGN.md, django-tasks-db pitfalls):
an overdue request is found again on the next run, and flagged only once.
"""

from django_tasks import task


def run_clock() -> dict:
    """Flag requests whose notice deadline passed (D2/D3), warn of those due soon, and flag
    objections the Atasan PPID has not answered within D5."""
    from .objections import mark_unanswered
    from .services import mark_late

    return {"marked_late": mark_late(), "objections_unanswered": mark_unanswered()}


@task()
def foi_tick() -> dict:
    return run_clock()
