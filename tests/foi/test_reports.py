"""Statistics, registers and their exports (F14, F15, F27, F31; domain.md §15 items 8, 10),
checked against a small dataset whose numbers are known by hand, around the Idul Fitri 2025
holidays of the §10 worked example."""

import datetime
import io
import itertools
import zoneinfo

import pytest
from django.utils import translation

from ppid.core.calendar import Policy
from ppid.core.models import CalendarDay
from ppid.foi import report_exports, reports
from ppid.foi.models import (
    Channel,
    CourtCase,
    Dispute,
    Fee,
    InformationRequest,
    Notice,
    Objection,
    Outcome,
)
from ppid.organizations.models import Appointment, Role
from tests.factories import AppointmentFactory, UserFactory

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NIK = "6271015505900001"
PHONE = "081234567890"
ADDRESS = "Jl. Rahasia No. 7, Palangka Raya"
_seq = itertools.count(1)

# domain.md §10 worked example: 2025 around Idul Fitri, plus Labour Day (F40).
HOLIDAYS_2025 = [
    (datetime.date(2025, 3, 28), CalendarDay.Kind.CUTI_BERSAMA),
    (datetime.date(2025, 3, 31), CalendarDay.Kind.NATIONAL_HOLIDAY),
    (datetime.date(2025, 4, 1), CalendarDay.Kind.NATIONAL_HOLIDAY),
    (datetime.date(2025, 4, 2), CalendarDay.Kind.CUTI_BERSAMA),
    (datetime.date(2025, 4, 3), CalendarDay.Kind.CUTI_BERSAMA),
    (datetime.date(2025, 4, 4), CalendarDay.Kind.CUTI_BERSAMA),
    (datetime.date(2025, 4, 7), CalendarDay.Kind.CUTI_BERSAMA),
    (datetime.date(2025, 4, 18), CalendarDay.Kind.NATIONAL_HOLIDAY),
    (datetime.date(2025, 5, 1), CalendarDay.Kind.NATIONAL_HOLIDAY),
]
DAY0 = datetime.date(2025, 3, 26)  # Wednesday 26 March 2025 (§10)


def load_holidays() -> None:
    for day, kind in HOLIDAYS_2025:
        CalendarDay.objects.create(date=day, name=f"Libur {day}", kind=kind, origin="manual")


@pytest.fixture
def holidays(db):
    load_holidays()


def make(office, *, received=(2025, 3, 26, 9), counting_from=DAY0, notified=None,
         outcome="", status=InformationRequest.Status.REGISTERED, channel=Channel.WEBSITE,
         policy=None, **fields) -> InformationRequest:  # fmt: skip
    """A request row as the services store it (reads only: the reports never write)."""
    seq = next(_seq)
    received_at = datetime.datetime(*received, tzinfo=WIB)
    values = {
        "registration_number": f"{office.slug.upper()}/PERMOHONAN/{received_at.year}/{seq:05d}",
        "number_office": office,
        "number_year": received_at.year,
        "number_seq": seq,
        "body": office.body,
        "office": office,
        "channel": channel,
        "received_at": received_at,
        "counting_from": counting_from,
        "due_date": counting_from + datetime.timedelta(days=14),
        "due_date_original": counting_from + datetime.timedelta(days=14),
        "policy": (policy or Policy()).as_dict(),
        "requester_kind": "perorangan",
        "requester_name": f"Warga Uji {seq}",
        "nik": NIK,
        "address": ADDRESS,
        "phone": PHONE,
        "email": f"warga{seq}@example.org",
        "occupation": "Peneliti",
        "information": f"Dokumen anggaran nomor {seq}",
        "purpose": "Penelitian",
        "obtain_methods": ["membaca", "salinan"],
        "copy_format": "softcopy",
        "status": status,
        "outcome": outcome,
        "tracking_hash": f"hash-{seq}",
    }
    if notified:
        values["notified_at"] = datetime.datetime(*notified, 10, tzinfo=WIB)
    values.update(fields)
    return InformationRequest.objects.create(**values)


