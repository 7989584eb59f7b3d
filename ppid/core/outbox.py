"""The notifications outbox (DESIGN.md): write a message in the caller's transaction;
a task sends it later and retries. Nothing is lost when the mail server is down.

    outbox_write(to=..., subject=..., body=..., about=request, office=office, kind="...")
    outbox_send_due()        # the task and `manage.py outbox_send` call this

Delivery (settings.OUTBOX_DELIVERY): "store" marks due messages STORED and sends nothing
(the embedded default); "smtp" sends them with Django's mail API, one connection per
batch. Rows are claimed before sending: in a transaction that locks them (PostgreSQL
SELECT ... FOR UPDATE SKIP LOCKED; SQLite's single writer serialises the claim), their
next attempt is pushed a lease into the future, so two workers never take the same row.
A worker killed while sending leaves the row PENDING: it is sent again after the lease.
"""

import contextlib
import datetime
import re
import threading
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .events import event_record
from .models import OutboxMessage

BATCH_SIZE = 50
# How long a claimed batch is reserved for the worker that claimed it.
CLAIM_SECONDS = 15 * 60
# Retry after 1, 2, 4, ... minutes, never more than 12 hours apart.
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 12 * 3600
ERROR_MAX_CHARS = 500


def outbox_write(
    *,
    to: str,
    subject: str,
    body: str,
    about: models.Model | None = None,
    office=None,
    kind: str = "",
) -> OutboxMessage | None:
    """Queue one e-mail (None when there is no address to write to); the sending task is
    enqueued once the caller's transaction commits. Inside outbox_batch() the row is
    inserted when the batch ends."""
    if not to:
        return None
    message = OutboxMessage(
        to=to,
        subject=" ".join(subject.split())[:300],
        body=body,
        content_type=ContentType.objects.get_for_model(about) if about is not None else None,
        object_id=about.pk if about is not None else None,
        office=office,
        kind=kind,
    )
    batch = _batch.messages
    if batch is not None:
        batch.append(message)
    else:
        message.save()
    _schedule_send()
    return message


class _Batch(threading.local):
    messages: list | None = None


_batch = _Batch()


@contextlib.contextmanager
def outbox_batch():
    """Collect the outbox_write() calls of a block and insert them in one statement at its
    end (a submission writes two or more mails; docs/benchmarks.md)."""
    if _batch.messages is not None:  # nested: the outer batch writes them
        yield
        return
    _batch.messages = []
    try:
        yield
        messages = _batch.messages
    finally:
        _batch.messages = None
    if messages:
        OutboxMessage.objects.bulk_create(messages)


def _enqueue_send() -> None:
    from .tasks import send_outbox

    if _send_already_queued(send_outbox):
        return
    send_outbox.enqueue()


def _send_already_queued(task) -> bool:
    """Whether a send task waits in the database queue, due and not yet claimed. It will
    send this commit's messages too: a worker claims a task (and commits the claim) before
    the task reads the outbox, and this check runs after the messages were committed. So
    100 submissions a second do not make 100 tasks."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return (
        DBTaskResult.objects.ready()
        .filter(task_path=task.module_path, backend_name=backend.alias)
        .exists()
    )


def _schedule_send() -> None:
    # One task per transaction, however many mails it wrote. robust=True: a queue that
    # refuses the task is logged, never turns a committed step into an error; the
    # message is sent by the next task or by `manage.py outbox_send`.
    db = transaction.get_connection()
    if db.in_atomic_block and any(func is _enqueue_send for _s, func, _r in db.run_on_commit):
        return
    transaction.on_commit(_enqueue_send, robust=True)


# --- sending ------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0  # attempts that failed and will be retried
    gave_up: int = 0  # marked FAILED after OUTBOX_MAX_ATTEMPTS
    stored: int = 0
    next_attempt_at: datetime.datetime | None = None  # earliest retry still pending

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.gave_up + self.stored


def _due(now: datetime.datetime):
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _claim(now: datetime.datetime, size: int) -> list[OutboxMessage]:
    with transaction.atomic():
        due = _due(now).order_by("created_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        batch = list(due[:size])
        if batch:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in batch]).update(
                next_attempt_at=now + datetime.timedelta(seconds=CLAIM_SECONDS)
            )
    return batch


def backoff(attempts: int) -> datetime.timedelta:
    """The wait before attempt `attempts + 1`: 1, 2, 4 ... minutes, capped."""
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def error_text(exc: Exception) -> str:
    """What went wrong, for the outbox viewer: the exception, on one line, short. SMTP
    errors name the server and the recipient's address, never the message body."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text[:ERROR_MAX_CHARS]


