"""Bad input in the monev back office: every form answers 400 with its errors in the
user's language and changes nothing; no input gives a 5xx (issue 5 §8: a questionnaire
submitted late is refused with a clear message; closed periods are immutable)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ppid.monev.models import Answer, Participant, Period, Question, Stage

from .conftest import PDF_BYTES, WIB, fill_and_submit, fill_questionnaire, level_for
from .test_backoffice import answer_data, client_for, rows, url

pytestmark = pytest.mark.django_db


def question(period, code) -> Question:
    return Question.objects.get(indicator__period=period, code=code)


# --- the body's questionnaire -----------------------------------------------------------------
def test_a_level_of_another_question_is_refused(officer_a, participant_a):
    q11, q12 = question(participant_a.period, "1.1"), question(participant_a.period, "1.2")
    response = client_for(officer_a).post(
        url("answer_save", participant_a.token, q11.pk),
        {f"q{q11.pk}-level": level_for(q12, 100).pk, f"q{q11.pk}-evidence_file": SimpleUploadedFile(
            "bukti.pdf", PDF_BYTES, content_type="application/pdf")},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.context["sections"][0]["rows"][0]["form"].errors["level"]
    assert not Answer.objects.exists()


def test_errors_are_in_the_users_language(officer_a, participant_a):
    from wagtail.users.models import UserProfile

    q11 = question(participant_a.period, "1.1")
    path = url("answer_save", participant_a.token, q11.pk)
    response = client_for(officer_a).post(path, {})
    assert response.status_code == 400
    assert "Isian ini wajib diisi." in response.content.decode()  # Indonesian by default
    profile = UserProfile.get_for_user(officer_a)
    profile.preferred_language = "en"
    profile.save()
    response = client_for(officer_a).post(path, {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


@pytest.mark.parametrize("level", ["", "abc", "99999999999999999999999", "-1"])
def test_a_missing_or_garbage_level_is_refused(officer_a, participant_a, level):
    q11 = question(participant_a.period, "1.1")
    response = client_for(officer_a).post(url("answer_save", participant_a.token, q11.pk),
                                          {f"q{q11.pk}-level": level})  # fmt: skip
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_an_oversize_evidence_file_is_refused(officer_a, participant_a):
    # F54: the period's limit (here 2 KB) bounds each evidence file.
    period = participant_a.period
    Period.objects.filter(pk=period.pk).update(evidence_max_bytes=2048)
    q11 = question(period, "1.1")
    big = PDF_BYTES + b"%" + b"x" * 4096 + b"\n"
    response = client_for(officer_a).post(
        url("answer_save", participant_a.token, q11.pk),
        answer_data(q11, 100, evidence_file=SimpleUploadedFile("besar.pdf", big)),
    )
    assert response.status_code == 400
    form = response.context["sections"][0]["rows"][0]["form"]
    assert form.errors
    assert not Answer.objects.exists()


@pytest.mark.parametrize("name, content", [
    ("bukti.pdf", b"MZ\x90\x00\x03\x00\x00\x00binary"),  # a program named .pdf
    ("bukti.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # a picture named .pdf
    ("bukti.exe", PDF_BYTES),  # a PDF with a dangerous name
    ("bukti.pdf", b""),  # empty
])  # fmt: skip
def test_a_file_that_is_not_a_pdf_is_refused(officer_a, participant_a, name, content):
    q11 = question(participant_a.period, "1.1")
    response = client_for(officer_a).post(
        url("answer_save", participant_a.token, q11.pk),
        answer_data(q11, 100, evidence_file=SimpleUploadedFile(name, content)),
    )
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_a_bad_evidence_link_is_refused(officer_a, participant_a):
    q12 = question(participant_a.period, "1.2")  # LINK question: a bad link is refused
    response = client_for(officer_a).post(
        url("answer_save", participant_a.token, q12.pk),
        {f"q{q12.pk}-level": level_for(q12, 100).pk, f"q{q12.pk}-evidence_link": "javascript:x"},
    )
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_answers_and_submission_after_the_deadline_are_refused(officer_a, participant_a):
    """F54: the SAQ's last day is inclusive until 23:59:59 WIB; the next day is late."""
    period = participant_a.period
    saq = period.stages.get(kind=Stage.Kind.QUESTIONNAIRE)
    fill_questionnaire(participant_a, officer_a, 100)
    late = datetime.datetime.combine(saq.closes_on + datetime.timedelta(days=1),
                                     datetime.time(0, 0, 30), tzinfo=WIB)  # fmt: skip
    q11 = question(period, "1.1")
    with time_machine.travel(late, tick=False):
        client = client_for(officer_a)
        response = client.post(url("answer_save", participant_a.token, q11.pk),
                               answer_data(q11, 0))  # fmt: skip
        assert response.status_code == 400
        response = client.post(url("questionnaire_submit", participant_a.token))
        assert response.status_code == 400
        message = " ".join(response.context["extra"])
        assert str(saq.closes_on.year) in message  # the message names the deadline
    participant_a.refresh_from_db()
    assert participant_a.status == Participant.Status.REGISTERED
    assert Answer.objects.get(participant=participant_a, question=q11).level.score == 100