def notice(request, user, *, decision, ground="", reasons="", cost=0, payment=""):
    control = Notice.Control.NOT_HELD if decision == Outcome.NOT_HELD else Notice.Control.HELD
    return Notice.objects.create(
        request=request, state=Notice.State.SENT, control=control, decision=decision,
        rejection_ground=ground, rejection_reasons=reasons, cost=cost, payment_method=payment,
        drafted_by=user, drafted_by_office=request.office, sent_by=user,
        sent_at=request.notified_at,
    )  # fmt: skip


def objection(request, *, grounds, status=Objection.Status.FILED, **fields):
    seq = next(_seq)
    values = {
        "registration_number": f"KEBERATAN/{seq:05d}",
        "number_office": request.office,
        "number_year": 2025,
        "number_seq": seq,
        "request": request,
        "channel": Channel.WEBSITE,
        "received_at": datetime.datetime(2025, 5, 5, 10, tzinfo=WIB),
        "grounds": grounds,
        "case_description": "Kasus posisi",
        "ground_found_on": datetime.date(2025, 5, 2),
        "filing_due_date": datetime.date(2025, 6, 16),
        "due_date": datetime.date(2025, 6, 17),
        "status": status,
    }
    values.update(fields)
    return Objection.objects.create(**values)


@pytest.fixture
def dataset(holidays, office_a, office_b, officer_a, atasan):
    return load_dataset(office_a, office_b, officer_a, atasan)


