"""The notifications outbox (DESIGN.md): a real SMTP server (aiosmtpd on 127.0.0.1) takes
the mails; when it is down nothing is lost, attempts back off, and a message is sent once."""

import datetime
import socket
import threading
from email import message_from_bytes

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction

from ppid.core.events import events_for
from ppid.core.models import OutboxMessage
from ppid.core.outbox import _claim, backoff, outbox_send_due, outbox_write, redact_tokens

T0 = datetime.datetime(2026, 3, 4, 3, 0, tzinfo=datetime.UTC)
REFUSED = "refused@example.org"


class Sink:
    """An SMTP handler that keeps what it receives and refuses one address."""

    def __init__(self):
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted"


class SmtpServer:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.sink = Sink()
        self.controller = None

    def start(self):
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def subjects(self) -> list[str]:
        return [str(msg["Subject"]) for _to, msg in self.sink.received]


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_TIMEOUT = 5
    settings.OUTBOX_DELIVERY = "smtp"
    yield server
    server.stop()


def write(n: int = 1, to: str = "warga@example.org", office=None) -> list[OutboxMessage]:
    return [
        outbox_write(to=to, subject=f"Pesan {i}", body=f"Isi pesan {i}", office=office)
        for i in range(n)
    ]


def status_of(message: OutboxMessage) -> OutboxMessage:
    message.refresh_from_db()
    return message


@pytest.mark.django_db
def test_without_an_address_nothing_is_queued():
    assert outbox_write(to="", subject="x", body="y") is None
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_store_mode_keeps_messages_and_sends_nothing(settings):
    settings.OUTBOX_DELIVERY = "store"
    (message,) = write()
    report = outbox_send_due()
    assert report.stored == 1 and report.sent == 0
    assert status_of(message).status == OutboxMessage.Status.STORED
    assert mail.outbox == []
    assert outbox_send_due().total == 0  # a stored message is never picked up again


@pytest.mark.django_db
def test_smtp_mode_sends_each_message_once_through_a_real_server(smtp):
    messages = write(3)
    report = outbox_send_due()
    assert report.sent == 3
    assert sorted(smtp.subjects) == ["Pesan 0", "Pesan 1", "Pesan 2"]
    to, first = smtp.sink.received[0]
    assert to == ["warga@example.org"]
    assert first["Auto-Submitted"] == "auto-generated"
    assert str(messages[0].uid) in first["Message-ID"] or first["Message-ID"]
    for message in messages:
        message = status_of(message)
        assert message.status == OutboxMessage.Status.SENT
        assert message.sent_at is not None and message.attempts == 1
    assert outbox_send_due().total == 0
    assert len(smtp.sink.received) == 3


@pytest.mark.django_db
def test_a_stopped_server_loses_nothing_and_the_mail_goes_once_it_is_back(smtp):
    with time_machine.travel(T0, tick=False):
        smtp.stop()
        messages = write(2)
        report = outbox_send_due()
        assert report.failed == 2 and report.sent == 0
        assert report.next_attempt_at == T0 + datetime.timedelta(minutes=1)
        for message in messages:
            message = status_of(message)
            assert message.status == OutboxMessage.Status.PENDING
            assert message.attempts == 1
            assert message.last_error  # e.g. "ConnectionRefusedError: [Errno 111] ..."
            assert "Isi pesan" not in message.last_error
            assert message.next_attempt_at == T0 + datetime.timedelta(minutes=1)
        smtp.start()
        assert outbox_send_due().total == 0  # backing off: not due yet
    with time_machine.travel(T0 + datetime.timedelta(minutes=1, seconds=1), tick=False):
        assert outbox_send_due().sent == 2
        assert outbox_send_due().total == 0
    assert sorted(smtp.subjects) == ["Pesan 0", "Pesan 1"]
    assert all(status_of(m).status == OutboxMessage.Status.SENT for m in messages)
    assert all(status_of(m).last_error == "" for m in messages)


def test_backoff_doubles_and_is_capped():
    minutes = [backoff(n).total_seconds() / 60 for n in range(1, 6)]
    assert minutes == [1, 2, 4, 8, 16]
    assert backoff(30) == datetime.timedelta(hours=12)


