"""The request service (state machine §14.1): submission with number and D2 (F17, F18),
forwarding, the written notice (F18, F21), the extension (F19), fees (F25), handover,
referral, closing, the late flag and the objection grounds it opens (F28)."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from ppid.core.events import events_for
from ppid.core.models import CalendarDay, Counter, OutboxMessage
from ppid.foi import services
from ppid.foi.access import requester_can_see
from ppid.foi.models import (
    Disposition,
    Fee,
    Handover,
    InformationRequest,
    Letter,
    Notice,
    Outcome,
    ServiceSettings,
)
from ppid.organizations.models import Role
from ppid.registry.models import ConsequenceTest, ExemptEntry
from tests.factories import AppointmentFactory, BodyFactory, UserFactory

from .conftest import REQUESTER_EMAIL, VALID_NIK

pytestmark = pytest.mark.django_db

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
# Wednesday 8 July 2026, 10.00 WIB: no holiday within three weeks (the test calendar is
# empty, so only weekends are off). D2 = Wed 22 July; D3 (+7 hk) = Fri 31 July.
RECEIVED = datetime.datetime(2026, 7, 8, 10, 0, tzinfo=WIB)
D2 = datetime.date(2026, 7, 22)
D3 = datetime.date(2026, 7, 31)


def at(day: datetime.date, hour: int = 10):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), WIB), tick=False)


@pytest.fixture(autouse=True)
def _received_day():
    with time_machine.travel(RECEIVED, tick=False):
        yield


def outbox(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind))


def actions(request) -> list[str]:
    return [e.action for e in events_for(request)]


GRANT = {"control": "dikuasai", "decision": "diterima_seluruhnya", "material": "Laporan LRA"}


def send_notice(request, actor, **fields):
    notice = services.notice_draft(request, actor=actor, **{**GRANT, **fields})
    notice = services.notice_send(notice, actor=actor)
    request.refresh_from_db()
    return notice


# --- submission ---------------------------------------------------------------------------


def test_a_submitted_request_gets_its_number_deadline_event_receipt_and_emails(
    request_data, officer_a
):
    submitted = services.request_submit(request_data())
    request = submitted.request
    assert submitted.created
    # F17, D1: the number is issued at receipt, per office and local year.
    assert request.registration_number == "PPID-DINAS-A/PERMOHONAN/2026/00001"
    assert (request.number_year, request.number_seq) == (2026, 1)
    # F18, D2: 10 working days from receipt (C1: day 0 is the receipt day).
    assert request.counting_from == datetime.date(2026, 7, 8)
    assert request.due_date == request.due_date_original == D2
    assert request.due_date_extended is None
    assert request.policy["cuti_bersama_is_working_day"] is False
    assert request.status == InformationRequest.Status.REGISTERED
    assert request.body == request.office.body
    (event,) = events_for(request)
    assert event.action == "submitted"
    assert event.changes == {"channel": "website", "office": "ppid-dinas-a"}
    assert VALID_NIK not in str(event.changes)
    assert request.letters.filter(kind=Letter.Kind.RECEIPT).count() == 1
    (receipt_mail,) = outbox("requester:submitted")
    assert receipt_mail.to == REQUESTER_EMAIL
    assert submitted.tracking_token in receipt_mail.body
    assert [m.to for m in outbox("office:received")] == [officer_a.email]
    assert VALID_NIK not in outbox("office:received")[0].body


def test_the_tracking_token_is_shown_once_and_only_its_hash_is_kept(request_data):
    submitted = services.request_submit(request_data())
    token, request = submitted.tracking_token, submitted.request
    assert token not in request.tracking_hash
    assert services.request_by_token(token) == request
    assert services.request_by_token(token + "x") is None
    assert requester_can_see(None, request, token)
    assert not requester_can_see(None, request, "guess")
    assert services.tracking_url(request, token).endswith(f"/permohonan/lacak/{token}/")


def test_tracking_needs_the_number_and_the_email(make_request):
    request = make_request()
    number = request.registration_number
    assert services.request_track(number, REQUESTER_EMAIL) == request
    assert services.request_track(number.lower(), " WARGA@example.org ") == request
    assert services.request_track(number, "other@example.org") is None
    assert services.request_track("PPID-DINAS-A/PERMOHONAN/2026/00999", REQUESTER_EMAIL) is None
    assert services.request_track(number, "") is None


def test_numbers_run_per_office_and_restart_each_year(make_request, office_a, office_b):
    assert make_request(office=office_a).number_seq == 1
    assert make_request(office=office_a).number_seq == 2
    assert make_request(office=office_b).registration_number.endswith("/2026/00001")
    with at(datetime.date(2027, 1, 5)):
        assert make_request(office=office_a).registration_number == (
            "PPID-DINAS-A/PERMOHONAN/2027/00001"
        )


def test_the_number_year_is_the_local_year_of_receipt(make_request):
    # C7: 31 Dec 2026 20.00 UTC is 1 Jan 2027 03.00 WIB.
    with time_machine.travel(datetime.datetime(2026, 12, 31, 20, 0, tzinfo=datetime.UTC)):
        assert make_request().number_year == 2027


def test_a_long_office_slug_is_shortened_and_kept_unique(make_request, office_a):
    office_a.slug = "ppid-" + "dinas-penanaman-modal-dan-pelayanan-terpadu-satu-pintu"
    office_a.save()
    number = make_request().registration_number
    assert number.startswith(f"PPID-DINAS-PENANAMAN-MODAL-DAN-P-{office_a.pk}/PERMOHONAN/")
    assert len(number) <= 80


def test_a_second_submission_with_the_same_key_returns_the_first(request_data):
    first = services.request_submit(request_data(), submission_key="form-token-1")
    again = services.request_submit(request_data(), submission_key="form-token-1")
    assert again.request == first.request
    assert (again.created, again.tracking_token) == (False, None)
    assert InformationRequest.objects.count() == 1
    assert Counter.objects.get(scope__startswith="request:").value == 1
    assert len(outbox("requester:submitted")) == 1
    # The raw key is never stored.
    assert first.request.submission_key != "form-token-1"
    assert services.tracking_token_replay(first.request, "form-token-1") == first.tracking_token
    assert services.tracking_token_replay(first.request, "other") is None


def test_a_desk_officer_records_a_walk_in_request(request_data, officer_a):
    received = datetime.datetime(2026, 7, 7, 15, 0, tzinfo=WIB)
    submitted = services.request_submit(
        request_data(channel="langsung", received_at=received), actor=officer_a
    )
    request = submitted.request
    assert request.channel == "langsung"
    assert request.received_at == received
    assert request.created_by == officer_a
    assert request.due_date == datetime.date(2026, 7, 21)
    (event,) = events_for(request)
    assert (event.actor, event.actor_role) == (officer_a, Role.PPID_PELAKSANA)


def test_another_offices_officer_cannot_record_a_request_here(request_data, officer_b):
    with pytest.raises(PermissionDenied):
        services.request_submit(request_data(channel="langsung"), actor=officer_b)
    assert not InformationRequest.objects.exists()


def test_a_citizen_account_owns_its_request(make_request, citizen):
    request = make_request(user=citizen)
    assert request.user == citizen
    assert requester_can_see(citizen, request)
    assert not requester_can_see(UserFactory(), request)


def test_a_request_to_the_province_lands_at_its_utama(make_request, utama):
    request = make_request(office=utama)
    assert request.office == utama
    assert request.registration_number.startswith("PPID-UTAMA-UJI/PERMOHONAN/2026/")


# --- forwarding ----------------------------------------------------------------------------


def test_the_utama_forwards_to_one_pelaksana_which_then_handles_it(
    make_request, utama, office_a, utama_officer, officer_a
):
    request = make_request(office=utama)
    (disposition,) = services.request_forward(
        request, actor=utama_officer, to_offices=[office_a], note="Mohon disiapkan"
    )
    request.refresh_from_db()
    assert request.office == office_a
    assert request.status == InformationRequest.Status.IN_PROGRESS
    assert (disposition.from_office, disposition.to_office) == (utama, office_a)
    # D2 minus 3 working days (ServiceSettings default margin): Fri 17 July.
    assert disposition.internal_due_date == datetime.date(2026, 7, 17)
    assert "forwarded" in actions(request)
    assert [m.to for m in outbox("office:assigned")] == [officer_a.email]
    assert len(outbox("requester:forwarded")) == 1


def test_forwarding_to_two_offices_keeps_the_utama_handling(
    make_request, utama, office_a, office_b, utama_officer
):
    request = make_request(office=utama)
    services.request_forward(request, actor=utama_officer, to_offices=[office_a, office_b])
    assert request.office == utama
    assert Disposition.objects.filter(request=request).count() == 2
    assert actions(request).count("forwarded") == 2


def test_the_internal_due_date_follows_the_body_margin_and_never_passes_d2(
    make_request, province, utama, office_a, utama_officer
):
    ServiceSettings.objects.create(body=province, internal_due_margin=30)
    request = make_request(office=utama)
    (disposition,) = services.request_forward(request, actor=utama_officer, to_offices=[office_a])
    assert disposition.internal_due_date == datetime.date(2026, 7, 8)  # not before today
    other = make_request(office=utama)
    with pytest.raises(ValidationError):
        services.request_forward(
            other,
            actor=utama_officer,
            to_offices=[office_a],
            internal_due_date=D2 + datetime.timedelta(days=1),
        )


def test_only_offices_under_the_utama_receive_forwards(
    make_request, utama, other_office, utama_officer
):
    request = make_request(office=utama)
    with pytest.raises(ValidationError):
        services.request_forward(request, actor=utama_officer, to_offices=[other_office])
    with pytest.raises(ValidationError):
        services.request_forward(request, actor=utama_officer, to_offices=[])
    assert not Disposition.objects.exists()


# --- the written notice -------------------------------------------------------------------


def test_the_utama_sends_a_granting_notice(make_request, utama, utama_officer):
    request = make_request(office=utama)
    notice = send_notice(request, utama_officer)
    request.refresh_from_db()
    assert notice.state == Notice.State.SENT
    assert (notice.sent_by, notice.signatory.user) == (utama_officer, utama_officer)
    assert request.outcome == Outcome.GRANTED_FULL
    assert request.status == InformationRequest.Status.NOTIFIED
    assert request.notified_at is not None
    letter = request.letters.get(kind=Letter.Kind.NOTICE)
    assert notice.letter_number == letter.number
    assert actions(request)[-2:] == ["notice_drafted", "notice_sent"]
    assert len(outbox("requester:notice_sent")) == 1


def test_a_pelaksana_drafts_and_the_utama_sends_by_default(
    make_request, office_a, officer_a, utama_officer
):
    request = make_request(office=office_a)
    notice = services.notice_draft(request, actor=officer_a, **GRANT)
    assert notice.drafted_by_office == office_a
    assert not services.may_send_notice(officer_a, notice)
    with pytest.raises(ValidationError):
        services.notice_send(notice, actor=officer_a)
    assert services.may_send_notice(utama_officer, notice)
    services.notice_send(notice, actor=utama_officer)
    assert request.notices.get().state == Notice.State.SENT


def test_a_pelaksana_sends_itself_where_the_body_allows_it(
    make_request, province, office_a, officer_a
):
    ServiceSettings.objects.create(body=province, pelaksana_answers_directly=True)
    request = make_request(office=office_a)
    notice = send_notice(request, officer_a)
    assert notice.signatory.office == office_a


def test_redrafting_updates_the_offices_draft(make_request, office_a, officer_a):
    request = make_request(office=office_a)
    first = services.notice_draft(request, actor=officer_a, **GRANT)
    second = services.notice_draft(request, actor=officer_a, **{**GRANT, "material": "LRA 2025"})
    assert first.pk == second.pk
    assert request.notices.get().material == "LRA 2025"


def test_a_rejection_cites_its_pasal_17_ground_dik_entry_and_consequence_test(
    make_request, utama, utama_officer
):
    test = ConsequenceTest.objects.create(
        office=utama,
        trigger="before_request",
        document_identified="Berkas penyidikan",
        information_described="Berkas perkara",
        law_analysed="UU 14/2008 Pasal 17 huruf a",
        analysis="Menghambat penyidikan",
        conclusion="dikecualikan",
        participants="Tim",
        tested_on=datetime.date(2026, 1, 5),
    )
    entry = ExemptEntry.objects.create(
        office=utama,
        body=utama.body,
        information="Berkas penyidikan",
        ground="a",
        legal_basis="UU 14/2008 Pasal 17 huruf a",
        consequence="Menghambat proses penyidikan",
        consequence_test=test,
        decree_number="188.44/1/2026",
        decree_place="Palangka Raya",
        decree_date=datetime.date(2026, 1, 5),
    )
    request = make_request(office=utama)
    notice = send_notice(
        request,
        utama_officer,
        decision="ditolak",
        rejection_ground="a",
        rejection_reasons="Dapat menghambat proses penegakan hukum",
        exempt_entry=entry,
    )
    assert notice.consequence_test == test  # F21: taken from the DIK entry
    assert request.outcome == Outcome.REJECTED
    assert set(request.letters.values_list("kind", flat=True)) >= {"notice", "rejection"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"decision": "ditolak"}, "rejection_ground"),
        ({"decision": "ditolak", "rejection_ground": "a"}, "rejection_reasons"),
        ({"decision": "ditolak", "rejection_ground": "z", "rejection_reasons": "x"},
         "rejection_ground"),
        ({"decision": "diterima_sebagian"}, "redactions"),
        ({"decision": ""}, "decision"),
        ({"control": "tidak_ada"}, "control"),
        ({"control": "tidak_dikuasai", "decision": "diterima_seluruhnya"}, "decision"),
        ({"cost": 5000, "delivery_method": "pos", "copy_format": "hardcopy"}, "payment_method"),
        ({"cost": -1}, "cost"),
        ({"cost": 5000, "payment_method": "Transfer", "delivery_method": "email",
          "copy_format": "softcopy"}, "cost"),
        ({"material": "x\x00"}, "material"),
    ],
)  # fmt: skip
def test_a_notice_missing_what_f18_requires_is_refused(
    make_request, office_a, officer_a, fields, field
):
    request = make_request(office=office_a)
    with pytest.raises(ValidationError) as caught:
        services.notice_draft(request, actor=officer_a, **{**GRANT, **fields})
    assert field in caught.value.message_dict
    assert not Notice.objects.exists()


def test_information_not_held_is_outcome_not_held(make_request, utama, utama_officer):
    request = make_request(office=utama)
    other = BodyFactory(name="BPN Kota")
    notice = send_notice(
        request, utama_officer, control="badan_lain", decision="", other_body=other
    )
    assert notice.other_body_name == "BPN Kota"
    assert request.outcome == Outcome.NOT_HELD


# --- extension ----------------------------------------------------------------------------


def test_one_extension_of_up_to_seven_working_days_with_reasons(make_request, office_a, officer_a):
    request = make_request(office=office_a)
    extension = services.request_extend(
        request, actor=officer_a, reasons="Dokumen tersebar di beberapa bidang"
    )
    request.refresh_from_db()
    assert extension.new_due_date == D3
    assert (request.due_date, request.due_date_original, request.due_date_extended) == (
        D3,
        D2,
        D3,
    )
    assert request.status == InformationRequest.Status.EXTENDED
    assert extension.letter_number == request.letters.get(kind=Letter.Kind.EXTENSION).number
    assert len(outbox("requester:extended")) == 1
    event = events_for(request).get(action="extended")
    assert event.reason == "Dokumen tersebar di beberapa bidang"


def test_a_shorter_extension_counts_working_days(make_request, office_a, officer_a):
    request = make_request(office=office_a)
    services.request_extend(request, actor=officer_a, reasons="Perlu waktu", working_days=3)
    assert request.due_date == datetime.date(2026, 7, 27)  # Thu, Fri, Mon


def test_the_extension_may_be_made_on_d2_itself(make_request, office_a, officer_a):
    request = make_request(office=office_a)
    with at(D2, 15):
        services.request_extend(request, actor=officer_a, reasons="Perlu waktu")
    assert request.due_date == D3


# --- fees and handover --------------------------------------------------------------------


def test_a_cost_in_the_notice_waits_for_payment_before_the_handover(
    make_request, office_a, utama_officer, officer_a
):
    request = make_request(office=office_a, copy_format="hardcopy", delivery_method="langsung")
    send_notice(request, utama_officer, cost=20_000, payment_method="Tunai di loket")
    assert request.status == InformationRequest.Status.AWAITING_PAYMENT
    fee = Fee.objects.get(request=request)
    assert fee.total == 20_000
    assert len(outbox("requester:fee_due")) == 1
    with pytest.raises(ValidationError):
        services.handover_record(request, actor=officer_a, method="langsung")
    services.fee_paid(fee, actor=officer_a, receipt_number="KW-001")
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.NOTIFIED
    assert request.letters.filter(kind=Letter.Kind.FEE_RECEIPT).exists()
    with pytest.raises(ValidationError):
        services.fee_paid(fee, actor=officer_a, receipt_number="KW-002")


def test_fees_are_added_from_the_tariff_after_the_notice(
    make_request, province, office_a, utama_officer, officer_a
):
    from ppid.foi.models import FeeTariff

    tariff = FeeTariff.objects.create(body=province, item="Fotokopi", unit="lembar", price=200)
    request = make_request(office=office_a, copy_format="hardcopy", delivery_method="pos")
    send_notice(request, utama_officer)
    fee = services.fee_add(
        request, actor=officer_a, item="", unit_price=999, quantity=50, tariff=tariff
    )
    assert (fee.item, fee.unit_price, fee.total) == ("Fotokopi", 200, 10_000)
    assert request.status == InformationRequest.Status.AWAITING_PAYMENT


def test_electronic_copies_by_email_are_free(make_request, office_a, officer_a):
    # F25: electronic copies are free.
    request = make_request(office=office_a)
    with pytest.raises(ValidationError):
        services.fee_add(request, actor=officer_a, item="Scan", unit_price=1000, quantity=1)
    assert not Fee.objects.exists()


def test_an_electronic_copy_is_handed_over_with_a_private_link_that_expires(
    make_request, office_a, utama_officer, officer_a
):
    request = make_request(office=office_a)
    send_notice(request, utama_officer)
    copy = SimpleUploadedFile("lra.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    handover, token = services.handover_record(request, actor=officer_a, method="email", file=copy)
    assert token and handover.download_hash != token
    assert handover.receipt_number == request.letters.get(kind=Letter.Kind.HANDOVER).number
    assert request.status == InformationRequest.Status.DELIVERED
    assert services.handover_by_token(token) == handover
    assert services.handover_by_token("nope") is None
    (mail,) = outbox("requester:handed_over")
    assert token in mail.body
    with at(datetime.date(2026, 7, 23)):
        assert services.handover_by_token(token) is None


def test_an_in_person_handover_gets_a_receipt(make_request, office_a, utama_officer, officer_a):
    request = make_request(office=office_a, copy_format="hardcopy", delivery_method="langsung")
    send_notice(request, utama_officer)
    handover, token = services.handover_record(
        request, actor=officer_a, method="langsung", received_by="Siti Warga"
    )
    assert token is None
    assert handover.receipt_number
    assert handover.privacy == Handover.Privacy.REQUESTER_ONLY


# --- referral, closing, withdrawal, survey ------------------------------------------------


def test_information_held_elsewhere_is_passed_to_that_bodys_utama(
    make_request, utama, other_office, utama_officer
):
    request = make_request(office=utama)
    send_notice(
        request, utama_officer, control="badan_lain", decision="", other_body=other_office.body
    )
    referral = services.request_refer(request, actor=utama_officer, other_body=other_office.body)
    assert referral.office == other_office
    assert referral.referred_from == request
    assert referral.registration_number == "PPID-KAB-LAIN/PERMOHONAN/2026/00001"
    assert referral.nik == request.nik
    assert referral.due_date == D2
    assert "referred" in actions(request)
    assert events_for(referral).first().changes["referred_from"] == request.registration_number
    assert referral.letters.filter(kind=Letter.Kind.RECEIPT).exists()
    with pytest.raises(ValidationError):
        services.request_refer(request, actor=utama_officer, other_body=other_office.body)


def test_a_body_outside_the_system_gets_no_referral(make_request, utama, utama_officer):
    request = make_request(office=utama)
    elsewhere = BodyFactory(name="Kementerian X")
    send_notice(request, utama_officer, control="badan_lain", decision="", other_body=elsewhere)
    assert services.request_refer(request, actor=utama_officer, other_body=elsewhere) is None
    assert InformationRequest.objects.count() == 1


def test_closing_invites_the_requester_to_the_survey(make_request, utama, utama_officer):
    request = make_request(office=utama)
    send_notice(request, utama_officer, control="tidak_dikuasai", decision="")
    services.request_close(request, actor=utama_officer, reason="Selesai")
    assert request.status == InformationRequest.Status.CLOSED
    assert request.closed_at is not None
    (mail,) = outbox("requester:closed")
    assert "/permohonan/lacak/" in mail.body
    survey = services.survey_submit(request, rating="4", comment="Cepat")
    assert survey.rating == 4
    with pytest.raises(ValidationError):
        services.survey_submit(request, rating=5)


@pytest.mark.parametrize("rating", [0, 6, "x", None, True, 2.5])
def test_survey_ratings_are_1_to_5(make_request, utama, utama_officer, rating):
    request = make_request(office=utama)
    send_notice(request, utama_officer)
    services.request_close(request, actor=utama_officer)
    with pytest.raises(ValidationError):
        services.survey_submit(request, rating=rating)


def test_the_requester_withdraws(make_request, citizen, office_a):
    request = make_request(user=citizen)
    services.request_withdraw(request, reason="Sudah dapat dari tempat lain", actor=citizen)
    assert request.status == InformationRequest.Status.WITHDRAWN
    event = events_for(request).get(action="withdrawn")
    assert (event.actor, event.actor_role) == (citizen, "requester")


def test_a_token_holder_withdraws_without_an_account(make_request):
    request = make_request()
    services.request_withdraw(request, reason="")
    assert request.status == InformationRequest.Status.WITHDRAWN


def test_nobody_else_withdraws_a_request(make_request, citizen, officer_b):
    request = make_request(user=citizen)
    for stranger in (UserFactory(), officer_b):
        with pytest.raises(PermissionDenied):
            services.request_withdraw(request, reason="", actor=stranger)
    assert request.status == InformationRequest.Status.REGISTERED


# --- clocks -------------------------------------------------------------------------------


def test_a_request_with_no_notice_by_d2_is_marked_late_once(make_request, office_a, officer_a):
    request = make_request(office=office_a)
    with at(D2, 23):
        assert services.mark_late() == 0
    with at(datetime.date(2026, 7, 23)):
        assert services.mark_late() == 1
        assert services.mark_late() == 0
    request.refresh_from_db()
    assert request.late_since == datetime.date(2026, 7, 23)
    assert request.is_late
    assert "marked_late" in actions(request)
    assert len(outbox("requester:late")) == 1
    assert [m.to for m in outbox("office:overdue")] == [officer_a.email]


def test_a_request_answered_in_time_is_never_late(make_request, utama, utama_officer):
    request = make_request(office=utama)
    send_notice(request, utama_officer)
    with at(datetime.date(2026, 8, 3)):
        assert services.mark_late() == 0
    request.refresh_from_db()
    assert request.late_since is None


def test_an_extended_request_is_late_only_after_d3(make_request, office_a, officer_a):
    request = make_request(office=office_a)
    services.request_extend(request, actor=officer_a, reasons="Perlu waktu")
    with at(datetime.date(2026, 7, 31)):
        assert services.mark_late() == 0
    with at(datetime.date(2026, 8, 1)):
        assert services.mark_late() == 1
    request.refresh_from_db()
    assert request.late_since == datetime.date(2026, 8, 1)


def test_offices_are_warned_once_of_requests_due_soon(make_request, office_a, officer_a):
    make_request(office=office_a)
    with at(datetime.date(2026, 7, 16)):  # D2 is 4 working days away
        services.mark_late()
    assert outbox("office:due_soon") == []
    with at(datetime.date(2026, 7, 17)):  # 3 working days away
        services.mark_late()
        services.mark_late()
    assert [m.to for m in outbox("office:due_soon")] == [officer_a.email]


def test_foi_tick_runs_the_clock(make_request, office_a):
    make_request(office=office_a)
    with at(datetime.date(2026, 7, 23)):
        out = io.StringIO()
        call_command("foi_tick", stdout=out)
        assert "1 request(s) newly marked late" in out.getvalue()
        from ppid.foi.tasks import foi_tick

        assert foi_tick.enqueue().return_value == {
            "marked_late": 0,
            "objections_unanswered": 0,
            "calendar_years_seeded": [],
        }
    assert InformationRequest.objects.get().late_since == datetime.date(2026, 7, 23)


def test_the_clock_seeds_next_years_calendar_once_and_asks_the_ppid_utama_to_review_it(
    utama_officer, officer_a
):
    # F44: an installation seeded in 2025 must still count 2027's holidays in December 2026.
    from ppid.core.calendar import calendar_seed
    from ppid.foi.tasks import run_clock

    calendar_seed([2026])
    with at(datetime.date(2026, 12, 1)):
        assert run_clock()["calendar_years_seeded"] == [2027]
        assert run_clock()["calendar_years_seeded"] == []
    assert CalendarDay.objects.filter(date=datetime.date(2027, 1, 1)).exists()
    (mail,) = outbox("office:calendar_review")
    assert mail.to == utama_officer.email  # the Pelaksana's officer is not asked
    assert mail.subject == "Tinjau kalender hari kerja 2027"
    assert "SKB" in mail.body and "/admin/calendar/" in mail.body


def test_a_calendar_change_recomputes_an_open_requests_deadlines(make_request, office_a, officer_a):
    request = make_request(office=office_a)
    closed = make_request(office=office_a)
    services.request_withdraw(closed, reason="")
    CalendarDay.objects.create(
        date=datetime.date(2026, 7, 15), name="Libur daerah", kind="libur_khusus", origin="manual"
    )
    assert services.request_recompute_deadlines(request, reason="Kalender berubah") is True
    assert request.due_date == request.due_date_original == datetime.date(2026, 7, 23)
    event = events_for(request).get(action="deadline_recomputed")
    assert event.changes["due_date"] == ["2026-07-22", "2026-07-23"]
    assert services.request_recompute_deadlines(request, reason="Lagi") is False
    assert services.request_recompute_deadlines(closed, reason="Kalender berubah") is False
    assert closed.due_date == D2


# --- objection grounds --------------------------------------------------------------------


def test_grounds_follow_the_case(make_request, utama, utama_officer):
    # F28: b is always offered; c once D2 passed with no notice.
    request = make_request(office=utama)
    assert dict(services.grounds_available(request)) == {"b": datetime.date(2026, 7, 8)}
    today = datetime.date(2026, 7, 24)
    assert dict(services.grounds_available(request, today=today)) == {
        "b": today,
        "c": datetime.date(2026, 7, 23),
    }


@pytest.mark.parametrize(
    ("fields", "ground"),
    [
        ({"decision": "ditolak", "rejection_ground": "h", "rejection_reasons": "Data pribadi"},
         "a"),
        ({"decision": "diterima_sebagian", "redactions": "NIK dihitamkan (Pasal 17 h)"}, "d"),
        ({"control": "tidak_dikuasai", "decision": ""}, "e"),
    ],
)  # fmt: skip
def test_the_notice_opens_its_ground_on_the_day_it_is_sent(
    make_request, utama, utama_officer, fields, ground
):
    request = make_request(office=utama)
    with at(datetime.date(2026, 7, 10)):
        send_notice(request, utama_officer, **fields)
    grounds = dict(services.grounds_available(request))
    assert grounds[ground] == datetime.date(2026, 7, 10)
    assert "c" not in grounds


def test_fees_and_a_late_handover_open_grounds_f_and_g(
    make_request, utama, utama_officer, officer_a
):
    request = make_request(office=utama, copy_format="hardcopy", delivery_method="langsung")
    with at(datetime.date(2026, 7, 24)):
        send_notice(request, utama_officer, cost=5000, payment_method="Tunai")
        fee = request.fees.get()
        services.fee_paid(fee, actor=utama_officer, receipt_number="KW-9")
    with at(datetime.date(2026, 7, 27)):
        services.handover_record(request, actor=utama_officer, method="langsung")
    grounds = dict(services.grounds_available(request))
    assert grounds["f"] == datetime.date(2026, 7, 24)
    assert grounds["g"] == datetime.date(2026, 7, 27)
    assert grounds["c"] == datetime.date(2026, 7, 23)  # the notice came late


def test_the_services_leave_personal_data_out_of_events(make_request, utama, utama_officer):
    request = make_request(office=utama)
    send_notice(request, utama_officer)
    services.request_close(request, actor=utama_officer)
    for event in events_for(request):
        text = f"{event.changes} {event.reason}"
        assert VALID_NIK not in text and "081234567890" not in text and "Tjilik" not in text


def test_an_expired_appointment_acts_on_nothing(make_request, office_a, expired_officer):
    request = make_request(office=office_a)
    with pytest.raises(PermissionDenied):
        services.request_extend(request, actor=expired_officer, reasons="x")
    with pytest.raises(PermissionDenied):
        services.notice_draft(request, actor=expired_officer, **GRANT)


def test_a_service_desk_officer_handles_but_the_utama_sends(make_request, utama):
    desk = AppointmentFactory(office=utama, role=Role.SERVICE_DESK).user
    request = make_request(office=utama)
    notice = services.notice_draft(request, actor=desk, **GRANT)
    with pytest.raises(ValidationError):
        services.notice_send(notice, actor=desk)
    assert notice.state == Notice.State.DRAFT