def load_dataset(office_a, office_b, officer_a, atasan) -> dict:
    """Office A, 2025: nine requests with hand-counted notice times; office B and 2024: one
    each, which the office-A figures must not include."""
    user = officer_a
    # Working days after Wed 26 Mar 2025 with cuti bersama as holidays (the default):
    # 27 Mar = 1, 8 Apr = 2, 17 Apr = 9, 21 Apr = 10 (D2 of §10), 22 Apr = 11,
    # 30 Apr = 17 (D3 of §10), 2 May = 18 (1 May is Labour Day).
    full = make(office_a, notified=(2025, 4, 21), outcome=Outcome.GRANTED_FULL,
                status=InformationRequest.Status.CLOSED)  # fmt: skip
    notice(full, user, decision=Outcome.GRANTED_FULL)
    part = make(office_a, notified=(2025, 4, 22), outcome=Outcome.GRANTED_PART,
                status=InformationRequest.Status.DELIVERED, channel=Channel.EMAIL)  # fmt: skip
    notice(part, user, decision=Outcome.GRANTED_PART, cost=10000, payment="Transfer bank")
    Fee.objects.create(request=part, item="Fotokopi", unit_price=500, quantity=20, total=10000,
                       created_by=user)  # fmt: skip
    rejected = make(office_a, notified=(2025, 4, 30), outcome=Outcome.REJECTED,
                    status=InformationRequest.Status.CLOSED, channel=Channel.IN_PERSON)  # fmt: skip
    notice(rejected, user, decision=Outcome.REJECTED, ground="h", reasons="Rahasia pribadi")
    not_held = make(office_a, notified=(2025, 5, 2), outcome=Outcome.NOT_HELD,
                    status=InformationRequest.Status.CLOSED,
                    late_since=datetime.date(2025, 4, 22))  # fmt: skip
    notice(not_held, user, decision=Outcome.NOT_HELD)
    same_day = make(office_a, notified=(2025, 3, 26), outcome=Outcome.REJECTED,
                    status=InformationRequest.Status.CLOSED)  # fmt: skip
    notice(same_day, user, decision=Outcome.REJECTED, ground="b", reasons="Rahasia dagang")
    # The same 21 April notice, for a body that counts cuti bersama as working days (C4):
    # 27, 28 Mar, 2, 3, 4, 7, 8 ... 21 Apr = 15 working days.
    working_cuti = make(office_a, notified=(2025, 4, 21), outcome=Outcome.GRANTED_FULL,
                        status=InformationRequest.Status.CLOSED,
                        policy=Policy(cuti_bersama_is_working_day=True))  # fmt: skip
    notice(working_cuti, user, decision=Outcome.GRANTED_FULL)
    late_open = make(office_a, status=InformationRequest.Status.IN_PROGRESS,
                     late_since=datetime.date(2025, 4, 22), channel=Channel.LETTER)  # fmt: skip
    withdrawn = make(office_a, status=InformationRequest.Status.WITHDRAWN)
    # 31 January 2025, 20:00 UTC is 1 February, 03:00 in Palangka Raya (C7).
    february = make(
        office_a,
        received=(2025, 2, 1, 3),
        counting_from=datetime.date(2025, 2, 3),
        status=InformationRequest.Status.REGISTERED,
    )
    make(office_b, outcome=Outcome.GRANTED_FULL, notified=(2025, 4, 21),
         status=InformationRequest.Status.CLOSED)  # fmt: skip
    make(office_a, received=(2024, 6, 3, 9), counting_from=datetime.date(2024, 6, 3),
         status=InformationRequest.Status.CLOSED)  # fmt: skip

    atasan_post = Appointment.objects.get(user=atasan)
    atasan_post.person_name = "Dr. Sekda Uji"
    atasan_post.position = "Sekretaris Daerah"
    atasan_post.save()
    upheld = objection(rejected, grounds=["a"], status=Objection.Status.UPHELD,
                       decision_reasons="Pengecualian sah menurut uji konsekuensi",
                       decided_at=datetime.datetime(2025, 6, 2, 9, tzinfo=WIB), atasan=atasan_post,
                       requester_reply=Objection.Reply.NOT_SATISFIED)  # fmt: skip
    objection(late_open, grounds=["c", "g"], status=Objection.Status.GRANTED,
              decision_reasons="Berikan informasi")  # fmt: skip
    dispute = Dispute.objects.create(
        objection=upheld, commission="Komisi Informasi Provinsi Uji", register_number="001/KI/2025",
        filed_on=datetime.date(2025, 6, 10), start_due_date=datetime.date(2025, 6, 30),
        finish_due_date=datetime.date(2025, 11, 6), stage=Dispute.Stage.DECIDED,
        decision_number="001/PTS/KI/2025", ruling="Menguatkan keputusan PPID", created_by=user,
    )  # fmt: skip
    CourtCase.objects.create(
        dispute=dispute, court=CourtCase.Court.PTUN, case_number="12/G/KI/2025/PTUN.PLK",
        filed_on=datetime.date(2025, 8, 1), created_by=user,
    )  # fmt: skip
    return {
        "full": full, "part": part, "rejected": rejected, "not_held": not_held,
        "same_day": same_day, "working_cuti": working_cuti, "late_open": late_open,
        "withdrawn": withdrawn, "february": february,
    }  # fmt: skip


def rows_of(rows) -> dict:
    return {row.key: row.count for row in rows}


def test_working_days_between_follow_the_calendar_and_the_stored_policy(holidays):
    counter = reports.WorkingDayCounter(DAY0, datetime.date(2025, 5, 31))
    default, cuti_working = Policy(), Policy(cuti_bersama_is_working_day=True)
    table = [
        # (notice date, default policy, cuti bersama counted as working)  §10, C1, C4
        (datetime.date(2025, 3, 26), 0, 0),
        (datetime.date(2025, 3, 27), 1, 1),
        (datetime.date(2025, 4, 8), 2, 7),
        (datetime.date(2025, 4, 11), 5, 10),  # D2 under "national holidays only"
        (datetime.date(2025, 4, 21), 10, 15),  # D2 by default
        (datetime.date(2025, 4, 23), 12, 17),  # D3 under "national holidays only"
        (datetime.date(2025, 4, 30), 17, 22),  # D3 by default
        (datetime.date(2025, 5, 2), 18, 23),
        (datetime.date(2025, 5, 3), 18, 23),  # a Saturday adds nothing
    ]
    for day, expected_default, expected_working in table:
        assert counter.between(default, DAY0, day) == expected_default, day
        assert counter.between(cuti_working, DAY0, day) == expected_working, day


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(0, "within_10"), (10, "within_10"), (11, "within_17"), (17, "within_17"), (18, "over_17")],
)
def test_buckets_are_d2_and_d2_plus_the_extension(days, bucket):
    # §15 item 10: ≤10 hk (D2), 11–17 hk (D3 = D2 + 7, F19), >17 hk.
    assert reports.bucket_for(days) == bucket


