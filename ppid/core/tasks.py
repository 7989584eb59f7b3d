"""Background work of core (Django Tasks API, run by `manage.py db_worker`)."""

from django_tasks import task

from .outbox import outbox_send_due


@task()
def send_outbox() -> dict:
    """Send the outbox's due messages (safe to run twice: rows are claimed). When some
    failed, the task schedules itself for the earliest retry, so a mail server that comes
    back gets its mail without waiting for cron."""
    report = outbox_send_due()
    if report.next_attempt_at is not None and send_outbox.get_backend().supports_defer:
        send_outbox.using(run_after=report.next_attempt_at).enqueue()
    return {
        "sent": report.sent,
        "failed": report.failed,
        "gave_up": report.gave_up,
        "stored": report.stored,
    }
