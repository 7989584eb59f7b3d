"""The monev back office through its forms (issue 5 §1-§2): the organiser configures a
period from scratch and opens it; a body fills and submits its questionnaire with
evidence; the verifier verifies and asks for clarification, the body replies and objects,
the verifier decides; the panel scores the visit; the organiser computes, closes and
publishes, downloads the results; historical results and copies of a period."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from ppid.core.models import Event
from ppid.monev.models import (
    Answer,
    Clarification,
    Evaluator,
    HistoricalResult,
    Objection,
    PanelScore,
    Participant,
    Period,
    Question,
    Stage,
)

from .conftest import PDF_BYTES, fill_and_submit, level_for, questions_of, stage_moment, verify_all

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    user = type(user).objects.get(pk=user.pk)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def rows(prefix: str, items: list[dict], *, initial: int = 0) -> dict:
    """A formset's POST data: the management form and one row per item."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def url(name, *args) -> str:
    return reverse(f"monev_admin:{name}", args=args)


def pdf(name="bukti.pdf", content=PDF_BYTES):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def answer_data(question, score, **extra) -> dict:
    data = {f"q{question.pk}-level": level_for(question, score).pk,
            f"q{question.pk}-note": "Lihat bukti."}  # fmt: skip
    if question.evidence in (Question.Evidence.FILE, Question.Evidence.FILE_OR_LINK):
        data[f"q{question.pk}-evidence_file"] = pdf(f"bukti-{question.code}.pdf")
    elif question.evidence == Question.Evidence.LINK:
        data[f"q{question.pk}-evidence_link"] = f"https://ppid.example.test/{question.code}"
    data.update({f"q{question.pk}-{k}": v for k, v in extra.items()})
    return data


def fill_through_the_forms(client, participant, scores=100):
    for question in questions_of(participant.period):
        response = client.post(
            url("answer_save", participant.token, question.pk), answer_data(question, scores)
        )
        assert response.status_code == 302, response.content.decode()[:3000]