def test_statistics_of_an_office_match_the_hand_count(dataset, office_a):
    stats = reports.statistics([office_a.pk], 2025)
    assert stats.received == 9
    assert rows_of(stats.by_channel) == {
        "website": 6, "aplikasi": 0, "langsung": 1, "telepon": 0, "surat": 1, "email": 1,
        "faksimili": 0,
    }  # fmt: skip
    months = rows_of(stats.by_month)
    assert months["2"] == 1  # received 1 Feb 03:00 WIB, i.e. 31 Jan in UTC (C7)
    assert months["1"] == 0
    assert months["3"] == 8
    assert rows_of(stats.outcomes) == {
        "diterima_seluruhnya": 2, "diterima_sebagian": 1, "ditolak": 2, "tidak_dikuasai": 1,
        "withdrawn": 1, "open": 2,
    }  # fmt: skip
    assert stats.late == 2
    # 10 (full), 11 (part), 17 (rejected), 18 (not held), 0 (same day), 15 (cuti working).
    assert rows_of(stats.timing) == {
        "within_10": 2, "within_17": 3, "over_17": 1, "no_notice": 3,
    }  # fmt: skip
    assert stats.average_working_days == round((10 + 11 + 17 + 18 + 0 + 15) / 6, 1)
    grounds = rows_of(stats.rejection_grounds)
    assert grounds["h"] == 1 and grounds["b"] == 1 and sum(grounds.values()) == 2
    assert stats.objections == 2
    assert rows_of(stats.objection_grounds) == {
        "a": 1, "b": 0, "c": 1, "d": 0, "e": 0, "f": 0, "g": 1,
    }  # fmt: skip
    outcomes = rows_of(stats.objection_outcomes)
    assert outcomes["menguatkan"] == 1 and outcomes["dikabulkan"] == 1
    assert stats.disputes == 1 and rows_of(stats.dispute_stages)["putusan"] == 1
    assert stats.court_cases == 1 and rows_of(stats.court_stages)["gugatan"] == 1
    assert [row.label for row in stats.by_office] == ["PPID Dinas A"]
    assert stats.has_demo is False


def test_the_province_consolidates_its_offices_and_the_years_stay_apart(dataset, province):
    stats = reports.statistics(reports.body_tree_office_ids(province), 2025)
    assert stats.received == 10
    assert {row.label: row.count for row in stats.by_office} == {
        "PPID Dinas A": 9, "PPID Dinas B": 1,
    }  # fmt: skip
    assert reports.statistics(reports.body_tree_office_ids(province), 2024).received == 1
    everyone = reports.statistics(None, 2025, by_body=True)
    assert {row.key: row.count for row in everyone.by_body} == {"dinas-a": 9, "dinas-b": 1}


def test_an_empty_year_has_zero_rows_not_errors(db, office_a):
    stats = reports.statistics([office_a.pk], 2025)
    assert stats.received == 0
    assert sum(row.count for row in stats.by_month) == 0 and len(stats.by_month) == 12
    assert rows_of(stats.timing)["no_notice"] == 0
    assert stats.average_working_days is None


def test_the_statistics_take_a_bounded_number_of_queries(
    dataset, office_a, django_assert_max_num_queries
):
    # One aggregate query per table, never one per request: adding requests adds none.
    with django_assert_max_num_queries(14):
        reports.statistics([office_a.pk], 2025)
    for _ in range(5):
        make(office_a, notified=(2025, 4, 21), outcome=Outcome.GRANTED_FULL)
    with django_assert_max_num_queries(14):
        reports.statistics([office_a.pk], 2025)