def _message_id(message: OutboxMessage) -> str:
    # Stable per outbox row: a mail sent twice (a worker killed after the server took it)
    # carries the same Message-ID, so mail clients show it once.
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{message.uid}@{domain}>"


def _mark_sent(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
        attempts=message.attempts + 1,
        next_attempt_at=None,
        last_error="",
    )


def _mark_failed(message: OutboxMessage, exc: Exception, report: SendReport) -> None:
    attempts = message.attempts + 1
    now = timezone.now()
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        status, next_at = OutboxMessage.Status.FAILED, None
        report.gave_up += 1
    else:
        status, next_at = OutboxMessage.Status.PENDING, now + backoff(attempts)
        report.failed += 1
        if report.next_attempt_at is None or next_at < report.next_attempt_at:
            report.next_attempt_at = next_at
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status, attempts=attempts, next_attempt_at=next_at, last_error=error_text(exc)
    )


def _send_batch(batch: list[OutboxMessage], report: SendReport) -> None:
    try:
        smtp = mail.get_connection(fail_silently=False)
        smtp.open()
    except Exception as exc:  # noqa: BLE001 - any failure to connect is retried later
        for message in batch:
            _mark_failed(message, exc, report)
        return
    try:
        for message in batch:
            email = mail.EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
                connection=smtp,
                headers={"Message-ID": _message_id(message), "Auto-Submitted": "auto-generated"},
            )
            try:
                email.send()
            except Exception as exc:  # noqa: BLE001 - recorded on the row, retried later
                _mark_failed(message, exc, report)
            else:
                _mark_sent(message)
                report.sent += 1
    finally:
        try:
            smtp.close()
        except Exception:  # noqa: BLE001, S110 - the server went away: nothing to close
            pass


def outbox_send_due(*, limit: int | None = None, progress=None) -> SendReport:
    """Send (or, in "store" mode, mark stored) every message that is due, in batches.

    `progress(report)` is called after each batch (the management command prints it).
    """
    report = SendReport()
    while limit is None or report.total < limit:
        size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - report.total)
        batch = _claim(timezone.now(), size)
        if not batch:
            break
        if settings.OUTBOX_DELIVERY == "store":
            report.stored += OutboxMessage.objects.filter(
                pk__in=[m.pk for m in batch], status=OutboxMessage.Status.PENDING
            ).update(status=OutboxMessage.Status.STORED, next_attempt_at=None)
        else:
            _send_batch(batch, report)
        if progress is not None:
            progress(report)
    return report


# --- the back office --------------------------------------------------------------------


def messages_visible_to(user):
    """Superusers see every message; a PPID Utama officer those of the offices under his
    Utama; nobody else any (the viewer answers 404)."""
    from ppid.organizations.access import offices_for
    from ppid.organizations.models import Role

    if not user.is_authenticated or not user.is_active:
        return OutboxMessage.objects.none()
    if user.is_superuser:
        return OutboxMessage.objects.all()
    return OutboxMessage.objects.filter(office__in=offices_for(user, [Role.PPID_UTAMA]))


def outbox_retry(message: OutboxMessage, *, actor) -> OutboxMessage:
    """Put a failed, stored or waiting message back at the front of the queue."""
    if not messages_visible_to(actor).filter(pk=message.pk).exists():
        raise ValidationError(_("This message is not in your outbox."))
    if message.status == OutboxMessage.Status.SENT:
        raise ValidationError(_("This message was already sent."))
    with transaction.atomic():
        before = message.status
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.PENDING, next_attempt_at=None
        )
        event_record(
            subject=message,
            action="outbox_retried",
            actor=actor,
            actor_role="superuser" if actor.is_superuser else "ppid_utama",
            changes={"status": [before, OutboxMessage.Status.PENDING]},
        )
        _schedule_send()
    message.refresh_from_db()
    return message


_URL = re.compile(r"https?://\S+")
_TOKEN = re.compile(r"(?<=[/=])[A-Za-z0-9_-]{20,}")


def redact_tokens(text: str) -> str:
    """A mail body as officers may read it: the private tracking and download tokens in
    its links are cut out (they would let the reader act as the requester)."""
    return _URL.sub(lambda url: _TOKEN.sub("…", url.group(0)), text)