# --- configuration ---------------------------------------------------------------------------
def test_organiser_configures_a_period_and_opens_it(monev_admin, utama, office_a, verifier):
    admin = client_for(monev_admin)
    assert admin.get(url("index")).status_code == 200
    assert admin.get(url("period_create")).status_code == 200
    response = admin.post(url("period_create"), {
        "organizer": utama.pk, "year": "2027", "title": "Monev KIP 2027",
        "commission": "internal", "description": "",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    period = Period.objects.get(year=2027)
    assert period.status == Period.Status.DRAFT
    # F51/F53 defaults: five bands, five categories, six stages.
    assert period.bands.count() == 5 and period.categories.count() == 5
    assert period.stages.count() == 6
    token = period.token

    page = admin.get(url("period", token))
    assert page.status_code == 200
    assert page.context["problems"], "an empty period cannot be opened"
    response = admin.post(url("period_open", token))
    assert response.status_code == 400
    period.refresh_from_db()
    assert period.status == Period.Status.DRAFT

    response = admin.post(url("period_settings", token), {
        "title": "Monev KIP 2027 (uji)", "commission": "internal", "description": "Uji",
        "presentation_threshold": "65", "evidence_max_mb": "2", "evidence_formats": ["pdf"],
    })  # fmt: skip
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.presentation_threshold == Decimal("65")  # F53: KI DKI Jakarta minimum 65
    assert period.evidence_max_bytes == 2 * 1024 * 1024

    bands = [
        {"key": "informatif", "name": "Informatif", "min_score": "90", "max_score": ""},
        {"key": "menuju", "name": "Menuju Informatif", "min_score": "80", "max_score": "90"},
        {"key": "cukup", "name": "Cukup Informatif", "min_score": "60", "max_score": "80"},
        {"key": "kurang", "name": "Kurang Informatif", "min_score": "40", "max_score": "60"},
        {"key": "tidak", "name": "Tidak Informatif", "min_score": "0", "max_score": "40"},
        {"key": "", "name": "", "min_score": "", "max_score": ""},  # a blank extra row
    ]
    assert admin.get(url("period_bands", token)).status_code == 200
    response = admin.post(url("period_bands", token), rows("bands", bands, initial=5))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(period.bands.values_list("key", flat=True)) == [
        "cukup", "informatif", "kurang", "menuju", "tidak"
    ]  # fmt: skip

    categories = [{"key": "opd", "name": "Perangkat Daerah"},
                  {"key": "kabkota", "name": "Kabupaten/Kota"}]  # fmt: skip
    assert admin.get(url("period_categories", token)).status_code == 200
    response = admin.post(url("period_categories", token), rows("categories", categories))
    assert response.status_code == 302
    assert period.categories.count() == 2

    stage_data = {}
    for i, kind in enumerate(Stage.Kind.values):
        stage_data[f"{kind}-opens_on"] = f"2027-0{i + 1}-01"
        stage_data[f"{kind}-closes_on"] = f"2027-0{i + 1}-20"
        if kind in Stage.WEIGHTED:
            stage_data[f"{kind}-weight"] = {"saq": "70", "visit": "0", "presentation": "30"}[kind]
    assert admin.get(url("period_stages", token)).status_code == 200
    response = admin.post(url("period_stages", token), stage_data)
    assert response.status_code == 302, response.content.decode()[:3000]
    saq = period.stages.get(kind=Stage.Kind.QUESTIONNAIRE)
    assert (saq.opens_on, saq.closes_on, saq.weight) == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 1, 20),
        Decimal("70"),
    )  # F53: KI Bali 2025, questionnaire 70 + presentation 30

    response = admin.post(
        url("period_indicators", token),
        {"code": "I1", "name": "Jenis informasi", "weight": "100", "order": "0"},
    )
    assert response.status_code == 302
    indicator = period.indicators.get(code="I1")
    assert admin.get(url("indicator_edit", token, indicator.pk)).status_code == 200
    assert admin.get(url("question_create", token, indicator.pk)).status_code == 200
    levels = [{"label": "Ada dan mutakhir", "score": "100"}, {"label": "Ada", "score": "50"},
              {"label": "Tidak ada", "score": "0"}, {"label": "", "score": ""}]  # fmt: skip
    response = admin.post(url("question_create", token, indicator.pk), {
        "code": "1.1", "text": "Apakah DIP telah ditetapkan?", "guidance": "", "weight": "1",
        "evidence": "file", "evidence_required": "on", "system_evidence": "dip", "order": "0",
        **rows("levels", levels),
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get(indicator=indicator)
    assert question.system_evidence == "dip"
    assert list(question.levels.values_list("score", flat=True).order_by("-score")) == [
        Decimal("100"), Decimal("50"), Decimal("0")
    ]  # fmt: skip
    assert admin.get(url("question_edit", token, question.pk)).status_code == 200

    category = period.categories.get(key="opd")
    response = admin.post(
        url("period_participants", token), {"bodies": [office_a.body.pk], "category": category.pk}
    )
    assert response.status_code == 302
    assert period.participants.get().body == office_a.body
    response = admin.post(
        url("period_evaluators", token),
        {"evaluator": verifier.pk, "kind": "verifier", "sk_number": "800/1"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Evaluator.objects.filter(period=period, user=verifier, kind="verifier").exists()

    page = admin.get(url("period", token))
    assert page.context["problems"] == []
    response = admin.post(url("period_open", token))
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.status == Period.Status.OPEN


def test_participants_and_evaluators_can_be_removed_and_revoked(monev_admin, monev_period,
                                                                 office_a, verifier):  # fmt: skip
    admin = client_for(monev_admin)
    token = monev_period.token
    opd = monev_period.categories.get(key="opd")
    admin.post(url("period_participants", token), {"bodies": [office_a.body.pk],
                                                    "category": opd.pk})  # fmt: skip
    participant = monev_period.participants.get()
    response = admin.post(url("participant_remove", token, participant.token))
    assert response.status_code == 302
    assert not monev_period.participants.exists()

    admin.post(url("period_evaluators", token), {"evaluator": verifier.pk, "kind": "panel"})
    row = Evaluator.objects.get(period=monev_period, user=verifier)
    assert admin.get(url("period_evaluators", token)).status_code == 200
    response = admin.post(url("evaluator_revoke", token, row.pk))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.active is False


def test_indicators_and_questions_can_be_edited_and_deleted(monev_admin, monev_period):
    admin = client_for(monev_admin)
    token = monev_period.token
    indicator = monev_period.indicators.get(code="I2")
    response = admin.post(
        url("indicator_edit", token, indicator.pk),
        {"code": "I2", "name": "Pelayanan", "weight": "40", "order": "1"},
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Pelayanan"

    question = indicator.questions.get(code="2.2")
    levels = [{"label": "Ya", "score": "100"}, {"label": "Tidak", "score": "0"}]
    response = admin.post(url("question_edit", token, question.pk), {
        "code": "2.2", "text": "Apakah ada layanan daring?", "weight": "2", "evidence": "none",
        "system_evidence": "requests", "order": "1", **rows("levels", levels, initial=3),
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    question.refresh_from_db()
    assert question.text == "Apakah ada layanan daring?" and question.levels.count() == 2

    response = admin.post(url("question_delete", token, question.pk))
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()
    response = admin.post(url("indicator_delete", token, indicator.pk))
    assert response.status_code == 302
    assert not monev_period.indicators.filter(pk=indicator.pk).exists()


def test_a_period_is_copied_for_the_next_year(monev_admin, open_period):
    admin = client_for(monev_admin)
    assert admin.get(url("period_copy", open_period.token)).status_code == 200
    response = admin.post(
        url("period_copy", open_period.token), {"year": str(open_period.year + 1), "title": ""}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    copy = Period.objects.get(year=open_period.year + 1)
    assert copy.copied_from == open_period and copy.status == Period.Status.DRAFT
    assert copy.participants.count() == 2 and copy.indicators.count() == 2
    assert not copy.evaluators.exists()


def test_historical_results_are_entered_by_hand(monev_admin, province):
    admin = client_for(monev_admin)
    assert admin.get(url("history")).status_code == 200
    # F56: KI Pusat 2018, rank 7 nationally, "Menuju Informatif".
    data = {"body": province.pk, "year": "2018", "commission": "ki_pusat",
            "qualification": "Menuju Informatif", "score": "", "rank": "7",
            "rank_scope": "pemerintah provinsi, nasional",
            "source_url": "https://example.test/2018", "note": ""}  # fmt: skip
    response = admin.post(url("history"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    result = HistoricalResult.objects.get(body=province, year=2018)
    assert (result.rank, result.qualification, result.score) == (7, "Menuju Informatif", None)
    page = admin.get(url("history")).content.decode()
    assert "Menuju Informatif" in page


# --- the exercise ---------------------------------------------------------------------------
def test_body_fills_and_submits_its_questionnaire(officer_a, participant_a):
    body = client_for(officer_a)
    index = body.get(url("index"))
    assert index.status_code == 200
    assert participant_a in index.context["participations"]
    page = body.get(url("questionnaire", participant_a.token))
    assert page.status_code == 200 and page.context["editable"]

    fill_through_the_forms(body, participant_a, 100)
    answers = Answer.objects.filter(participant=participant_a)
    assert answers.count() == 4
    with_file = answers.get(question__code="1.1")
    assert with_file.evidence_name == "bukti-1.1.pdf" and with_file.evidence_size == len(PDF_BYTES)
    assert answers.get(question__code="1.2").evidence_link.endswith("/1.2")

    # A draft can change: another level, then the file removed and put back.
    q11 = with_file.question
    response = body.post(url("answer_save", participant_a.token, q11.pk),
                         {f"q{q11.pk}-level": level_for(q11, 50).pk, f"q{q11.pk}-note": "",
                          f"q{q11.pk}-remove_evidence": "on"})  # fmt: skip
    assert response.status_code == 302
    with_file.refresh_from_db()
    assert with_file.level.score == Decimal("50") and not with_file.evidence_file
    body.post(url("answer_save", participant_a.token, q11.pk), answer_data(q11, 100))

    confirm = body.get(url("questionnaire_submit", participant_a.token))
    assert confirm.status_code == 200 and confirm.context["extra"] == []
    response = body.post(url("questionnaire_submit", participant_a.token))
    assert response.status_code == 302
    participant_a.refresh_from_db()
    assert participant_a.status == Participant.Status.SUBMITTED
    assert participant_a.submitted_by == officer_a

    # Read-only after submission: no forms, and a late change is refused.
    page = body.get(url("questionnaire", participant_a.token))
    assert not page.context["editable"]
    assert all("form" not in row for s in page.context["sections"] for row in s["rows"])
    response = body.post(url("answer_save", participant_a.token, q11.pk), answer_data(q11, 0))
    assert response.status_code == 400
    with_file.refresh_from_db()
    assert with_file.level.score == Decimal("100")


def test_submitting_an_incomplete_questionnaire_lists_what_is_missing(officer_a, participant_a):
    body = client_for(officer_a)
    confirm = body.get(url("questionnaire_submit", participant_a.token))
    assert len(confirm.context["extra"]) >= 1
    response = body.post(url("questionnaire_submit", participant_a.token))
    assert response.status_code == 400
    assert "1.1" in " ".join(response.context["extra"])
    participant_a.refresh_from_db()
    assert participant_a.status == Participant.Status.REGISTERED


def test_evidence_downloads_stream_the_file(officer_a, participant_a, verifier, monev_admin,
                                            panel_member):  # fmt: skip
    fill_and_submit(participant_a, officer_a, 100)
    answer = Answer.objects.get(participant=participant_a, question__code="1.1")
    for user in (officer_a, verifier, panel_member, monev_admin):
        response = client_for(user).get(url("evidence", answer.pk))
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert "no-store" in response["Cache-Control"]
        assert "bukti-1.1.pdf" in response["Content-Disposition"]
    # An answer with a link only has no file to download.
    linked = Answer.objects.get(participant=participant_a, question__code="1.2")
    assert client_for(officer_a).get(url("evidence", linked.pk)).status_code == 404


def test_verifier_verifies_asks_and_decides_an_objection(
    officer_a, participant_a, verifier, monev_admin
):
    fill_and_submit(participant_a, officer_a, 100)
    checker = client_for(verifier)
    index = checker.get(url("index"))
    assert participant_a in index.context["evaluations"][0]["participants"]
    page = checker.get(url("evaluate", participant_a.token))
    assert page.status_code == 200 and page.context["submitted"]

    answers = {a.question.code: a for a in Answer.objects.filter(participant=participant_a)
               .select_related("question")}  # fmt: skip
    for code, answer in answers.items():
        score = 50 if code == "1.1" else 100
        response = checker.post(url("answer_verify", participant_a.token, answer.pk), {
            f"v{answer.pk}-level": level_for(answer.question, score).pk,
            f"v{answer.pk}-note": "Bukti sebagian." if score == 50 else "Sesuai.",
        })  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:3000]
    q11 = answers["1.1"]
    q11.refresh_from_db()
    assert q11.verified_level.score == Decimal("50") and q11.verified_by == verifier
    # Every score change is an event with old and new (issue 5 §2).
    assert Event.objects.filter(object_id=q11.pk, actor=verifier).exists()

    response = checker.post(
        url("clarification_request", participant_a.token, q11.pk),
        {f"c{q11.pk}-question": "Lampirkan SK PPID yang ditandatangani."},
    )
    assert response.status_code == 302
    clarification = Clarification.objects.get(answer=q11)

    # The body sees its own verified level, and replies to the clarification.
    body = client_for(officer_a)
    page = body.get(url("questionnaire", participant_a.token))
    assert "Bukti sebagian." in page.content.decode()
    response = body.post(url("clarification_reply", participant_a.token, clarification.pk), {
        f"r{clarification.pk}-reply": "SK terlampir pada tautan.",
        f"r{clarification.pk}-link": "https://ppid.example.test/sk",
    })  # fmt: skip
    assert response.status_code == 302
    clarification.refresh_from_db()
    assert clarification.reply == "SK terlampir pada tautan." and clarification.replied_by

    # Within the objection window (F53: masa sanggah) the body objects; the verifier upholds.
    with time_machine.travel(stage_moment(participant_a.period, Stage.Kind.OBJECTION), tick=False):
        # Sessions expire: log in again on the day.
        body, checker = client_for(officer_a), client_for(verifier)
        page = body.get(url("questionnaire", participant_a.token))
        assert any("objection_form" in row for s in page.context["sections"] for row in s["rows"])
        response = body.post(
            url("objection_lodge", participant_a.token, q11.pk),
            {f"o{q11.pk}-reason": "SK sudah lengkap dan ditandatangani."},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        objection = Objection.objects.get(answer=q11)
        response = checker.post(url("objection_decide", participant_a.token, objection.pk), {
            f"d{objection.pk}-decision": "upheld",
            f"d{objection.pk}-level": level_for(q11.question, 100).pk,
            f"d{objection.pk}-note": "Bukti SK diterima.",
        })  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:3000]
    objection.refresh_from_db()
    q11.refresh_from_db()
    assert objection.decision == "upheld" and q11.verified_level.score == Decimal("100")


def test_panel_scores_the_visit(participant_a, officer_a, panel_member):
    fill_and_submit(participant_a, officer_a, 100)
    panel = client_for(panel_member)
    page = panel.get(url("evaluate", participant_a.token))
    assert [f.stage for f in page.context["panel_forms"]] == ["visit", "presentation"]
    assert "verify_form" not in page.context["sections"][0]["rows"][0]
    response = panel.post(
        url("panel_score", participant_a.token, "visit"),
        {"panel-visit-score": "87.5", "panel-visit-note": "Ruang layanan baik."},
    )
    assert response.status_code == 302
    score = PanelScore.objects.get(participant=participant_a, stage="visit")
    assert score.score == Decimal("87.50") and score.evaluator == panel_member


def test_organiser_computes_closes_and_publishes(
    monev_admin, open_period, participant_a, participant_b, officer_a, verifier, panel_member
):
    from .conftest import panel_score_all

    fill_and_submit(participant_a, officer_a, 100)
    verify_all(participant_a, verifier)
    panel_score_all(participant_a, panel_member, visit=90)
    admin = client_for(monev_admin)
    response = admin.post(url("period_compute", open_period.token))
    assert response.status_code == 302
    page = admin.get(url("period_results", open_period.token))
    assert page.status_code == 200
    [(category, ranked)] = page.context["categories"]
    assert ranked[0] == participant_a
    participant_a.refresh_from_db()
    # Questionnaire 100 × 80 % + visit 90 × 20 % = 98.00, Informatif (F51, F53).
    assert participant_a.final_score == Decimal("98.00") and participant_a.rank == 1

    assert admin.get(url("period_close", open_period.token)).status_code == 200
    response = admin.post(url("period_close", open_period.token))
    assert response.status_code == 302
    open_period.refresh_from_db()
    assert open_period.status == Period.Status.CLOSED and open_period.published_at is None
    page = admin.get(url("period_results", open_period.token))
    assert participant_b in page.context["unscored"]  # F51: tidak dinilai
    participant_b.refresh_from_db()
    assert participant_b.status == Participant.Status.NOT_RATED

    assert admin.get(url("period_publish", open_period.token)).status_code == 200
    response = admin.post(url("period_publish", open_period.token))
    assert response.status_code == 302
    open_period.refresh_from_db()
    assert open_period.published_at is not None

    response = admin.get(url("results_xlsx", open_period.token))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert response["Content-Disposition"].startswith("attachment")
    response = admin.get(url("scoring_sheet_xlsx", participant_a.token))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    # Published: the body may now download its own scoring sheet.
    response = client_for(officer_a).get(url("scoring_sheet_xlsx", participant_a.token))
    assert response.status_code == 200


def test_system_evidence_shows_beside_its_question(officer_a, participant_a, verifier):
    question = Question.objects.get(indicator__period=participant_a.period, code="1.1")
    question.system_evidence = "dip"
    question.save(update_fields=["system_evidence"])
    page = client_for(officer_a).get(url("questionnaire", participant_a.token))
    rows = [row for s in page.context["sections"] for row in s["rows"]]
    assert rows[0]["fact"] is not None and rows[0]["fact"].key == "dip"
    assert all(row["fact"] is None for row in rows[1:])
    fill_and_submit(participant_a, officer_a, 100)
    page = client_for(verifier).get(url("evaluate", participant_a.token))
    rows = [row for s in page.context["sections"] for row in s["rows"]]
    assert rows[0]["fact"].key == "dip"


def test_menu_shows_to_monev_staff_only(monev_admin, officer_a, verifier, open_period,
                                        unappointed_evaluator, participant_a):  # fmt: skip
    from ppid.monev.admin_views import is_monev_staff

    for user in (monev_admin, officer_a, verifier):
        assert is_monev_staff(type(user).objects.get(pk=user.pk)), user
    assert not is_monev_staff(type(unappointed_evaluator).objects.get(pk=unappointed_evaluator.pk))
    page = client_for(officer_a).get(reverse("wagtailadmin_home")).content.decode()
    assert url("index") in page
    page = client_for(unappointed_evaluator).get(reverse("wagtailadmin_home")).content.decode()
    assert url("index") not in page


def _add_questions(period, count: int) -> list[Question]:
    """More questions with three levels each (test setup, straight into the tables)."""
    from ppid.monev.models import AnswerLevel

    indicator = period.indicators.order_by("order", "code").first()
    added = []
    for n in range(count):
        question = Question.objects.create(
            indicator=indicator, code=f"9.{n}", text=f"Pertanyaan tambahan {n}?",
            evidence=Question.Evidence.NONE, evidence_required=False, order=90 + n,
        )  # fmt: skip
        AnswerLevel.objects.bulk_create(
            AnswerLevel(question=question, label=label, score=Decimal(score), order=i)
            for i, (label, score) in enumerate([("Ya", 100), ("Sebagian", 50), ("Tidak", 0)])
        )
        added.append(question)
    return added


def _queries(client, address) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_questionnaire_page_does_not_query_per_question(participant_a, officer_a):
    client = client_for(officer_a)
    address = url("questionnaire", participant_a.token)
    client.get(address)  # warm the per-process caches (content types, calendar)
    before = _queries(client, address)
    _add_questions(participant_a.period, 6)
    assert _queries(client, address) == before


def test_the_evaluation_page_does_not_query_per_answer(participant_a, officer_a, verifier):
    fill_and_submit(participant_a, officer_a)
    client = client_for(verifier)
    address = url("evaluate", participant_a.token)
    client.get(address)
    before = _queries(client, address)
    for question in _add_questions(participant_a.period, 6):
        Answer.objects.create(
            participant=participant_a, question=question,
            level=question.levels.get(score=100), note="Ada.",
        )  # fmt: skip
    assert _queries(client, address) == before


def test_a_refused_removal_says_why_and_removes_nothing(monev_admin, open_period):
    # An open period's configuration no longer changes: the service refuses, the page
    # says why (in Indonesian) and goes back to where the officer was.
    admin = client_for(monev_admin)
    token = open_period.token
    indicator = open_period.indicators.first()
    question = indicator.questions.first()
    edit = url("indicator_edit", token, indicator.pk)
    for action, pk in (("indicator_delete", indicator.pk), ("question_delete", question.pk)):
        response = admin.post(url(action, token, pk), follow=True)
        assert response.redirect_chain == [(edit, 302)]
        said = [str(m) for m in response.context["messages"]]
        assert said == ["Periode sudah berjalan: pengaturannya tidak dapat diubah lagi."]
    assert Question.objects.filter(pk=question.pk).exists()
    assert open_period.indicators.filter(pk=indicator.pk).exists()