def test_submission_on_the_last_evening_is_accepted(officer_a, participant_a):
    period = participant_a.period
    saq = period.stages.get(kind=Stage.Kind.QUESTIONNAIRE)
    fill_questionnaire(participant_a, officer_a, 100)
    evening = datetime.datetime.combine(saq.closes_on, datetime.time(23, 59), tzinfo=WIB)
    with time_machine.travel(evening, tick=False):
        response = client_for(officer_a).post(url("questionnaire_submit", participant_a.token))
    assert response.status_code == 302
    participant_a.refresh_from_db()
    assert participant_a.status == Participant.Status.SUBMITTED


def test_an_objection_outside_the_window_is_refused(officer_a, participant_a, verifier):
    from .conftest import verify_all

    fill_and_submit(participant_a, officer_a, 100)
    verify_all(participant_a, verifier)
    answer = Answer.objects.get(participant=participant_a, question__code="1.1")
    response = client_for(officer_a).post(url("objection_lodge", participant_a.token, answer.pk),
                                          {f"o{answer.pk}-reason": "Terlambat."})  # fmt: skip
    assert response.status_code == 400
    assert not answer.objections.exists()


# --- evaluators -------------------------------------------------------------------------------
def test_verifying_with_a_wrong_level_changes_nothing(officer_a, participant_a, verifier):
    fill_and_submit(participant_a, officer_a, 100)
    answer = Answer.objects.get(participant=participant_a, question__code="1.1")
    other = question(participant_a.period, "2.1")
    client = client_for(verifier)
    for level in (level_for(other, 0).pk, "", "x"):
        response = client.post(url("answer_verify", participant_a.token, answer.pk),
                               {f"v{answer.pk}-level": level})  # fmt: skip
        assert response.status_code == 400
    answer.refresh_from_db()
    assert answer.verified_level_id is None


def test_verifying_before_submission_is_refused(participant_a, officer_a, verifier):
    [answer] = [a for a in fill_questionnaire(participant_a, officer_a, 100)
                if a.question.code == "1.1"]  # fmt: skip
    response = client_for(verifier).post(url("answer_verify", participant_a.token, answer.pk),
                                         {f"v{answer.pk}-level": answer.level_id})  # fmt: skip
    assert response.status_code == 400
    answer.refresh_from_db()
    assert answer.verified_level_id is None


@pytest.mark.parametrize("score", ["150", "-1", "abc", ""])
def test_panel_scores_out_of_range_are_refused(participant_a, panel_member, score):
    response = client_for(panel_member).post(url("panel_score", participant_a.token, "visit"),
                                             {"panel-visit-score": score})  # fmt: skip
    assert response.status_code == 400
    assert not participant_a.panel_scores.exists()


def test_an_unknown_panel_stage_is_not_found(participant_a, panel_member):
    response = client_for(panel_member).post(url("panel_score", participant_a.token, "saq"),
                                             {"panel-saq-score": "80"})  # fmt: skip
    assert response.status_code == 404


