"""Personal data (domain.md §6, §13.3 PD, §17 #11): masking, who sees it unmasked, the
access log, and the retention purge that blanks it and keeps the request."""

import datetime
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.template import Context, Template
from django.utils import timezone

from ppid.core.events import events_for
from ppid.core.models import Event, OutboxMessage
from ppid.foi.models import InformationRequest, PersonalDataAccess, ServiceSettings
from ppid.foi.privacy import (
    log_personal_data_access,
    mask_address,
    mask_nik,
    mask_phone,
    personal_data_visible,
    purge_candidates,
    request_purge_personal_data,
)

from .conftest import VALID_NIK

PHONE = "081234567890"
ADDRESS = "Jl. Tjilik Riwut No. 1, Palangka Raya"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("6271015505900003", "6271••••••••0003"),
        ("", ""),
        ("12345", "•••45"),
    ],
)
def test_mask_nik(value, masked):
    assert mask_nik(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("081234567890", "0812••••••90"),
        ("0812 3456 7890", "0812••••••90"),
        ("12345", "•••45"),
        ("7", "•"),
        ("", ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("Jl. Tjilik Riwut No. 1, Palangka Raya", "Jl. Tjilik …"),
        ("Palangka Raya", "Palangka …"),
        ("Sampit", "Sampit …"),
        ("", ""),
    ],
)
def test_mask_address(value, masked):
    assert mask_address(value) == masked


def test_the_template_filters_mask():
    template = Template(
        "{% load foi_privacy %}{{ nik|mask_nik }} {{ phone|mask_phone }} {{ address|mask_address }}"
    )
    text = template.render(Context({"nik": VALID_NIK, "phone": PHONE, "address": ADDRESS}))
    assert text == "6271••••••••0001 0812••••••90 Jl. Tjilik …"


@pytest.fixture
def req(make_request, officer_a):
    return make_request(requester={"phone": PHONE, "address": ADDRESS, "fax": "0536-123"})


def test_only_the_handlers_see_personal_data(req, officer_a, officer_b, outsider, atasan):
    assert personal_data_visible(officer_a, req)
    for user in (officer_b, outsider, atasan, AnonymousUser()):
        assert not personal_data_visible(user, req)


def test_every_unmasked_view_is_logged(req, officer_a):
    log_personal_data_access(officer_a, req, "case page")
    (row,) = PersonalDataAccess.objects.all()
    assert (row.user, row.request, row.what) == (officer_a, req, "case page")


def test_the_submission_leaves_no_personal_data_in_events_or_officers_mails(req):
    secrets = [VALID_NIK, PHONE, ADDRESS]
    for event in Event.objects.all():
        dump = json.dumps(event.changes) + event.reason
        assert not any(secret in dump for secret in secrets), event.action
    for message in OutboxMessage.objects.all():
        assert not any(secret in message.subject + message.body for secret in secrets)


# --- retention purge ----------------------------------------------------------------------


def closed(request, years_ago: float, status=InformationRequest.Status.CLOSED):
    InformationRequest.objects.filter(pk=request.pk).update(
        status=status,
        closed_at=timezone.now() - datetime.timedelta(days=int(365.25 * years_ago)),
    )
    request.refresh_from_db()
    return request


@pytest.fixture
def old_request(req):
    req.id_scan.save("ktp.png", ContentFile(b"\x89PNG scan"), save=False)
    req.proxy_nik = "6271015505900002"
    req.proxy_address = "Jl. Kuasa No. 2"
    req.proxy_contact = "0812999"
    req.proxy_letter.save("kuasa.pdf", ContentFile(b"%PDF-1.4 kuasa"), save=False)
    req.save()
    return closed(req, 6)


def test_only_requests_closed_longer_than_the_retention_are_candidates(
    make_request, old_request, office_b
):
    recent = closed(make_request(), 4)
    withdrawn = closed(make_request(), 6, status=InformationRequest.Status.WITHDRAWN)
    still_open = make_request()
    candidates = set(purge_candidates())
    assert candidates == {old_request, withdrawn}
    assert recent not in candidates and still_open not in candidates


def test_a_bodys_own_retention_wins_and_zero_means_never(make_request, old_request, office_a):
    recent = closed(make_request(), 4)
    ServiceSettings.objects.create(body=office_a.body, retention_years=3)
    assert set(purge_candidates()) == {old_request, recent}
    ServiceSettings.objects.filter(body=office_a.body).update(retention_years=0)
    assert not purge_candidates().exists()


def test_the_dry_run_lists_and_changes_nothing(old_request, capsys):
    call_command("foi_purge_personal_data", "--dry-run")
    out = capsys.readouterr().out
    assert old_request.registration_number in out and "1 request(s) would be purged" in out
    assert VALID_NIK not in out and PHONE not in out
    old_request.refresh_from_db()
    assert old_request.nik == VALID_NIK and old_request.purged_at is None
    assert old_request.id_scan.storage.exists(old_request.id_scan.name)
    assert not events_for(old_request).filter(action="personal_data_purged").exists()


def test_the_purge_blanks_personal_data_and_keeps_the_request(
    old_request, capsys, django_capture_on_commit_callbacks
):
    storage = old_request.id_scan.storage
    files = [old_request.id_scan.name, old_request.proxy_letter.name]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("foi_purge_personal_data")
    assert "Purged the personal data of 1 request(s)." in capsys.readouterr().out
    row = InformationRequest.objects.get(pk=old_request.pk)
    for name in ("nik", "phone", "address", "fax", "proxy_nik", "proxy_address", "proxy_contact"):
        assert getattr(row, name) == "", name
    assert not row.id_scan and not row.proxy_letter
    assert not any(storage.exists(name) for name in files)
    # What stays: the register entry.
    assert row.registration_number == old_request.registration_number
    assert row.requester_name == "Siti Warga" and row.information and row.email
    assert row.purged_at is not None
    (event,) = events_for(row).filter(action="personal_data_purged")
    assert set(event.changes["fields"]) == {"nik", "phone", "address", "fax", "proxy_nik",
                                            "proxy_address", "proxy_contact"}  # fmt: skip
    assert event.changes["files"] == ["id_scan", "proxy_letter"]
    assert VALID_NIK not in json.dumps(event.changes) + event.reason
    # Purged once: a second run finds nothing.
    assert not purge_candidates().exists()
    assert request_purge_personal_data(row) is False
    assert events_for(row).filter(action="personal_data_purged").count() == 1


def test_the_files_go_only_when_the_purge_commits(old_request):
    storage, name = old_request.id_scan.storage, old_request.id_scan.name
    request_purge_personal_data(old_request)  # the test's transaction never commits
    assert storage.exists(name)