@pytest.mark.django_db
def test_after_the_maximum_attempts_a_message_is_failed_and_left_alone(smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp.stop()
    now = T0
    (message,) = write()
    seen = []
    for _attempt in range(3):
        with time_machine.travel(now, tick=False):
            outbox_send_due()
        message = status_of(message)
        seen.append((message.status, message.attempts))
        if message.next_attempt_at:
            assert message.next_attempt_at - now == backoff(message.attempts)
            now = message.next_attempt_at
    assert seen == [("pending", 1), ("pending", 2), ("failed", 3)]
    assert message.next_attempt_at is None
    smtp.start()
    with time_machine.travel(now + datetime.timedelta(days=2), tick=False):
        assert outbox_send_due().total == 0
    assert smtp.sink.received == []


@pytest.mark.django_db
def test_a_refused_recipient_fails_alone_and_the_error_names_no_content(smtp):
    good, bad = write(1)[0], write(1, to=REFUSED)[0]
    report = outbox_send_due()
    assert report.sent == 1 and report.failed == 1
    assert status_of(good).status == OutboxMessage.Status.SENT
    bad = status_of(bad)
    assert bad.status == OutboxMessage.Status.PENDING
    assert "SMTPRecipientsRefused" in bad.last_error and REFUSED in bad.last_error
    assert "Isi pesan" not in bad.last_error


@pytest.mark.django_db
def test_a_claimed_batch_is_not_claimed_again():
    write(3)
    first = _claim(T0, 2)
    second = _claim(T0, 10)
    assert len(first) == 2 and len(second) == 1
    assert not {m.pk for m in first} & {m.pk for m in second}
    assert _claim(T0, 10) == []
    # A worker that died mid-send leaves the rows PENDING: after the lease they are due again.
    assert len(_claim(T0 + datetime.timedelta(hours=1), 10)) == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_a_message_twice(smtp):
    write(40)
    errors = []

    def worker():
        try:
            outbox_send_due()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(smtp.subjects) == sorted(f"Pesan {i}" for i in range(40))
    assert OutboxMessage.objects.filter(status="sent").count() == 40


@pytest.mark.django_db
def test_the_send_task_is_enqueued_once_per_transaction_after_commit(
    django_capture_on_commit_callbacks, settings
):
    settings.OUTBOX_DELIVERY = "store"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            messages = write(3)
            assert all(status_of(m).status == "pending" for m in messages)
    assert len(callbacks) == 1
    # The immediate task backend ran send_outbox on commit.
    assert all(status_of(m).status == OutboxMessage.Status.STORED for m in messages)


@pytest.mark.django_db
def test_with_the_database_queue_a_committed_write_leaves_one_task_row(
    django_capture_on_commit_callbacks, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        write(2)
    (row,) = DBTaskResult.objects.all()
    assert row.task_path == "ppid.core.tasks.send_outbox"


@pytest.mark.django_db(transaction=True)
def test_commits_while_a_send_task_waits_unclaimed_add_no_task(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for _ in range(3):
        with transaction.atomic():
            write(1)
    # The waiting task will read all three commits' messages.
    assert DBTaskResult.objects.count() == 1
    DBTaskResult.objects.update(status="RUNNING")  # a worker claimed it
    with transaction.atomic():
        write(1)
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_the_task_schedules_itself_for_the_earliest_retry(smtp, settings):
    from django_tasks_db.models import DBTaskResult

    from ppid.core.tasks import send_outbox

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    smtp.stop()
    with time_machine.travel(T0, tick=False):
        write(1)
        assert send_outbox.call() == {"sent": 0, "failed": 1, "gave_up": 0, "stored": 0}
    (row,) = DBTaskResult.objects.all()
    assert row.run_after == T0 + datetime.timedelta(minutes=1)


@pytest.mark.django_db
def test_a_rolled_back_step_leaves_no_message():
    with pytest.raises(RuntimeError), transaction.atomic():
        write(1)
        raise RuntimeError
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_the_send_command_reports_progress(smtp, capsys):
    write(2)
    call_command("outbox_send")
    out = capsys.readouterr().out
    assert "Delivery: smtp" in out and "Done: sent 2" in out


def test_tokens_in_links_are_cut_out_for_officers():
    body = (
        "Lacak: https://ppid.example/lacak/AbCdEfGhIjKlMnOpQrStUvWx12/ dan "
        "https://ppid.example/unduh?t=Zz0123456789abcdefghijKL"
    )
    text = redact_tokens(body)
    assert "AbCdEfGhIjKlMnOpQrStUvWx12" not in text and "Zz0123456789" not in text
    assert "https://ppid.example/lacak/…/" in text
    assert redact_tokens("Nomor PPID-DINAS-A/PERMOHONAN/2026/00001") == (
        "Nomor PPID-DINAS-A/PERMOHONAN/2026/00001"
    )


# --- the back-office viewer -------------------------------------------------------------


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def office_message(office_a):
    return outbox_write(
        to="warga@example.org",
        subject="[DINAS-A/1] Permohonan diterima",
        body="Lacak: https://ppid.example/lacak/AbCdEfGhIjKlMnOpQrStUvWx12/",
        office=office_a,
    )


@pytest.fixture
def system_message(db):
    return outbox_write(to="admin@example.org", subject="Sistem", body="tanpa kantor")


def test_anonymous_users_are_sent_to_the_login_page(client, office_message):
    for url in (
        "/admin/outbox/",
        f"/admin/outbox/{office_message.uid}/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    response = client.post(f"/admin/outbox/{office_message.uid}/retry/")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("persona", ["officer_a", "atasan"])
def test_officers_other_than_the_ppid_utama_get_404(client, request, persona, office_message):
    login(client, request.getfixturevalue(persona))
    assert client.get("/admin/outbox/").status_code == 404
    assert client.get(f"/admin/outbox/{office_message.uid}/").status_code == 404
    assert client.post(f"/admin/outbox/{office_message.uid}/retry/").status_code == 404


def test_a_former_officer_is_not_let_in(client, expired_officer, office_message):
    login(client, expired_officer)
    response = client.get(f"/admin/outbox/{office_message.uid}/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_bodys_ppid_utama_sees_none_of_ours(client, outsider, office_message):
    login(client, outsider)
    response = client.get("/admin/outbox/")
    assert response.status_code == 200
    assert "Permohonan diterima" not in response.content.decode()
    assert client.get(f"/admin/outbox/{office_message.uid}/").status_code == 404
    assert client.post(f"/admin/outbox/{office_message.uid}/retry/").status_code == 404


def test_the_ppid_utama_sees_its_offices_messages_with_tokens_cut_out(
    client, utama_officer, office_message, system_message
):
    login(client, utama_officer)
    listing = client.get("/admin/outbox/").content.decode()
    assert "Permohonan diterima" in listing and "Sistem" not in listing
    assert "stored" in listing or "OUTBOX_DELIVERY" in listing
    detail = client.get(f"/admin/outbox/{office_message.uid}/")
    assert detail.status_code == 200
    assert "AbCdEfGhIjKlMnOpQrStUvWx12" not in detail.content.decode()
    assert client.get(f"/admin/outbox/{system_message.uid}/").status_code == 404


def test_the_superuser_sees_every_message_and_can_filter(client, superuser, office_message):
    system = outbox_write(to="admin@example.org", subject="Sistem", body="x")
    OutboxMessage.objects.filter(pk=system.pk).update(status="failed", last_error="boom")
    login(client, superuser)
    listing = client.get("/admin/outbox/").content.decode()
    assert "Permohonan diterima" in listing and "Sistem" in listing
    failed = client.get("/admin/outbox/?status=failed").content.decode()
    assert "Sistem" in failed and "Permohonan diterima" not in failed
    assert client.get("/admin/outbox/?status=<script>").status_code == 200


def test_retry_now_requeues_a_failed_message_with_an_event(client, utama_officer, office_message):
    OutboxMessage.objects.filter(pk=office_message.pk).update(
        status="failed", attempts=10, last_error="SMTPServerDisconnected"
    )
    login(client, utama_officer)
    response = client.post(f"/admin/outbox/{office_message.uid}/retry/")
    assert response.status_code == 302
    message = status_of(office_message)
    assert message.status == OutboxMessage.Status.PENDING and message.next_attempt_at is None
    (event,) = events_for(message)
    assert event.action == "outbox_retried" and event.actor == utama_officer


def test_a_sent_message_is_not_sent_again(client, utama_officer, office_message):
    OutboxMessage.objects.filter(pk=office_message.pk).update(status="sent")
    login(client, utama_officer)
    client.post(f"/admin/outbox/{office_message.uid}/retry/")
    assert status_of(office_message).status == OutboxMessage.Status.SENT
    assert not events_for(office_message).exists()
    assert client.get(f"/admin/outbox/{office_message.uid}/retry/").status_code == 405
