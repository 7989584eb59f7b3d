"""Deadlines D4–D10 (domain.md §9, C5) and the dispute and court stages (F32–F36, §14.2).

Around the year end of 2026 the calendar has cuti bersama on Thu 24 Dec, Christmas on
Fri 25 Dec and New Year on Fri 1 Jan 2027: working-day clocks (D5–D9) skip them, the
calendar-day clock of cassation (D10) does not (F36, C5)."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ppid.core.events import events_for
from ppid.core.models import CalendarDay
from ppid.foi import objections
from ppid.foi.models import CaseDocument, CourtCase, Dispute, Outcome
from ppid.foi.services import notice_draft, notice_send

WIB = ZoneInfo("Asia/Jakarta")
HOLIDAYS = {
    datetime.date(2026, 12, 24): CalendarDay.Kind.CUTI_BERSAMA,
    datetime.date(2026, 12, 25): CalendarDay.Kind.NATIONAL_HOLIDAY,
    datetime.date(2027, 1, 1): CalendarDay.Kind.NATIONAL_HOLIDAY,
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def year_end(db):
    for day, kind in HOLIDAYS.items():
        CalendarDay.objects.create(date=day, name=f"Libur {day}", kind=kind, origin="test")


def at(day: datetime.date, hour: int = 10):
    moment = datetime.datetime.combine(day, datetime.time(hour), WIB)
    return time_machine.travel(moment, tick=False)


def working_days_after(day0: datetime.date, n: int) -> datetime.date:
    """An independent oracle for C1/C3: the N-th Monday–Friday after day 0 that is not one
    of HOLIDAYS."""
    day, counted = day0, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if day.isoweekday() <= 5 and day not in HOLIDAYS:
            counted += 1
    return day


@pytest.fixture
def rejected(make_request, office_a, officer_a, utama_officer):
    with at(datetime.date(2026, 11, 2)):
        case = make_request(office=office_a)
    with at(datetime.date(2026, 11, 5)):
        notice = notice_draft(
            case, actor=officer_a, control="dikuasai", decision=Outcome.REJECTED,
            rejection_ground="b", rejection_reasons="Menghambat proses penegakan hukum.",
        )  # fmt: skip
        notice_send(notice, actor=utama_officer)
    case.refresh_from_db()
    return case


def file(case, day, grounds=("a",)):
    with at(day):
        return objections.objection_file(
            case, grounds=list(grounds), case_description="Alasan penolakan tidak tepat."
        )


@pytest.fixture
def upheld(rejected, atasan):
    objection = file(rejected, datetime.date(2026, 11, 5))
    with at(datetime.date(2026, 11, 20)):
        objections.objection_decide(objection, actor=atasan, decision="uphold", reasons="Sah.")
    objection.refresh_from_db()
    return objection


# --- the deadline table ---------------------------------------------------------------------


def test_d5_counts_30_working_days_over_the_year_end(rejected):
    objection = file(rejected, datetime.date(2026, 12, 14))
    # Hand count: 15–23 Dec (7), 28–31 Dec (11), 4–15 Jan (21), 18–22 Jan (26), 25–28 Jan (30).
    assert objection.due_date == datetime.date(2027, 1, 28)
    assert objection.due_date == working_days_after(datetime.date(2026, 12, 14), 30)
    assert objection.filing_due_date == datetime.date(2026, 12, 17)  # D4 from 5 Nov


@pytest.mark.parametrize(
    ("filed_on", "d7"),
    [
        # 22, 23 Dec; 28–31 Dec; 4–8 Jan; 11–13 Jan = 14 working days.
        (datetime.date(2026, 12, 21), datetime.date(2027, 1, 13)),
        # 8–11 Dec; 14–18 Dec; 21–23 Dec; 28, 29 Dec = 14 working days.
        (datetime.date(2026, 12, 7), datetime.date(2026, 12, 29)),
    ],
)
def test_d7_and_d8_count_working_days_from_the_dispute(upheld, officer_a, filed_on, d7):
    with at(datetime.date(2027, 1, 4)):
        dispute = objections.dispute_record(
            upheld, actor=officer_a, commission="Komisi Informasi Provinsi",
            register_number="001/REG-PSI/I/2027", filed_on=filed_on,
        )  # fmt: skip
    assert dispute.start_due_date == d7
    assert dispute.start_due_date == working_days_after(filed_on, 14)
    assert dispute.finish_due_date == working_days_after(filed_on, 100)


def test_d6_counts_from_the_response_and_warns_when_passed(upheld, officer_a):
    # Response Fri 20 Nov 2026 + 14 working days = Thu 10 Dec 2026.
    assert objections.dispute_filing_due(upheld) == datetime.date(2026, 12, 10)
    with at(datetime.date(2026, 12, 21)):
        dispute = objections.dispute_record(
            upheld, actor=officer_a, commission="KI Provinsi", register_number="9/2026",
            filed_on=datetime.date(2026, 12, 21),
        )  # fmt: skip
    assert dispute.filing_due_date == datetime.date(2026, 12, 10)
    assert objections.dispute_filed_late(dispute) is True
    recorded = events_for(dispute).get(action="dispute_recorded")
    assert recorded.changes["filed_late"] is True


def test_d6_runs_from_the_lapse_of_d5_when_there_is_no_response(rejected, officer_a):
    objection = file(rejected, datetime.date(2026, 11, 5))
    assert objection.due_date == datetime.date(2026, 12, 17)
    with at(datetime.date(2026, 12, 18)):
        assert objections.dispute_filing_due(objection) == working_days_after(
            datetime.date(2026, 12, 17), 14
        )


def test_d9_counts_14_working_days_from_the_ki_decision(upheld, officer_a):
    dispute = _decided_dispute(upheld, officer_a, received=datetime.date(2026, 12, 23))
    with at(datetime.date(2027, 1, 20)):
        case = objections.court_case_record(
            dispute, actor=officer_a, court="ptun", case_number="12/G/KI/2027/PTUN.PLK",
            filed_on=datetime.date(2027, 1, 18),
        )  # fmt: skip
    # 28–31 Dec (4), 4–8 Jan (9), 11–15 Jan (14): Fri 15 Jan; filed Mon 18 Jan: late.
    assert case.filing_due_date == datetime.date(2027, 1, 15)
    assert events_for(case).get(action="court_case_recorded").changes["filed_late"] is True


@pytest.mark.parametrize(
    ("received", "d10", "non_working"),
    [
        # F36/C5: 14 calendar days, unshifted; New Year's Day is flagged, not rolled forward.
        (datetime.date(2026, 12, 18), datetime.date(2027, 1, 1), True),
        (datetime.date(2027, 1, 4), datetime.date(2027, 1, 18), False),
        # A Saturday is shown as it is, and flagged.
        (datetime.date(2027, 1, 2), datetime.date(2027, 1, 16), True),
    ],
)
def test_d10_counts_14_calendar_days(upheld, officer_a, received, d10, non_working):
    dispute = _decided_dispute(upheld, officer_a, received=datetime.date(2026, 12, 9))
    with at(datetime.date(2027, 2, 1)):
        case = objections.court_case_record(
            dispute, actor=officer_a, court="ptun", case_number="1/G/2026",
            filed_on=datetime.date(2026, 12, 10),
        )  # fmt: skip
        objections.court_case_update(
            case, actor=officer_a, stage="putusan", decision="Menguatkan putusan KI.",
            decision_received_on=received,
        )  # fmt: skip
    case.refresh_from_db()
    assert case.cassation_due_date == d10
    assert (objections.cassation_due(case).non_working_reason is not None) is non_working


# --- dispute stages (§14.2) -----------------------------------------------------------------


def _decided_dispute(objection, actor, *, received):
    with at(datetime.date(2026, 12, 7)):
        dispute = objections.dispute_record(
            objection, actor=actor, commission="KI Provinsi", register_number="7/2026",
            filed_on=datetime.date(2026, 12, 7),
        )  # fmt: skip
    with at(max(received, datetime.date(2026, 12, 8))):
        objections.dispute_stage(dispute, actor=actor, stage="ajudikasi")
        objections.dispute_stage(
            dispute, actor=actor, stage="putusan", decision_number="7/PTS/KI/XII/2026",
            ruling="Menolak permohonan.", decision_received_on=received,
        )  # fmt: skip
    dispute.refresh_from_db()
    return dispute


def test_a_dispute_waits_for_the_response_or_the_lapse_of_d5(rejected, officer_a):
    objection = file(rejected, datetime.date(2026, 11, 5))
    with at(datetime.date(2026, 11, 10)), pytest.raises(ValidationError):
        objections.dispute_record(
            objection, actor=officer_a, commission="KI", register_number="1",
            filed_on=datetime.date(2026, 11, 10),
        )  # fmt: skip
    assert not Dispute.objects.exists()


def test_another_office_cannot_record_a_dispute(upheld, officer_b):
    with at(datetime.date(2026, 12, 1)), pytest.raises(PermissionDenied):
        objections.dispute_record(
            upheld, actor=officer_b, commission="KI", register_number="1",
            filed_on=datetime.date(2026, 12, 1),
        )  # fmt: skip


def test_mediation_is_refused_for_ground_a(upheld, officer_a):
    with at(datetime.date(2026, 12, 1)):
        dispute = objections.dispute_record(
            upheld, actor=officer_a, commission="KI", register_number="1",
            filed_on=datetime.date(2026, 12, 1),
        )  # fmt: skip
        with pytest.raises(ValidationError):
            objections.dispute_stage(dispute, actor=officer_a, stage="mediasi")
    dispute.refresh_from_db()
    assert dispute.stage == Dispute.Stage.REGISTERED


def test_a_successful_mediation_is_final(rejected, officer_a, atasan):
    objection = file(rejected, datetime.date(2026, 11, 5), grounds=["f"])
    with at(datetime.date(2026, 11, 20)):
        objections.objection_decide(objection, actor=atasan, decision="uphold", reasons="Wajar.")
    with at(datetime.date(2026, 12, 1)):
        dispute = objections.dispute_record(
            objection, actor=officer_a, commission="KI", register_number="2",
            filed_on=datetime.date(2026, 12, 1),
        )  # fmt: skip
        objections.dispute_stage(dispute, actor=officer_a, stage="mediasi")
        with pytest.raises(ValidationError):
            objections.dispute_stage(dispute, actor=officer_a, stage="mediasi_berhasil")
        objections.dispute_stage(
            dispute, actor=officer_a, stage="mediasi_berhasil", ruling="Biaya dihapus."
        )
        for stage in ("ajudikasi", "putusan", "mediasi"):
            with pytest.raises(ValidationError):
                objections.dispute_stage(dispute, actor=officer_a, stage=stage)
        with pytest.raises(ValidationError):
            objections.court_case_record(
                dispute, actor=officer_a, court="ptun", case_number="1",
                filed_on=datetime.date(2026, 12, 1),
            )  # fmt: skip
        objections.dispute_execution(dispute, actor=officer_a, execution="Dilaksanakan.")
    dispute.refresh_from_db()
    assert dispute.execution == "Dilaksanakan."


def test_a_ki_decision_needs_its_number_ruling_and_date(upheld, officer_a):
    with at(datetime.date(2026, 12, 1)):
        dispute = objections.dispute_record(
            upheld, actor=officer_a, commission="KI", register_number="3",
            filed_on=datetime.date(2026, 12, 1),
        )  # fmt: skip
        objections.dispute_stage(dispute, actor=officer_a, stage="ajudikasi")
        with pytest.raises(ValidationError) as error:
            objections.dispute_stage(dispute, actor=officer_a, stage="putusan")
    assert set(error.value.message_dict) == {"decision_number", "ruling", "decision_received_on"}


def test_court_stages_follow_the_order_decision_cassation_final(upheld, officer_a):
    dispute = _decided_dispute(upheld, officer_a, received=datetime.date(2026, 12, 9))
    with at(datetime.date(2027, 2, 1)):
        case = objections.court_case_record(
            dispute, actor=officer_a, court="ptun", case_number="1/G/2026",
            filed_on=datetime.date(2026, 12, 10),
        )  # fmt: skip
        for stage in ("kasasi", "inkracht"):
            with pytest.raises(ValidationError):
                objections.court_case_update(case, actor=officer_a, stage=stage)
        objections.court_case_update(
            case, actor=officer_a, stage="putusan", decision="Menolak gugatan.",
            decision_received_on=datetime.date(2027, 1, 4),
        )  # fmt: skip
        objections.court_case_update(
            case, actor=officer_a, stage="kasasi", cassation_filed_on=datetime.date(2027, 1, 15),
            cassation_number="123 K/TUN/KI/2027",
        )  # fmt: skip
        with pytest.raises(ValidationError):
            objections.court_case_update(case, actor=officer_a, stage="inkracht")
        objections.court_case_update(
            case, actor=officer_a, stage="inkracht", cassation_result="Kasasi ditolak."
        )
    case.refresh_from_db()
    assert case.stage == CourtCase.Stage.FINAL
    assert [e.changes["stage"][1] for e in events_for(case).filter(action="court_case_stage")] == [
        "putusan",
        "kasasi",
        "inkracht",
    ]
    request_actions = [e.action for e in events_for(upheld.request)]
    assert request_actions.count("court_case_stage") == 3


# --- case documents ---------------------------------------------------------------------------


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Putusan")
    pdf.save()
    return buffer.getvalue()


def test_case_documents_are_checked_by_content(upheld, officer_a):
    with at(datetime.date(2026, 12, 1)):
        dispute = objections.dispute_record(
            upheld, actor=officer_a, commission="KI", register_number="4",
            filed_on=datetime.date(2026, 12, 1),
        )  # fmt: skip
    fake = SimpleUploadedFile("putusan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError):
        objections.case_document_add(actor=officer_a, upload=fake, title="x", dispute=dispute)
    assert not CaseDocument.objects.exists()
    real = SimpleUploadedFile("putusan.pdf", _pdf(), "application/pdf")
    document = objections.case_document_add(
        actor=officer_a, upload=real, title="Putusan KI", dispute=dispute
    )
    assert document.content_type == "application/pdf"
    assert "putusan" not in document.file.name  # random private name
    assert events_for(dispute).filter(action="document_added").exists()
