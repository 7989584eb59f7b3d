"""Objection services (domain.md F28–F31, §14.2, §17 #1 and #5): filing, deliberation,
the Atasan's decision, the requester's reply, the unanswered flag, numbering."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from ppid.core.events import events_for
from ppid.core.models import OutboxMessage
from ppid.foi import objections
from ppid.foi.models import InformationRequest, Letter, Objection, Outcome
from ppid.foi.services import notice_draft, notice_send

WIB = ZoneInfo("Asia/Jakarta")
# Monday 2 November 2026, 09:00 WIB: no holiday within the next weeks of these tests.
MONDAY = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' password hashing dominates these tests on a busy machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(day: datetime.date, hour: int = 10):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), WIB), tick=False)


def reject(request, *, drafter, sender):
    notice = notice_draft(
        request,
        actor=drafter,
        control="dikuasai",
        decision=Outcome.REJECTED,
        rejection_ground="b",
        rejection_reasons="Membuka informasi ini menghambat penyidikan yang sedang berjalan.",
    )
    return notice_send(notice, actor=sender)


@pytest.fixture
def request_a(make_request, office_a):
    with at(MONDAY.date()):
        return make_request(office=office_a)


@pytest.fixture
def rejected(request_a, officer_a, utama_officer):
    """Request A, refused under Pasal 17 on day 3 (Thursday 5 November)."""
    with at(datetime.date(2026, 11, 5)):
        reject(request_a, drafter=officer_a, sender=utama_officer)
    request_a.refresh_from_db()
    return request_a


def file(request, grounds=("a",), day=datetime.date(2026, 11, 5), **kwargs):
    kwargs.setdefault("case_description", "Penolakan tidak beralasan; informasi ini terbuka.")
    with at(day, 11):
        return objections.objection_file(request, grounds=grounds, **kwargs)


# --- grounds (F28: an exhaustive list of codes, §17 #5) ----------------------------------


@pytest.mark.parametrize(
    "grounds",
    [[], None, "a", 5, [1], ["h"], ["a", "zz"], ["penolakan tidak sah"], ["A; juga biaya"]],
    ids=[
        "empty",
        "none",
        "string",
        "number",
        "number-list",
        "unknown-code",
        "one-unknown",
        "free-text",
        "mixed-text",
    ],  # fmt: skip
)
def test_grounds_other_than_codes_a_to_g_are_refused(rejected, grounds):
    with pytest.raises(ValidationError) as error:
        file(rejected, grounds=grounds)
    assert "grounds" in error.value.message_dict
    assert not Objection.objects.exists()


def test_grounds_are_stored_as_sorted_unique_codes(rejected):
    objection = file(rejected, grounds=["f", "A", "a"])
    assert objection.grounds == ["a", "f"]


def test_a_case_description_is_required(rejected):
    with pytest.raises(ValidationError) as error:
        file(rejected, case_description="   ")
    assert "case_description" in error.value.message_dict


@pytest.mark.parametrize("description", ["ok\x00not ok", 123, "x" * 5001])
def test_a_description_that_is_not_plain_text_is_refused(rejected, description):
    with pytest.raises(ValidationError):
        file(rejected, case_description=description)
    assert not Objection.objects.exists()


# --- filing: no minimum wait (§17 #1), late accepted with a warning (§14.2) --------------


def test_an_objection_on_day_3_after_a_rejection_is_accepted_at_once(rejected):
    objection = file(rejected, day=datetime.date(2026, 11, 5))
    assert objection.status == Objection.Status.FILED
    assert objection.ground_found_on == datetime.date(2026, 11, 5)
    assert objection.filed_late is False
    # D4 = 30 working days after the refusal (F30(1)): 6 Nov .. 17 Dec 2026, weekends skipped.
    assert objection.filing_due_date == datetime.date(2026, 12, 17)


def test_an_objection_filed_after_d4_is_accepted_and_marked_late(rejected):
    objection = file(rejected, day=datetime.date(2027, 1, 29))
    assert objection.pk is not None
    assert objection.filed_late is True
    assert objection.ground_found_on == datetime.date(2026, 11, 5)


def test_the_desk_may_give_the_date_the_ground_was_found(rejected, officer_a):
    objection = file(
        rejected,
        actor=officer_a,
        channel="langsung",
        ground_found_on=datetime.date(2026, 11, 6),
        day=datetime.date(2026, 11, 9),
    )
    assert objection.ground_found_on == datetime.date(2026, 11, 6)
    assert objection.created_by == officer_a
    assert objection.channel == "langsung"


def test_a_ground_date_in_the_future_is_refused(rejected, officer_a):
    with pytest.raises(ValidationError) as error:
        file(rejected, actor=officer_a, ground_found_on=datetime.date(2026, 12, 1))
    assert "ground_found_on" in error.value.message_dict


def test_another_offices_officer_cannot_record_an_objection(rejected, officer_b):
    with pytest.raises(PermissionDenied):
        file(rejected, actor=officer_b)


def test_a_withdrawn_request_cannot_be_objected_to(request_a):
    from ppid.foi.services import request_withdraw

    with at(MONDAY.date()):
        request_withdraw(request_a, reason="Tidak jadi")
    with pytest.raises(ValidationError):
        file(request_a, grounds=["c"])


def test_a_second_objection_waits_for_the_first_to_be_answered(rejected):
    first = file(rejected)
    with pytest.raises(ValidationError) as error:
        file(rejected, grounds=["f"])
    assert first.registration_number in error.value.messages[0]


def test_filing_records_events_letter_and_notifications(rejected):
    objection = file(rejected)
    assert [e.action for e in events_for(objection)] == ["filed"]
    assert "objection_filed" in [e.action for e in events_for(rejected)]
    letter = Letter.objects.get(objection=objection)
    assert letter.kind == Letter.Kind.OBJECTION_RECEIPT
    assert OutboxMessage.objects.filter(kind="requester:objection_filed").count() == 1
    assert OutboxMessage.objects.filter(kind="office:objection_filed").exists()


def test_the_atasan_of_the_body_is_recorded(rejected, atasan):
    objection = file(rejected)
    assert objection.atasan.user == atasan


def test_the_same_submission_key_files_one_objection(rejected):
    first = file(rejected, submission_key="form-token-1")
    again = file(rejected, submission_key="form-token-1")
    assert again.pk == first.pk
    assert Objection.objects.count() == 1


def test_numbers_are_gap_free_per_utama_office_and_year(make_request, office_a, office_b):
    with at(MONDAY.date()):
        requests = [make_request(office=office_a), make_request(office=office_b)]
        requests.append(make_request(office=office_a))
    numbers = [file(r, grounds=["b"], day=MONDAY.date()) for r in requests]
    # Both agencies are under the province's PPID Utama: one series (its Atasan decides).
    assert [o.number_seq for o in numbers] == [1, 2, 3]
    assert numbers[0].registration_number == "PPID-UTAMA-UJI/KEBERATAN/2026/00001"
    assert len({o.registration_number for o in numbers}) == 3


def test_a_refused_filing_gives_its_number_back(rejected, make_request, office_a):
    with pytest.raises(ValidationError):
        file(rejected, grounds=["x"])
    assert file(rejected).number_seq == 1


# --- deliberation (F29: only when every ground is b–g) -----------------------------------


def test_deliberation_is_refused_when_ground_a_is_chosen(rejected, officer_a):
    objection = file(rejected, grounds=["a", "f"])
    with pytest.raises(ValidationError):
        objections.objection_deliberate(objection, actor=officer_a)
    objection.refresh_from_db()
    assert objection.status == Objection.Status.FILED


def test_grounds_b_to_g_may_be_settled_by_deliberation(rejected, officer_a):
    objection = file(rejected, grounds=["d", "f"])
    objections.objection_deliberate(objection, actor=officer_a, note="Bertemu 10 November")
    objections.objection_settle(objection, actor=officer_a, agreement="Biaya diturunkan.")
    objection.refresh_from_db()
    assert objection.status == Objection.Status.SETTLED
    assert objection.decision_reasons == "Biaya diturunkan."
    assert [e.action for e in events_for(objection)] == [
        "filed",
        "deliberation_started",
        "settled",
    ]


def test_settling_needs_the_agreement_and_an_open_deliberation(rejected, officer_a):
    objection = file(rejected, grounds=["f"])
    with pytest.raises(ValidationError):
        objections.objection_settle(objection, actor=officer_a, agreement="x")
    objections.objection_deliberate(objection, actor=officer_a)
    with pytest.raises(ValidationError):
        objections.objection_settle(objection, actor=officer_a, agreement="")


def test_another_office_cannot_open_deliberation(rejected, officer_b):
    objection = file(rejected, grounds=["f"])
    with pytest.raises(PermissionDenied):
        objections.objection_deliberate(objection, actor=officer_b)


# --- review by the Atasan (§14.2 DIPROSES_ATASAN) ----------------------------------------


def test_the_atasan_takes_an_objection_up_after_a_failed_deliberation(rejected, officer_a, atasan):
    objection = file(rejected, grounds=["f"])
    objections.objection_deliberate(objection, actor=officer_a)
    objections.objection_review(objection, actor=atasan, note="Tim Pertimbangan dibentuk")
    objection.refresh_from_db()
    assert objection.status == Objection.Status.IN_REVIEW
    event = events_for(objection).last()
    assert (event.action, event.actor_role, event.reason) == (
        "review_started",
        "atasan_ppid",
        "Tim Pertimbangan dibentuk",
    )
    # Under review, deliberation may still be tried and the Atasan decides.
    objections.objection_decide(objection, actor=atasan, decision="grant", reasons="")
    objection.refresh_from_db()
    assert objection.status == Objection.Status.GRANTED


@pytest.mark.parametrize("who", ["officer_a", "utama_officer", "officer_b", "outsider"])
def test_only_the_atasan_takes_an_objection_up(rejected, request, who):
    objection = file(rejected)
    with pytest.raises(PermissionDenied):
        objections.objection_review(objection, actor=request.getfixturevalue(who))
    objection.refresh_from_db()
    assert objection.status == Objection.Status.FILED


def test_an_answered_objection_cannot_be_taken_up_again(rejected, atasan):
    objection = file(rejected)
    objections.objection_decide(objection, actor=atasan, decision="uphold", reasons="Pasal 17")
    with pytest.raises(ValidationError):
        objections.objection_review(objection, actor=atasan)


# --- decision (F30(2)-(3)): only the Atasan; uphold needs reasons ------------------------


def test_upholding_without_written_reasons_is_refused(rejected, atasan):
    objection = file(rejected)
    with pytest.raises(ValidationError) as error:
        objections.objection_decide(objection, actor=atasan, decision="uphold", reasons=" ")
    assert "reasons" in error.value.message_dict
    objection.refresh_from_db()
    assert objection.status == Objection.Status.FILED


@pytest.mark.parametrize("who", ["officer_a", "utama_officer", "officer_b", "outsider", "citizen"])
def test_only_the_atasan_decides(rejected, request, who):
    objection = file(rejected)
    with pytest.raises(PermissionDenied):
        objections.objection_decide(
            objection, actor=request.getfixturevalue(who), decision="uphold", reasons="Sah."
        )


def test_an_unknown_decision_is_refused(rejected, atasan):
    objection = file(rejected)
    with pytest.raises(ValidationError):
        objections.objection_decide(objection, actor=atasan, decision="maybe", reasons="x")


def test_upholding_records_reasons_letter_and_atasan(rejected, atasan):
    objection = file(rejected)
    with at(datetime.date(2026, 11, 20)):
        objections.objection_decide(
            objection, actor=atasan, decision="uphold", reasons="Pengecualian sah (Pasal 17 b)."
        )
    objection.refresh_from_db()
    assert objection.status == Objection.Status.UPHELD
    assert objection.atasan.user == atasan
    assert objection.decided_at is not None
    assert objection.letters.filter(kind=Letter.Kind.OBJECTION_DECISION).count() == 1
    # D6 (F32): 14 working days after the response (Fri 20 Nov 2026): Thu 10 Dec 2026.
    assert objections.dispute_filing_due(objection) == datetime.date(2026, 12, 10)


def test_granting_returns_the_request_to_fulfilment(rejected, atasan):
    objection = file(rejected)
    objections.objection_decide(objection, actor=atasan, decision="grant", reasons="")
    rejected.refresh_from_db()
    assert rejected.status == InformationRequest.Status.IN_PROGRESS
    assert rejected.outcome == Outcome.REJECTED  # the old notice stays on file
    assert rejected.notices.filter(state="sent").count() == 1
    actions = [e.action for e in events_for(rejected)]
    assert "objection_granted" in actions and "objection_decided" in actions


def test_a_granted_objection_is_carried_out_by_a_new_notice_and_handover(
    rejected, atasan, officer_a, utama_officer
):
    """§14.2 DIKABULKAN: back to fulfilment, so the PPID sends one new notice (granting
    now), which replaces the outcome, and then hands the information over."""
    from ppid.foi.services import handover_record

    with at(datetime.date(2026, 11, 6)):
        objection = file(rejected)
        objections.objection_decide(objection, actor=atasan, decision="grant", reasons="")
    with at(datetime.date(2026, 11, 9)):
        notice = notice_draft(
            rejected,
            actor=officer_a,
            control="dikuasai",
            decision=Outcome.GRANTED_FULL,
            material="Salinan dokumen yang diminta.",
            delivery_method="email",
            copy_format="softcopy",
        )
        notice_send(notice, actor=utama_officer)
        assert notice.objection == objection
        # Only one notice per granted objection.
        with pytest.raises(ValidationError):
            notice_draft(
                rejected, actor=officer_a, control="dikuasai", decision=Outcome.GRANTED_FULL
            )
        rejected.refresh_from_db()
        assert rejected.outcome == Outcome.GRANTED_FULL
        assert rejected.notices.filter(state="sent").count() == 2
        handover_record(rejected, actor=utama_officer, method="langsung", received_by="Pemohon")
    rejected.refresh_from_db()
    assert rejected.status == InformationRequest.Status.DELIVERED


def test_a_decided_objection_cannot_be_decided_again(rejected, atasan):
    objection = file(rejected)
    objections.objection_decide(objection, actor=atasan, decision="grant", reasons="")
    with pytest.raises(ValidationError):
        objections.objection_decide(objection, actor=atasan, decision="uphold", reasons="x")


def test_the_parent_bodys_atasan_decides_when_the_body_has_none(
    make_request, other_office, atasan, utama
):
    # F48: a body without its own Atasan falls back to its parent body's.
    other_office.body.parent = utama.body
    other_office.body.save()
    with at(MONDAY.date()):
        case = make_request(office=other_office)
    objection = file(case, grounds=["b"], day=MONDAY.date())
    assert objection.atasan.user == atasan
    assert objections.objections_for_staff(atasan).filter(pk=objection.pk).exists()
    objections.objection_decide(objection, actor=atasan, decision="grant", reasons="")


# --- unanswered (D5 lapse) and the requester's reply (column k) --------------------------


def test_mark_unanswered_flags_objections_past_d5_once(rejected):
    objection = file(rejected)
    assert objections.mark_unanswered(objection.due_date) == 0
    later = objection.due_date + datetime.timedelta(days=1)
    assert objections.mark_unanswered(later) == 1
    assert objections.mark_unanswered(later) == 0
    objection.refresh_from_db()
    assert objection.not_answered_since == later
    assert OutboxMessage.objects.filter(kind="requester:objection_unanswered").count() == 1


def test_the_requester_replies_once_to_a_response(rejected, atasan):
    objection = file(rejected)
    with pytest.raises(ValidationError):
        objections.objection_reply(objection, reply="puas")
    objections.objection_decide(objection, actor=atasan, decision="uphold", reasons="Sah.")
    objections.objection_reply(objection, reply="tidak_puas")
    objection.refresh_from_db()
    assert objection.requester_reply == "tidak_puas"
    with pytest.raises(ValidationError):
        objections.objection_reply(objection, reply="puas")


def test_a_reply_must_be_satisfied_or_not(rejected, atasan):
    objection = file(rejected)
    objections.objection_decide(objection, actor=atasan, decision="uphold", reasons="Sah.")
    with pytest.raises(ValidationError):
        objections.objection_reply(objection, reply="maybe")


# --- scope ---------------------------------------------------------------------------------


def test_staff_scope(rejected, officer_a, officer_b, utama_officer, atasan, outsider, superuser):
    objection = file(rejected)

    def sees(user):
        return objections.objections_for_staff(user).filter(pk=objection.pk).exists()

    assert sees(officer_a) and sees(utama_officer) and sees(atasan) and sees(superuser)
    assert not sees(officer_b) and not sees(outsider)