def test_the_request_register_has_the_f27_columns(dataset, office_a):
    with translation.override("en"):
        headers = [header for _key, header in reports.request_register_columns()]
        rows = reports.request_register_rows(
            reports.request_register([office_a.pk], 2025), personal_data=True
        )
    assert len(headers) == 15
    assert headers[0].startswith("No.") and "Cost and payment" in headers[-1]
    by_number = {r["number"]: r for r in rows}
    rejected = by_number[dataset["rejected"].registration_number]
    assert rejected["decision"] == "Rejected"
    assert rejected["refusal"] == "Pasal 17 letter h: Rahasia pribadi"
    assert rejected["held"] == "Held"
    assert rejected["kind"] == "See, Copy"
    assert rejected["notice_date"] == "Wednesday, 30 April 2025"
    assert rejected["address"] == ADDRESS and PHONE in rejected["contact"]
    part = by_number[dataset["part"].registration_number]
    assert part["cost"] == "Rp10.000; Transfer bank (not yet paid)"
    assert by_number[dataset["full"].registration_number]["cost"] == "Free of charge"
    assert by_number[dataset["late_open"].registration_number]["decision"] == "In progress"
    assert by_number[dataset["not_held"].registration_number]["held"] == "Not held"
    # The register is chronological (received_at): February's request comes first.
    assert rows[0]["number"] == dataset["february"].registration_number


def test_the_register_masks_personal_data_for_readers_who_do_not_handle(dataset, office_a):
    rows = reports.request_register_rows(
        reports.request_register([office_a.pk], 2025), personal_data=False
    )
    text = repr(rows)
    assert ADDRESS not in text and PHONE not in text and NIK not in text
    assert "@example.org" not in text


def test_the_objection_register_has_the_eleven_columns_a_to_k(dataset, office_a):
    with translation.override("en"):
        columns = reports.objection_register_columns()
        rows = reports.objection_register_rows(
            reports.objection_register([office_a.pk], 2025), personal_data=True
        )
    assert [key for key, _h in columns] == list("abcdefghijk")
    upheld = next(r for r in rows if r["g"] == "a")
    assert upheld["d"] == dataset["rejected"].registration_number
    assert upheld["h"].startswith("PPID's decision upheld: Pengecualian sah")
    assert upheld["i"] == "Monday, 2 June 2025"
    assert upheld["j"] == "Dr. Sekda Uji, Sekretaris Daerah"
    assert upheld["k"] == "Not satisfied"
    assert ADDRESS in upheld["c"]
    granted = next(r for r in rows if r["g"] == "c, g")
    assert granted["i"] == "" and granted["k"] == ""
    masked = reports.objection_register_rows(
        reports.objection_register([office_a.pk], 2025), personal_data=False
    )
    assert ADDRESS not in repr(masked)


def test_the_dispute_register_lists_commission_and_court(dataset, office_a):
    rows = reports.dispute_register_rows(reports.dispute_register([office_a.pk], 2025))
    assert len(rows) == 1
    assert rows[0]["number"] == "001/KI/2025"
    assert rows[0]["decision"] == "001/PTS/KI/2025: Menguatkan keputusan PPID"
    assert "12/G/KI/2025/PTUN.PLK" in rows[0]["court"]