def test_an_upheld_objection_needs_a_level(officer_a, participant_a, verifier):
    from ppid.monev import services

    from .conftest import stage_moment, verify_all

    fill_and_submit(participant_a, officer_a, 100)
    verify_all(participant_a, verifier, scores=50)
    answer = Answer.objects.get(participant=participant_a, question__code="1.1")
    moment = stage_moment(participant_a.period, Stage.Kind.OBJECTION)
    objection = services.objection_lodge(user=officer_a, answer=answer, reason="Lengkap.",
                                         now=moment)  # fmt: skip
    response = client_for(verifier).post(
        url("objection_decide", participant_a.token, objection.pk),
        {f"d{objection.pk}-decision": "upheld", f"d{objection.pk}-note": "Ya."},
    )
    assert response.status_code == 400
    objection.refresh_from_db()
    answer.refresh_from_db()
    assert objection.decision == "" and answer.verified_level.score == Decimal("50")


# --- configuration ----------------------------------------------------------------------------
BANDS_WITH_A_GAP = [
    {"key": "informatif", "name": "Informatif", "min_score": "90", "max_score": ""},
    {"key": "menuju", "name": "Menuju Informatif", "min_score": "80", "max_score": "85"},
    {"key": "bawah", "name": "Di bawah", "min_score": "0", "max_score": "80"},
]


@pytest.mark.parametrize("data", [
    rows("bands", BANDS_WITH_A_GAP),  # 85-90 uncovered (F51)
    rows("bands", [{"key": "semua", "name": "Semua", "min_score": "0", "max_score": "100"}]),
    rows("bands", [{"key": "Bukan Slug!", "name": "X", "min_score": "0", "max_score": ""}]),
    rows("bands", [{"key": "x", "name": "X", "min_score": "-5", "max_score": ""}]),
    rows("bands", []),
    {},  # no management form
])  # fmt: skip
def test_bad_bands_change_nothing(monev_admin, monev_period, data):
    before = list(monev_period.bands.values_list("key", "min_score", "max_score"))
    response = client_for(monev_admin).post(url("period_bands", monev_period.token), data)
    assert response.status_code == 400
    assert list(monev_period.bands.values_list("key", "min_score", "max_score")) == before


def test_a_category_in_use_cannot_be_removed(monev_admin, open_period):
    Period.objects.filter(pk=open_period.pk).update(status=Period.Status.DRAFT)
    response = client_for(monev_admin).post(
        url("period_categories", open_period.token),
        rows("categories", [{"key": "kabkota", "name": "Kabupaten/Kota"}]),
    )
    assert response.status_code == 400
    assert open_period.categories.filter(key="opd").exists()


@pytest.mark.parametrize("change", [
    {"saq-closes_on": "2000-01-01"},  # before it opens
    {"saq-opens_on": "kemarin"},
    {"saq-weight": "101"},
    {"visit-weight": "30"},  # weights total 110: refused? at opening, see period_problems
])  # fmt: skip
def test_bad_stage_dates_change_nothing(monev_admin, monev_period, change):
    data = {}
    for stage in monev_period.stages.all():
        data[f"{stage.kind}-opens_on"] = stage.opens_on.isoformat()
        data[f"{stage.kind}-closes_on"] = stage.closes_on.isoformat()
        if stage.kind in Stage.WEIGHTED:
            data[f"{stage.kind}-weight"] = str(stage.weight)
    data.update(change)
    before = list(monev_period.stages.values_list("kind", "opens_on", "closes_on", "weight"))
    response = client_for(monev_admin).post(url("period_stages", monev_period.token), data)
    if "visit-weight" in change:
        # Weights are checked as a whole before opening (period_problems), not per save.
        assert response.status_code in (302, 400)
        if response.status_code == 302:
            page = client_for(monev_admin).get(url("period", monev_period.token))
            assert page.context["problems"]
        return
    assert response.status_code == 400
    after = list(monev_period.stages.values_list("kind", "opens_on", "closes_on", "weight"))
    assert after == before


@pytest.mark.parametrize("data", [
    {"code": "I9", "name": "Terlalu berat", "weight": "101", "order": "0"},
    {"code": "", "name": "Tanpa kode", "weight": "10", "order": "0"},
    {"code": "I1", "name": "Kode kembar", "weight": "10", "order": "0"},
    {"code": "I9", "name": "X", "weight": "abc", "order": "-3"},
])  # fmt: skip
def test_bad_indicators_change_nothing(monev_admin, monev_period, data):
    before = monev_period.indicators.count()
    response = client_for(monev_admin).post(url("period_indicators", monev_period.token), data)
    assert response.status_code == 400
    assert monev_period.indicators.count() == before


