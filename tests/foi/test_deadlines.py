"""Deadlines of requests and objections (D2, D3, D5) from the calendar, and their
recomputation when the calendar changes (C8): stored computed, original and extended dates,
the policy and the calendar version, with an event on every case that changed."""

import datetime
import secrets
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import translation

from ppid.core.calendar import (
    calendar_cache_clear,
    calendar_day_add,
    calendar_day_remove,
    calendar_seed,
    policy_update,
)
from ppid.core.events import events_for
from ppid.core.models import CalendarDay
from ppid.foi.deadlines import (
    alternative_due_date,
    objection_deadline,
    recompute_open_cases,
    request_deadlines,
    request_due_explanation,
)
from ppid.foi.models import Extension, InformationRequest, Objection

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


WIB = ZoneInfo("Asia/Jakarta")
SEQ = iter(range(1, 10_000))


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def seeded(db):
    calendar_seed([2025, 2026])


def make_request(office, received_at, **fields) -> InformationRequest:
    """A request row with the deadlines of its receipt (as request_submit stores them)."""
    seq = next(SEQ)
    request = InformationRequest(
        registration_number=f"TEST/{office.slug}/{seq}",
        number_office=office,
        number_year=received_at.year,
        number_seq=seq,
        body=office.body,
        office=office,
        channel="website",
        received_at=received_at,
        requester_kind="perorangan",
        requester_name="Siti Warga",
        address="Jl. Tjilik Riwut No. 1",
        email="warga@example.org",
        information="Laporan realisasi anggaran",
        purpose="Penelitian",
        obtain_methods=["salinan"],
        tracking_hash=secrets.token_hex(32),
        counting_from=received_at.date(),
        due_date=received_at.date(),
        due_date_original=received_at.date(),
    )
    due = request_deadlines(request)
    request.counting_from = due.counting_from
    request.due_date = request.due_date_original = due.due_date
    request.policy = due.policy.as_dict()
    request.calendar_version = due.calendar_version
    for name, value in fields.items():
        setattr(request, name, value)
    request.save()
    return request


def extend(request, user, working_days=7) -> Extension:
    extension = Extension.objects.create(
        request=request,
        reasons="Dokumen tersebar di beberapa bidang",
        working_days=working_days,
        new_due_date=request.due_date,
        created_by=user,
    )
    due = request_deadlines(request)
    request.due_date = request.due_date_extended = extension.new_due_date = due.due_date
    request.status = InformationRequest.Status.EXTENDED
    request.save()
    extension.save()
    return extension


def make_objection(request, received_at, **fields) -> Objection:
    seq = next(SEQ)
    objection = Objection(
        registration_number=f"KEB/{seq}",
        number_office=request.office,
        number_year=received_at.year,
        number_seq=seq,
        request=request,
        channel="website",
        received_at=received_at,
        grounds=["c"],
        case_description="Tidak ada tanggapan",
        ground_found_on=received_at.date(),
        filing_due_date=received_at.date(),
        due_date=received_at.date(),
    )
    due = objection_deadline(objection)
    objection.due_date = due.due_date
    objection.policy = due.policy.as_dict()
    objection.calendar_version = due.calendar_version
    for name, value in fields.items():
        setattr(objection, name, value)
    objection.save()
    return objection


# --- D2, D3, D5 -----------------------------------------------------------------------------


