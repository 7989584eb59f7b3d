"""E-mails to requesters and officers (issue 3 §4): one per step, in the site's language,
written to the outbox; officers' mails never carry the requester's NIK, phone or address."""

import datetime

import pytest
from django.utils import translation

from ppid.core.models import OutboxMessage
from ppid.foi.notifications import (
    OFFICE_SUBJECTS,
    REQUESTER_SUBJECTS,
    notify_office,
    notify_requester,
    office_recipients,
)
from ppid.organizations.models import Role
from tests.factories import AppointmentFactory, UserFactory

from .conftest import VALID_NIK

PHONE = "081298765432"
ADDRESS = "Jl. Rahasia Sekali No. 77"

# What the services pass with each kind (ppid/foi/services.py, ppid/foi/objections.py).
REQUESTER_CONTEXT = {
    "submitted": {"tracking_url": "https://ppid.example/permohonan/lacak/TOKEN/"},
    "forwarded": {},
    "notice_sent": {"decision": "Diterima sebagian"},
    "extended": {"reasons": "Dokumen tersebar", "due_date": datetime.date(2026, 3, 27)},
    "fee_due": {"total": 12500},
    "handed_over": {
        "method": "E-mail",
        "download_url": "https://ppid.example/unduh/TOKEN/",
        "expires_at": datetime.datetime(2026, 4, 1, 3, 0, tzinfo=datetime.UTC),
    },
    "closed": {"survey_url": "https://ppid.example/permohonan/lacak/"},
    "late": {"due_date": datetime.date(2026, 3, 18)},
    "objection_filed": {
        "objection_number": "KBR/2026/00001",
        "due_date": datetime.date(2026, 4, 30),
        "filed_late": True,
    },
    "objection_decided": {
        "objection_number": "KBR/2026/00001",
        "decision": "Menguatkan",
        "dispute_due_date": datetime.date(2026, 5, 20),
    },
    "objection_unanswered": {
        "objection_number": "KBR/2026/00001",
        "dispute_due_date": datetime.date(2026, 5, 20),
    },
}
OFFICE_CONTEXT = {
    "received": {"due_date": datetime.date(2026, 3, 18)},
    "assigned": {"internal_due_date": datetime.date(2026, 3, 13)},
    "due_soon": {"due_date": datetime.date(2026, 3, 18)},
    "overdue": {"due_date": datetime.date(2026, 3, 18)},
    "objection_filed": REQUESTER_CONTEXT["objection_filed"],
    "objection_decided": REQUESTER_CONTEXT["objection_decided"],
    "objection_unanswered": REQUESTER_CONTEXT["objection_unanswered"],
}


@pytest.fixture
def req(make_request, officer_a):
    request = make_request(requester={"phone": PHONE, "address": ADDRESS})
    OutboxMessage.objects.all().delete()  # the submission's own mails; tested below
    return request


def test_every_kind_the_services_use_has_a_subject_and_a_body():
    assert set(REQUESTER_CONTEXT) == set(REQUESTER_SUBJECTS)
    assert set(OFFICE_CONTEXT) == set(OFFICE_SUBJECTS)


@pytest.mark.parametrize("kind", sorted(REQUESTER_CONTEXT))
def test_each_requester_mail_names_the_request_and_goes_to_the_requester(req, kind):
    notify_requester(req, kind, **REQUESTER_CONTEXT[kind])
    (message,) = OutboxMessage.objects.all()
    assert message.to == "warga@example.org"
    assert message.kind == f"requester:{kind}"
    assert message.office == req.office and message.subject_object == req
    assert req.registration_number in message.subject + message.body
    assert "{{" not in message.body and "{%" not in message.body
    assert "&amp;" not in message.body and "&#" not in message.body  # plain text, unescaped
    assert VALID_NIK not in message.body


@pytest.mark.parametrize("kind", sorted(OFFICE_CONTEXT))
def test_officers_mails_never_carry_nik_phone_or_address(req, kind, office_a):
    notify_office(office_a, kind, req, **OFFICE_CONTEXT[kind])
    messages = list(OutboxMessage.objects.all())
    assert [m.to for m in messages] == ["alice@example.test"]
    for message in messages:
        text = message.subject + message.body
        assert req.registration_number in text
        for secret in (VALID_NIK, PHONE, ADDRESS, "Rahasia"):
            assert secret not in text
        assert f"/admin/foi/requests/{req.uid}/" in message.body


def test_the_submitted_mail_has_the_tracking_link_and_the_due_date_in_indonesian(req):
    req.due_date = datetime.date(2026, 3, 18)
    with translation.override("en"):  # an English-speaking officer's request thread
        notify_requester(req, "submitted", **REQUESTER_CONTEXT["submitted"])
    (message,) = OutboxMessage.objects.all()
    assert "https://ppid.example/permohonan/lacak/TOKEN/" in message.body
    assert "Rabu, 18 Maret 2026" in message.body
    assert "10" in message.body  # D2 in working days


def test_the_extension_mail_gives_reasons_and_the_new_date(req):
    notify_requester(req, "extended", **REQUESTER_CONTEXT["extended"])
    body = OutboxMessage.objects.get().body
    assert "Dokumen tersebar" in body and "27 Maret 2026" in body


def test_the_fee_mail_shows_the_amount_in_rupiah(req):
    notify_requester(req, "fee_due", total=12500)
    assert "Rp12.500" in OutboxMessage.objects.get().body


def test_the_handover_mail_carries_the_download_link(req):
    notify_requester(req, "handed_over", **REQUESTER_CONTEXT["handed_over"])
    assert "https://ppid.example/unduh/TOKEN/" in OutboxMessage.objects.get().body


def test_the_late_mail_says_the_requester_may_now_object(req):
    notify_requester(req, "late", due_date=datetime.date(2026, 3, 18))
    body = OutboxMessage.objects.get().body
    assert "35(1)(c)" in body and "18 Maret 2026" in body


def test_a_requester_without_e_mail_gets_no_mail(req):
    req.email = ""
    notify_requester(req, "forwarded")
    assert not OutboxMessage.objects.exists()


def test_an_unknown_kind_is_a_programming_error(req, office_a):
    with pytest.raises(ValueError):
        notify_requester(req, "birthday")
    with pytest.raises(ValueError):
        notify_office(office_a, "birthday", req)


def test_recipients_are_the_current_officers_and_the_office_address(
    office_a, officer_a, expired_officer, atasan, utama
):
    office_a.email = "ppid@dinas-a.example"
    desk = AppointmentFactory(
        office=office_a, role=Role.SERVICE_DESK, user=UserFactory(username="desk")
    ).user
    AppointmentFactory(office=office_a, role=Role.LEADER, user=UserFactory(username="boss"))
    assert office_recipients(office_a, "received") == sorted(
        ["alice@example.test", desk.email, "ppid@dinas-a.example"]
    )
    # The Atasan PPID hears about objections, not about every request.
    assert atasan.email not in office_recipients(utama, "received")
    assert atasan.email in office_recipients(utama, "objection_filed")


def test_the_submission_writes_the_requester_and_office_mails(make_request, officer_a):
    request = make_request()
    kinds = sorted(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == ["office:received", "requester:submitted"]
    requester_mail = OutboxMessage.objects.get(kind="requester:submitted")
    assert "/permohonan/lacak/" in requester_mail.body
    assert request.registration_number in requester_mail.subject
    # Both are rendered before the number is taken; the number replaces the stand-in.
    for mail in OutboxMessage.objects.all():
        assert (
            request.registration_number in mail.subject and request.registration_number in mail.body
        )
        assert "\x00" not in mail.subject + mail.body