@pytest.mark.parametrize("levels", [
    [{"label": "Hanya satu", "score": "100"}],  # at least two
    [{"label": "A", "score": "80"}, {"label": "B", "score": "0"}],  # none scores 100
    [{"label": "A", "score": "100"}, {"label": "B", "score": "120"}],  # above 100
])  # fmt: skip
def test_bad_questions_change_nothing(monev_admin, monev_period, levels):
    indicator = monev_period.indicators.get(code="I1")
    before = Question.objects.filter(indicator=indicator).count()
    response = client_for(monev_admin).post(url("question_create", monev_period.token,
                                                indicator.pk), {
        "code": "1.9", "text": "Pertanyaan baru?", "weight": "1", "evidence": "file",
        "order": "0", **rows("levels", levels),
    })  # fmt: skip
    assert response.status_code == 400
    assert Question.objects.filter(indicator=indicator).count() == before


def test_a_period_with_problems_cannot_open(monev_admin, monev_period):
    indicator = monev_period.indicators.get(code="I1")
    indicator.weight = Decimal("50")  # the weights now total 90
    indicator.save(update_fields=["weight"])
    response = client_for(monev_admin).post(url("period_open", monev_period.token))
    assert response.status_code == 400
    assert response.context["errors"]
    monev_period.refresh_from_db()
    assert monev_period.status == Period.Status.DRAFT


def test_a_closed_period_is_immutable(monev_admin, published_period):
    admin = client_for(monev_admin)
    token = published_period.token
    attempts = [
        ("period_settings", {"title": "Diubah", "commission": "internal",
                             "presentation_threshold": "0", "evidence_max_mb": "2"}),
        ("period_bands", rows("bands", [{"key": "x", "name": "X", "min_score": "0",
                                         "max_score": ""}])),
        ("period_categories", rows("categories", [{"key": "x", "name": "X"}])),
        ("period_indicators", {"code": "I9", "name": "Baru", "weight": "1", "order": "0"}),
        ("period_compute", {}),
        ("period_open", {}),
        ("period_close", {}),
        ("period_publish", {}),
    ]  # fmt: skip
    before = (
        published_period.title,
        published_period.published_at,
        list(published_period.participants.values_list("final_score", "rank")),
    )
    for name, data in attempts:
        response = admin.post(url(name, token), data)
        assert response.status_code == 400, name
    published_period.refresh_from_db()
    assert (
        published_period.title,
        published_period.published_at,
        list(published_period.participants.values_list("final_score", "rank")),
    ) == before
    assert published_period.bands.count() == 5


def test_bad_history_entries_change_nothing(monev_admin, province):
    from ppid.monev.models import HistoricalResult

    admin = client_for(monev_admin)
    for data in [
        {"body": province.pk, "year": "1800", "commission": "ki_pusat", "qualification": "X"},
        {"body": province.pk, "year": "2018", "commission": "nope", "qualification": "X"},
        {"body": "999999", "year": "2018", "commission": "ki_pusat", "qualification": "X"},
        {
            "body": province.pk,
            "year": "2018",
            "commission": "ki_pusat",
            "qualification": "X",
            "score": "101",
            "rank": "0",
            "source_url": "not a url",
        },
    ]:
        assert admin.post(url("history"), data).status_code == 400
    assert not HistoricalResult.objects.exists()


@pytest.mark.parametrize("path", [
    "/admin/monev/p/nope/",
    "/admin/monev/q/nope/",
    "/admin/monev/e/nope/",
    "/admin/monev/evidence/99999999999999999999999999/",
    "/admin/monev/p/x/indicators/99999999999999999999999/",
])  # fmt: skip
def test_unknown_or_huge_keys_are_not_found(monev_admin, path):
    assert client_for(monev_admin).get(path).status_code == 404


def test_a_huge_question_number_is_not_found(officer_a, participant_a, monev_admin):
    response = client_for(officer_a).post(
        f"/admin/monev/q/{participant_a.token}/answers/99999999999999999999999/", {}
    )
    assert response.status_code == 404
    response = client_for(monev_admin).get(
        reverse("monev_admin:indicator_edit", args=[participant_a.period.token, 2**63 - 1])
    )
    assert response.status_code == 404