@pytest.mark.parametrize("register", ["requests", "objections", "disputes"])
def test_register_exports_parse_back(dataset, office_a, register):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    xlsx = report_exports.export_register(
        register, "xlsx", office=office_a, year=2025, personal_data=True
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0].startswith("Register")
    headers = values[2]
    expected_rows = {"requests": 9, "objections": 2, "disputes": 1}[register]
    assert xlsx.rows == expected_rows
    assert len(values) == 3 + expected_rows
    if register == "objections":
        assert headers[0].startswith("(a)") and headers[10].startswith("(k)")
    pdf = report_exports.export_register(
        register, "pdf", office=office_a, year=2025, personal_data=True
    )
    reader = PdfReader(io.BytesIO(pdf.content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape A4
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Register" in text
    if register == "requests":
        assert dataset["rejected"].registration_number in text.replace("\n", "")
    assert pdf.filename.endswith(".pdf") and xlsx.filename.endswith(".xlsx")


def test_masked_exports_carry_no_personal_data(dataset, office_a):
    from openpyxl import load_workbook

    export = report_exports.export_register(
        "requests", "xlsx", office=office_a, year=2025, personal_data=False
    )
    cells = [c.value for row in load_workbook(io.BytesIO(export.content)).active.iter_rows()
             for c in row]  # fmt: skip
    text = " ".join(str(v) for v in cells if v)
    assert ADDRESS not in text and PHONE not in text and NIK not in text


def test_formula_text_is_stored_as_text_in_the_spreadsheet(holidays, office_a):
    from openpyxl import load_workbook

    make(office_a, information='=HYPERLINK("http://evil.example")')
    export = report_exports.export_register(
        "requests", "xlsx", office=office_a, year=2025, personal_data=True
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    cell = next(c for row in sheet.iter_rows() for c in row if "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and not str(cell.value).startswith("=")


def test_d11_is_31_march_of_the_next_year():
    # F15, C6: 31 December + 3 calendar months.
    assert reports.annual_report_due(2025) == datetime.date(2026, 3, 31)
    assert reports.annual_report_due(2023) == datetime.date(2024, 3, 31)


def test_annual_report_save_records_an_event_and_checks_dates(office_a, officer_a):
    from ppid.core.events import events_for

    report = reports.annual_report_save(
        office=office_a, year=2025, actor=officer_a, general_policy="Sarana memadai.",
        sent_to_ki_on=datetime.date(2026, 3, 30),
    )  # fmt: skip
    assert report.general_policy == "Sarana memadai."
    events = list(events_for(report))
    assert [e.action for e in events] == ["annual_report_created"]
    assert events[0].changes["general_policy"] == ["", "Sarana memadai."]
    # Saving the same values again records nothing.
    reports.annual_report_save(office=office_a, year=2025, actor=officer_a,
                               general_policy="Sarana memadai.")  # fmt: skip
    assert len(events_for(report)) == 1
    data = reports.annual_report_data(office_a, 2025)
    assert data.to_ki.state == "met" and data.to_atasan.sent_on is None
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        reports.annual_report_save(office=office_a, year=2025, actor=officer_a,
                                   sent_to_atasan_on=datetime.date(2024, 12, 31))  # fmt: skip
    assert "sent_to_atasan_on" in error.value.message_dict


def test_only_the_offices_ppid_may_write_the_annual_report(office_a, office_b, officer_b, atasan):
    from django.core.exceptions import PermissionDenied

    leader = AppointmentFactory(office=office_a, role=Role.LEADER, user=UserFactory()).user
    for user in (officer_b, atasan, leader):
        with pytest.raises(PermissionDenied):
            reports.annual_report_save(office=office_a, year=2025, actor=user, obstacles="x")


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_annual_report_exports_have_every_section(dataset, utama, utama_officer, fmt):
    reports.annual_report_save(
        office=utama, year=2025, actor=utama_officer, general_policy="Kebijakan umum uji",
        obstacles="Kendala jaringan", recommendations="Tambah petugas",
        sent_to_atasan_on=datetime.date(2026, 4, 2),
    )  # fmt: skip
    export = report_exports.export_annual_report(fmt, office=utama, year=2025)
    if fmt == "pdf":
        from pypdf import PdfReader

        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(export.content)).pages)
    else:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(export.content))
        text = " ".join(str(c.value) for s in book for row in s.iter_rows() for c in row if c.value)
        assert "Sengketa" in book.sheetnames
    text = " ".join(text.split())
    for expected in ("(a)", "(b)", "(c)", "(d)", "(e)", "Kebijakan umum uji", "Kendala jaringan",
                     "Tambah petugas", "31 Maret 2026", "001/KI/2025"):  # fmt: skip
        assert expected in text, expected
    # Sent to the Atasan on 2 April 2026: after D11.
    assert reports.annual_report_data(utama, 2025).to_atasan.state == "late"
    assert NIK not in text and PHONE not in text and ADDRESS not in text
