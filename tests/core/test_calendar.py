"""The working-day calendar (domain.md §9–§11): deadlines counted as the conventions C1–C8
say, seeded from holidays 0.109 (F40–F42), and changed only by the PPID Utama with a
revision, an event and a recomputation signal (F44)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ppid.core.calendar import (
    Policy,
    add_working_days,
    calendar_changed,
    calendar_day_add,
    calendar_day_remove,
    calendar_seed,
    default_seed_years,
    due_date,
    policy_for,
    policy_update,
    region_for,
    seed_origin,
)
from ppid.core.events import events_for
from ppid.core.models import CalendarDay, CalendarRevision, CountingPolicy, Event
from tests.factories import BodyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


WIB = ZoneInfo("Asia/Jakarta")
DEFAULT = Policy()  # C4: cuti bersama are non-working days
CUTI_WORKING = Policy(cuti_bersama_is_working_day=True)


def wib(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=WIB)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def seeded(db):
    calendar_seed([2025, 2026])


# --- deadlines: table-driven (C1–C4, C7; worked example of §10) -----------------------------

DEADLINES = [
    # (case, received_at, policy, working days, counting from, due date)
    # §10 worked example, D2 (F18): received Wednesday 26 March 2025.
    ("§10 D2 default", wib(2025, 3, 26, 10), DEFAULT, 10, "2025-03-26", "2025-04-21"),
    ("§10 D2 cuti working", wib(2025, 3, 26, 10), CUTI_WORKING, 10, "2025-03-26", "2025-04-11"),
    # §10 worked example, D2 + 7 (F19) counted in one go.
    ("§10 D3 default", wib(2025, 3, 26, 10), DEFAULT, 17, "2025-03-26", "2025-04-30"),
    ("§10 D3 cuti working", wib(2025, 3, 26, 10), CUTI_WORKING, 17, "2025-03-26", "2025-04-23"),
    # Lebaran 2026 (F41): cuti bersama 18, 20, 23, 24 Mar; Nyepi 19 Mar; Idul Fitri 21–22 Mar.
    ("Lebaran 2026 default", wib(2026, 3, 16, 10), DEFAULT, 10, "2026-03-16", "2026-04-07"),
    ("Lebaran 2026 cuti working", wib(2026, 3, 16, 10), CUTI_WORKING, 10, "2026-03-16",
     "2026-03-31"),
    # Received on a cuti bersama day: day 0 is the next working day under the policy (C2).
    ("On cuti 20 Mar 2026 default", wib(2026, 3, 20, 10), DEFAULT, 10, "2026-03-25", "2026-04-09"),
    ("On cuti 20 Mar 2026 cuti working", wib(2026, 3, 20, 10), CUTI_WORKING, 10, "2026-03-20",
     "2026-04-06"),
    # Year end: Christmas 25 Dec, cuti bersama 26 Dec 2025, New Year 1 Jan 2026.
    ("Year end default", wib(2025, 12, 23, 10), DEFAULT, 10, "2025-12-23", "2026-01-09"),
    ("Year end cuti working", wib(2025, 12, 23, 10), CUTI_WORKING, 10, "2025-12-23", "2026-01-08"),
    # C2: after the service closes (16:00), day 0 is the next working day.
    ("Before closing", wib(2025, 1, 14, 15, 59), DEFAULT, 10, "2025-01-14", "2025-01-31"),
    ("After closing", wib(2025, 1, 14, 16, 30), DEFAULT, 10, "2025-01-15", "2025-02-03"),
    # C2: received on a Saturday: day 0 is Monday.
    ("Weekend receipt", wib(2025, 1, 11, 10), DEFAULT, 10, "2025-01-13", "2025-01-30"),
    # C7: 20:00 UTC on 25 March is 03:00 WIB on 26 March: the local date counts.
    ("UTC converted to WIB", datetime.datetime(2025, 3, 25, 20, tzinfo=datetime.UTC), DEFAULT, 10,
     "2025-03-26", "2025-04-21"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("received_at", "policy", "working_days", "counting_from", "expected"),
    [case[1:] for case in DEADLINES],
    ids=[case[0] for case in DEADLINES],
)
def test_the_deadline_is_counted_as_the_conventions_say(
    seeded, received_at, policy, working_days, counting_from, expected
):
    due = due_date(received_at, working_days, policy=policy)
    assert (due.counting_from, due.due_date) == (d(counting_from), d(expected))


def test_the_worked_example_extends_d2_by_seven_working_days(seeded):
    # §10: D3 = end of D2 + 7 hk (F19).
    for policy, d2, d3 in [(DEFAULT, "2025-04-21", "2025-04-30"),
                           (CUTI_WORKING, "2025-04-11", "2025-04-23")]:  # fmt: skip
        due = due_date(wib(2025, 3, 26, 10), 10, policy=policy)
        assert due.due_date == d(d2)
        assert add_working_days(due.due_date, 7, policy)[0] == d(d3)


def test_the_skipped_days_name_their_reasons(seeded):
    due = due_date(wib(2025, 3, 26, 10), 10, policy=DEFAULT)
    reasons = {s.date: s.reason for s in due.skipped}
    assert reasons[d("2025-03-28")] == "Cuti Bersama Hari Suci Nyepi"
    assert reasons[d("2025-03-31")] == "Hari Raya Idul Fitri"
    assert reasons[d("2025-04-18")] == "Wafat Yesus Kristus"
    assert d("2025-03-30") in reasons  # a Sunday
    assert all(s.date > due.counting_from for s in due.skipped)


def test_a_receipt_after_hours_is_flagged_and_one_before_is_not(seeded):
    assert due_date(wib(2025, 1, 14, 16, 30), 10, policy=DEFAULT).after_hours
    assert not due_date(wib(2025, 1, 14, 15, 59), 10, policy=DEFAULT).after_hours
    no_cutoff = Policy(service_closes=None)
    assert due_date(wib(2025, 1, 14, 23, 59), 10, policy=no_cutoff).counting_from == d("2025-01-14")


def test_a_replacement_working_day_counts(seeded, superuser):
    calendar_day_add(
        date=d("2025-04-12"), name="Hari kerja pengganti", kind="hari_kerja_pengganti",
        source="SE Sekda 1/2025", actor=superuser, reason="Test",
    )  # fmt: skip
    assert due_date(wib(2025, 3, 26, 10), 10, policy=policy_for()).due_date == d("2025-04-17")


def test_a_six_day_work_week_counts_saturdays(seeded):
    six_days = Policy(work_week="123456")
    # 27 Mar (1), Sat 5 Apr (2), 8–12 Apr (3–7), 14–16 Apr (8–10): Saturdays count.
    assert due_date(wib(2025, 3, 26, 10), 10, policy=six_days).due_date == d("2025-04-16")


def test_a_regional_holiday_counts_only_in_its_region(seeded, superuser):
    calendar_day_add(
        date=d("2025-03-27"), name="Hari jadi provinsi", kind="libur_daerah", region="62",
        source="Pergub 1/2025", actor=superuser, reason="Test",
    )  # fmt: skip
    kalteng = BodyFactory(code="BPS 62 / Kemendagri 62")
    palangka_raya = BodyFactory(code="BPS 6271 / Kemendagri 62.71")
    agency = BodyFactory(parent=kalteng)
    elsewhere = BodyFactory(code="BPS 63 / Kemendagri 63")
    national = BodyFactory(code="")
    received = wib(2025, 3, 26, 10)
    for body in (kalteng, palangka_raya, agency):
        assert due_date(received, 10, body=body).due_date == d("2025-04-22")
    for body in (elsewhere, national):
        assert due_date(received, 10, body=body).due_date == d("2025-04-21")


@pytest.mark.parametrize(
    ("code", "parent_code", "region"),
    [
        ("BPS 62 / Kemendagri 62", "", "62"),
        ("BPS 6202 / Kemendagri 62.02", "", "62.02"),
        ("62.71", "", "62.71"),
        ("", "BPS 62 / Kemendagri 62", "62"),
        ("ABC-1", "", ""),
        ("", "", ""),
    ],
)
def test_a_body_takes_its_region_from_its_code_or_its_parent(code, parent_code, region):
    parent = BodyFactory(code=parent_code)
    assert region_for(BodyFactory(code=code, parent=parent)) == region


def test_the_policy_round_trips_through_its_stored_form():
    policy = Policy(
        cuti_bersama_is_working_day=True, work_week="123456", service_closes=None,
        calendar_version=7, region="62",
    )  # fmt: skip
    assert Policy.from_dict(policy.as_dict()) == policy
    assert policy.as_dict()["work_week"] == [1, 2, 3, 4, 5, 6]


# --- properties (hypothesis) ----------------------------------------------------------------


def _off_days(policy: Policy) -> tuple[set, set]:
    """An independent reading of the table: the non-working and replacement dates."""
    rows = CalendarDay.objects.filter(removed_at__isnull=True, region="")
    extra = {r.date for r in rows if r.kind == "hari_kerja_pengganti"}
    off = {
        r.date
        for r in rows
        if r.kind != "hari_kerja_pengganti"
        and not (r.kind == "cuti_bersama" and policy.cuti_bersama_is_working_day)
    }
    return off, extra


def _is_working(day: datetime.date, policy: Policy, off: set, extra: set) -> bool:
    if day in extra:
        return True
    return day not in off and str(day.isoweekday()) in policy.work_week


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    # Hypothesis takes naive bounds; the time zone is attached in the test (C7: WIB).
    received=st.datetimes(
        min_value=datetime.datetime(2025, 1, 1),  # noqa: DTZ001
        max_value=datetime.datetime(2026, 6, 30),  # noqa: DTZ001
    ),
    working_days=st.integers(min_value=1, max_value=60),
    cuti_working=st.booleans(),
)
def test_exactly_n_working_days_end_on_a_working_day(seeded, received, working_days, cuti_working):
    policy = Policy(cuti_bersama_is_working_day=cuti_working)
    due = due_date(received.replace(tzinfo=WIB), working_days, policy=policy)
    off, extra = _off_days(policy)
    assert _is_working(due.due_date, policy, off, extra)
    assert _is_working(due.counting_from, policy, off, extra)
    assert due.counting_from >= received.date()
    days = [
        due.counting_from + datetime.timedelta(days=i)
        for i in range(1, (due.due_date - due.counting_from).days + 1)
    ]
    assert sum(_is_working(day, policy, off, extra) for day in days) == working_days


# --- seeding (F40–F42, F44) -----------------------------------------------------------------


@pytest.mark.parametrize(("year", "public", "government"), [(2025, 17, 11), (2026, 17, 8)])  # F41
def test_seeding_adds_the_holidays_and_cuti_bersama_of_the_year(year, public, government):
    (result,) = calendar_seed([year])
    assert (result.added_public, result.added_government) == (public, government)
    days = CalendarDay.objects.filter(date__year=year)
    assert days.filter(kind="cuti_bersama").count() == government
    assert days.exclude(kind="cuti_bersama").count() == public
    assert set(days.values_list("origin", flat=True)) == {"seed:holidays==0.109"}


def test_seeding_marks_election_days_as_special_and_keeps_estimates_named():
    calendar_seed([2024, 2027])
    specials = CalendarDay.objects.filter(kind="libur_khusus")
    assert set(specials.values_list("date", flat=True)) == {d("2024-02-14"), d("2024-11-27")}
    # F42: estimated dates keep their "(perkiraan)" names.
    assert CalendarDay.objects.get(date=d("2027-03-10")).name.endswith("(perkiraan)")
    # F41: Isra Mikraj falls twice in 2027.
    assert CalendarDay.objects.filter(date__year=2027, name__startswith="Isra Mikraj").count() == 2


def test_seeding_records_the_legal_sources():
    calendar_seed([2025])
    cuti = CalendarDay.objects.get(date=d("2025-12-26"))
    assert cuti.source == "SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024"
    assert CalendarDay.objects.get(date=d("2025-12-25")).source.startswith("Keppres 8/2024")


def test_seeding_ahead_fills_only_the_years_never_seeded(superuser):
    from ppid.core.calendar import calendar_seed_ahead

    calendar_seed([2026])
    # A year whose seeded days were all removed by hand still counts as seeded.
    for day in CalendarDay.objects.filter(date__year=2026):
        calendar_day_remove(day, actor=superuser, reason="Uji")
    assert [r.year for r in calendar_seed_ahead(d("2026-03-01"))] == [2027]
    assert calendar_seed_ahead(d("2026-12-31")) == []
    assert [r.year for r in calendar_seed_ahead(d("2027-01-01"))] == [2028]
    assert not CalendarDay.objects.filter(date__year=2026, removed_at__isnull=True).exists()


def test_seeding_twice_changes_nothing_the_second_time():
    calendar_seed([2025, 2026])
    count, revisions = CalendarDay.objects.count(), CalendarRevision.objects.count()
    results = calendar_seed([2025, 2026])
    assert [r.added for r in results] == [0, 0]
    assert [r.existing for r in results] == [28, 25]
    assert (CalendarDay.objects.count(), CalendarRevision.objects.count()) == (count, revisions)


def test_seeding_never_brings_back_a_day_removed_by_hand(superuser):
    calendar_seed([2025])
    day = CalendarDay.objects.get(date=d("2025-08-18"))
    calendar_day_remove(day, actor=superuser, reason="Cabut: SKB perubahan")
    calendar_seed([2025])
    assert CalendarDay.objects.filter(date=d("2025-08-18")).count() == 1
    assert CalendarDay.objects.get(date=d("2025-08-18")).removed_at is not None


def test_seeding_creates_one_revision_with_an_event():
    calendar_seed([2025, 2026])
    revision = CalendarRevision.objects.get()
    assert "2025 (+28)" in revision.summary and "2026 (+25)" in revision.summary
    (event,) = events_for(revision)
    assert event.action == "calendar_seeded"
    assert event.changes == {"2025": [0, 28], "2026": [0, 25]}


def test_the_seed_command_prints_a_line_per_year(capsys):
    from django.core.management import call_command

    call_command("calendar_seed", "--years", "2025", "2026")
    out = capsys.readouterr().out
    assert "2025: 17 holidays and 11 cuti bersama added, 0 already in the calendar" in out
    assert "2026: 17 holidays and 8 cuti bersama added" in out
    call_command("calendar_seed", "--years", "2025")
    assert "nothing changed" in capsys.readouterr().out
    assert seed_origin() == "seed:holidays==0.109"


def test_the_seed_command_refuses_years_out_of_range():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("calendar_seed", "--years", "1900")
    assert not CalendarDay.objects.exists()


def test_the_default_seed_years_are_last_current_and_next():
    assert default_seed_years(d("2026-05-01")) == [2025, 2026, 2027]


# --- services: who may change the calendar (F44, §10) ---------------------------------------


def _add(actor, **overrides):
    fields = {
        "date": d("2026-12-31"), "name": "Libur tambahan", "kind": "libur_nasional",
        "source": "Keppres 99/2026", "actor": actor, "reason": "Keputusan Presiden baru",
    }  # fmt: skip
    fields.update(overrides)
    return calendar_day_add(**fields)


@pytest.mark.parametrize("persona", ["officer_a", "atasan", "expired_officer", "citizen"])
def test_only_the_ppid_utama_may_change_the_calendar(request, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        _add(user)
    calendar_seed([2026])
    day = CalendarDay.objects.first()
    with pytest.raises(PermissionDenied):
        calendar_day_remove(day, actor=user, reason="x")
    with pytest.raises(PermissionDenied):
        policy_update(None, actor=user, reason="x", cuti_bersama_is_working_day=True)
    assert CalendarDay.objects.filter(origin="manual").count() == 0
    assert CalendarDay.objects.filter(removed_at__isnull=False).count() == 0
    assert not CountingPolicy.objects.exists()


def test_an_anonymous_user_may_not_change_the_calendar():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        _add(AnonymousUser())


@pytest.mark.parametrize("persona", ["utama_officer", "superuser"])
def test_the_ppid_utama_and_superuser_may_add_a_day(request, persona):
    user = request.getfixturevalue(persona)
    day = _add(user)
    assert (day.origin, day.created_by) == ("manual", user)
    (event,) = events_for(day)
    assert (event.action, event.actor, event.reason) == (
        "calendar_day_added",
        user,
        "Keputusan Presiden baru",
    )
    assert event.actor_role == ("ppid_utama" if persona == "utama_officer" else "superuser")
    revision = CalendarRevision.objects.get()
    assert (revision.actor, revision.reason) == (user, "Keputusan Presiden baru")
    assert policy_for().calendar_version == revision.pk


def test_adding_a_day_sends_calendar_changed_once_committed(
    utama_officer, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, revision, actor, **kwargs):
        received.append((revision, actor))

    calendar_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _add(utama_officer)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        calendar_changed.disconnect(listener)
    assert received == [(CalendarRevision.objects.get(), utama_officer)]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"name": ""}, "name"),
        ({"source": ""}, "source"),
        ({"kind": "holiday"}, "kind"),
        ({"kind": "libur_daerah"}, "region"),
        ({"kind": "libur_daerah", "region": "Kalteng"}, "region"),
        ({"kind": "hari_kerja_pengganti", "date": d("2026-12-30")}, "date"),
        ({"name": "x\x00y"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"date": d("1999-12-31")}, "date"),
    ],
)
def test_a_bad_day_is_refused_with_a_message_and_changes_nothing(utama_officer, overrides, field):
    with pytest.raises(ValidationError) as exc:
        _add(utama_officer, **overrides)
    assert field in exc.value.message_dict
    assert not CalendarDay.objects.exists() and not CalendarRevision.objects.exists()


def test_the_same_day_twice_is_refused(utama_officer):
    _add(utama_officer)
    with pytest.raises(ValidationError):
        _add(utama_officer)
    # Another region or kind on the same date is a different row.
    _add(utama_officer, kind="libur_daerah", region="62")
    assert CalendarDay.objects.count() == 2


def test_removing_a_day_keeps_it_with_who_when_and_why(utama_officer):
    day = _add(utama_officer)
    calendar_day_remove(day, actor=utama_officer, reason="Keppres dicabut")
    day.refresh_from_db()
    assert day.removed_at is not None
    assert (day.removed_by, day.removed_reason) == (utama_officer, "Keppres dicabut")
    assert [e.action for e in events_for(day)] == ["calendar_day_added", "calendar_day_removed"]
    assert CalendarRevision.objects.count() == 2
    # The removed day no longer counts: 31 Dec 2026 is a working day again.
    due = due_date(wib(2026, 12, 30, 10), 1, policy=Policy())
    assert due.due_date == d("2026-12-31")
    # ... and the same day may be added again.
    _add(utama_officer)


def test_removing_needs_a_reason_and_happens_once(utama_officer):
    day = _add(utama_officer)
    with pytest.raises(ValidationError):
        calendar_day_remove(day, actor=utama_officer, reason="")
    calendar_day_remove(day, actor=utama_officer, reason="Dicabut")
    with pytest.raises(ValidationError):
        calendar_day_remove(day, actor=utama_officer, reason="Lagi")
    assert Event.objects.filter(action="calendar_day_removed").count() == 1


# --- counting policies (C2–C4) --------------------------------------------------------------


def test_the_default_policy_is_changed_with_an_event(utama_officer):
    row = policy_update(
        None, actor=utama_officer, reason="Kebijakan PPID Utama",
        cuti_bersama_is_working_day=True, service_closes="15:00",
    )  # fmt: skip
    assert row.body is None and row.cuti_bersama_is_working_day
    policy = policy_for()
    assert (policy.cuti_bersama_is_working_day, policy.service_closes) == (
        True,
        datetime.time(15, 0),
    )
    (event,) = events_for(row)
    assert event.action == "counting_policy_changed"
    assert event.changes["cuti_bersama_is_working_day"] == [False, True]
    assert event.changes["service_closes"] == ["16:00:00", "15:00:00"]


def test_a_body_policy_starts_from_the_default_and_overrides_it(utama_officer, office_a):
    policy_update(None, actor=utama_officer, reason="r", service_closes="15:00")
    body = office_a.body
    policy_update(body, actor=utama_officer, reason="r", work_week=[1, 2, 3, 4, 5, 6])
    own = policy_for(body)
    assert (own.work_week, own.service_closes) == ("123456", datetime.time(15, 0))
    assert policy_for().work_week == "12345"


def test_an_unchanged_policy_records_nothing(utama_officer):
    policy_update(None, actor=utama_officer, reason="r", cuti_bersama_is_working_day=True)
    policy_update(None, actor=utama_officer, reason="r", cuti_bersama_is_working_day=True)
    assert CalendarRevision.objects.count() == 1


def test_a_ppid_utama_sets_only_the_policies_of_bodies_under_it(outsider, office_a, other_office):
    with pytest.raises(PermissionDenied):
        policy_update(office_a.body, actor=outsider, reason="r", work_week="123456")
    policy_update(other_office.body, actor=outsider, reason="r", work_week="123456")
    assert policy_for(other_office.body).work_week == "123456"
    assert policy_for(office_a.body).work_week == "12345"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"work_week": ""}, "work_week"),
        ({"work_week": "189"}, "work_week"),
        ({"service_closes": "25:99"}, "service_closes"),
        ({"service_opens": "17:00"}, "service_closes"),
        ({"service_opens": ""}, "service_opens"),
    ],
)
def test_a_bad_policy_is_refused(utama_officer, fields, field):
    with pytest.raises(ValidationError) as exc:
        policy_update(None, actor=utama_officer, reason="r", **fields)
    assert field in exc.value.message_dict
    assert not CountingPolicy.objects.exists()


def test_unknown_policy_settings_and_a_missing_reason_are_refused(utama_officer):
    with pytest.raises(ValidationError):
        policy_update(None, actor=utama_officer, reason="r", weekend="67")
    with pytest.raises(ValidationError):
        policy_update(None, actor=utama_officer, reason="", work_week="12345")
    assert not CountingPolicy.objects.exists()


def test_a_day_added_by_another_process_counts_once_its_revision_exists(seeded):
    """The calendar's days are cached per version (calendar._active_days). A change made
    elsewhere (no signal reaches this process) shows as soon as its revision exists."""
    from ppid.core.calendar import policy_for

    received = wib(2026, 6, 1, 10)
    before = due_date(received, 10, policy=policy_for()).due_date
    # Another process: rows written without this process's signals, then a new version.
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(
                date=d("2026-06-03"), name="Pemilihan (uji)", kind=CalendarDay.Kind.SPECIAL_HOLIDAY
            )
        ]
    )
    assert due_date(received, 10, policy=policy_for()).due_date == before  # same version
    CalendarRevision.objects.create(summary="another process", reason="uji")
    after = due_date(received, 10, policy=policy_for())
    assert after.due_date > before
    assert "Pemilihan (uji)" in [s.reason for s in after.skipped]