def test_d2_and_d3_follow_the_worked_example(seeded, office_a, superuser):
    # §10: received Wed 26 Mar 2025: D2 Mon 21 Apr, D3 Wed 30 Apr (default policy).
    request = make_request(office_a, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    due = request_deadlines(request)
    assert (due.due_date, due.due_date_original, due.due_date_extended) == (
        d("2025-04-21"),
        d("2025-04-21"),
        None,
    )
    extend(request, superuser)
    due = request_deadlines(request)
    assert (due.due_date, due.due_date_original, due.due_date_extended) == (
        d("2025-04-30"),
        d("2025-04-21"),
        d("2025-04-30"),
    )
    assert due.working_days == 17


def test_d2_and_d3_when_cuti_bersama_count_as_working_days(seeded, office_a, superuser):
    policy_update(office_a.body, actor=superuser, reason="r", cuti_bersama_is_working_day=True)
    request = make_request(office_a, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    assert request.due_date == d("2025-04-11")
    extend(request, superuser)
    assert request_deadlines(request).due_date == d("2025-04-23")


def test_a_shorter_extension_adds_its_own_working_days(seeded, office_a, superuser):
    request = make_request(office_a, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    extend(request, superuser, working_days=3)
    assert request_deadlines(request).due_date == d("2025-04-24")


def test_d5_is_thirty_working_days_after_the_objection(seeded, office_a):
    request = make_request(office_a, datetime.datetime(2025, 3, 3, 10, tzinfo=WIB))
    objection = make_objection(request, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    # F30: 27 Mar (1), 8–11 Apr (5), 14–17 (9), 21–25 (14), 28–30 (17), 2 May (18), 5–9 (23),
    # 14–16 (26; 12 Waisak, 13 cuti bersama), 19–22 May (30).
    due = objection_deadline(objection)
    assert (due.working_days, due.due_date) == (30, d("2025-05-22"))


# --- recomputation (C8) ---------------------------------------------------------------------


def test_removing_a_day_recomputes_an_open_request_and_logs_it(
    seeded, office_a, utama_officer, django_capture_on_commit_callbacks
):
    request = make_request(office_a, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    assert request.due_date == d("2025-04-21")
    cuti = CalendarDay.objects.get(date=d("2025-03-28"))
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_remove(cuti, actor=utama_officer, reason="SKB perubahan")
    request.refresh_from_db()
    assert (request.due_date, request.due_date_original) == (d("2025-04-17"), d("2025-04-17"))
    (event,) = [e for e in events_for(request) if e.action == "deadline_recomputed"]
    assert event.changes["due_date"] == ["2025-04-21", "2025-04-17"]
    assert event.changes["due_date_original"] == ["2025-04-21", "2025-04-17"]
    assert event.actor == utama_officer and event.actor_role == "system"
    # "version N" in the language active when the change was made (Indonesian: "versi N").
    assert f"versi {request.calendar_version}" in event.reason
    assert request.policy["calendar_version"] == request.calendar_version


def test_adding_a_day_recomputes_the_extended_date_too(
    seeded, office_a, superuser, django_capture_on_commit_callbacks
):
    request = make_request(office_a, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    extension = extend(request, superuser)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_add(
            date=d("2025-04-28"), name="Libur khusus", kind="libur_khusus",
            source="Keppres 1/2025", actor=superuser, reason="Keppres baru",
        )  # fmt: skip
    request.refresh_from_db()
    extension.refresh_from_db()
    assert (request.due_date_original, request.due_date_extended, request.due_date) == (
        d("2025-04-21"),
        d("2025-05-02"),
        d("2025-05-02"),
    )
    assert extension.new_due_date == d("2025-05-02")
    (event,) = [e for e in events_for(request) if e.action == "deadline_recomputed"]
    assert set(event.changes) >= {"due_date", "due_date_extended", "extension.new_due_date"}
    assert "due_date_original" not in event.changes


def test_a_policy_change_recomputes_and_stores_the_policy(
    seeded, office_a, utama_officer, django_capture_on_commit_callbacks
):
    request = make_request(office_a, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    with django_capture_on_commit_callbacks(execute=True):
        policy_update(
            office_a.body, actor=utama_officer, reason="r", cuti_bersama_is_working_day=True
        )
    request.refresh_from_db()
    assert request.due_date == d("2025-04-11")
    assert request.policy["cuti_bersama_is_working_day"] is True
    (event,) = [e for e in events_for(request) if e.action == "deadline_recomputed"]
    assert event.changes["policy"][0]["cuti_bersama_is_working_day"] is False


def test_a_change_elsewhere_only_moves_the_calendar_version(
    seeded, office_a, superuser, django_capture_on_commit_callbacks
):
    request = make_request(office_a, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_add(
            date=d("2026-12-31"), name="Libur", kind="libur_khusus", source="Keppres",
            actor=superuser, reason="r",
        )  # fmt: skip
    old = request.calendar_version
    request.refresh_from_db()
    assert request.calendar_version > old
    assert not [e for e in events_for(request) if e.action == "deadline_recomputed"]


def test_closed_requests_and_decided_objections_are_not_touched(seeded, office_a, superuser):
    received = datetime.datetime(2025, 3, 26, 10, tzinfo=WIB)
    closed = make_request(office_a, received, status=InformationRequest.Status.CLOSED)
    open_request = make_request(office_a, received)
    decided = make_objection(
        open_request, received, status=Objection.Status.GRANTED, decision_reasons="Dibuka"
    )
    decided_due = decided.due_date
    CalendarDay.objects.filter(date=d("2025-03-28")).update(
        removed_at=datetime.datetime(2025, 1, 1, tzinfo=WIB), removed_reason="x"
    )
    # A raw update bypasses the calendar services, which always make a new calendar
    # version (the key of the process's cache of days, calendar._active_days).
    calendar_cache_clear()
    assert recompute_open_cases() == 1  # only the open request
    closed.refresh_from_db()
    decided.refresh_from_db()
    assert closed.due_date == d("2025-04-21")
    assert decided.due_date == decided_due
    assert not events_for(closed).filter(action="deadline_recomputed").exists()
    assert not events_for(decided).filter(action="deadline_recomputed").exists()


def test_an_open_objection_is_recomputed(
    seeded, office_a, superuser, django_capture_on_commit_callbacks
):
    request = make_request(office_a, datetime.datetime(2025, 3, 3, 10, tzinfo=WIB))
    objection = make_objection(request, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    before = objection.due_date
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_remove(
            CalendarDay.objects.get(date=d("2025-04-07")), actor=superuser, reason="r"
        )
    objection.refresh_from_db()
    assert (before, objection.due_date) == (d("2025-05-22"), d("2025-05-21"))
    (event,) = [e for e in events_for(objection) if e.action == "deadline_recomputed"]
    assert event.changes["due_date"] == [before.isoformat(), objection.due_date.isoformat()]


def test_recomputing_twice_changes_nothing_the_second_time(seeded, office_a):
    make_request(office_a, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    CalendarDay.objects.filter(date=d("2025-03-28")).update(
        removed_at=datetime.datetime(2025, 1, 1, tzinfo=WIB), removed_reason="x"
    )
    # A raw update bypasses the calendar services, which always make a new calendar
    # version (the key of the process's cache of days, calendar._active_days).
    calendar_cache_clear()
    assert recompute_open_cases() == 1
    assert recompute_open_cases() == 0


def test_late_since_is_cleared_when_the_new_due_date_is_not_past(seeded, office_a, superuser):
    # Lebaran 2026: stored as if cuti bersama were working days, and marked late on 1 Apr.
    with time_machine.travel(datetime.datetime(2026, 4, 1, 9, tzinfo=WIB), tick=False):
        request = make_request(
            office_a,
            datetime.datetime(2026, 3, 16, 10, tzinfo=WIB),
            due_date=d("2026-03-31"),
            due_date_original=d("2026-03-31"),
            late_since=d("2026-04-01"),
        )
        assert recompute_open_cases() == 1
        request.refresh_from_db()
        assert (request.due_date, request.late_since) == (d("2026-04-07"), None)
        (event,) = events_for(request).filter(action="deadline_recomputed")
        assert event.changes["late_since"] == ["2026-04-01", None]


def test_late_since_stays_when_the_new_due_date_is_still_past(seeded, office_a):
    with time_machine.travel(datetime.datetime(2026, 5, 1, 9, tzinfo=WIB), tick=False):
        request = make_request(
            office_a,
            datetime.datetime(2026, 3, 16, 10, tzinfo=WIB),
            due_date=d("2026-03-31"),
            due_date_original=d("2026-03-31"),
            late_since=d("2026-04-01"),
        )
        recompute_open_cases()
        request.refresh_from_db()
        assert (request.due_date, request.late_since) == (d("2026-04-07"), d("2026-04-01"))


# --- explanation (§10: the due date and the policy used, shown on the case page) -----------


def test_the_explanation_uses_the_stored_policy_and_offers_the_alternative(
    seeded, office_a, superuser
):
    request = make_request(office_a, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    # A later default change does not alter how the stored date is explained.
    policy_update(None, actor=superuser, reason="r", cuti_bersama_is_working_day=True)
    due = request_due_explanation(request)
    assert due.due_date == d("2025-04-21") and not due.policy.cuti_bersama_is_working_day
    assert alternative_due_date(request) == d("2025-04-11")


def test_the_explanation_renders_in_indonesian(seeded, office_a, superuser):
    request = make_request(office_a, datetime.datetime(2025, 3, 26, 16, 30, tzinfo=WIB))
    extend(request, superuser)
    due = request_due_explanation(request)
    with translation.override("id"):
        html = render_to_string(
            "core/includes/deadline_explanation.html",
            {"due": due, "alternative": alternative_due_date(request), "show_alternative": True},
        )
    assert "Kamis, 27 Maret 2025" in html  # day 0 after the 16:00 cut-off (C2)
    assert "16:00" in html
    assert "<details>" in html and "Hari Raya Idul Fitri" in html
    assert "Senin–Jumat" in html
    assert 'datetime="2025-04-22"' in html  # D2 moved one day by the cut-off
    assert request_due_explanation(request).due_date_extended.isoformat() in html


def test_the_explanation_hides_the_alternative_unless_asked(seeded, office_a):
    request = make_request(office_a, datetime.datetime(2025, 3, 26, 10, tzinfo=WIB))
    html = render_to_string(
        "core/includes/deadline_explanation.html",
        {"due": request_due_explanation(request), "alternative": alternative_due_date(request)},
    )
    assert 'datetime="2025-04-11"' not in html
