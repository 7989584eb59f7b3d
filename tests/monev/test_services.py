"""Monev services: configuration in DRAFT only, closed periods immutable, the SAQ deadline
(last day inclusive, WIB), verification, objections, panel scores, computing, closing and
publishing, and an event with old/new for every score change."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from ppid.core.events import events_for
from ppid.monev import scoring, services
from ppid.monev.models import (
    Answer,
    AnswerLevel,
    Band,
    BodyCategory,
    Clarification,
    Evaluator,
    Indicator,
    Objection,
    PanelScore,
    Participant,
    Period,
    Question,
    Stage,
)

from .conftest import (
    build_period,
    fill_and_submit,
    fill_questionnaire,
    level_for,
    panel_score_all,
    pdf_upload,
    questions_of,
    stage_moment,
    verify_all,
)

pytestmark = pytest.mark.django_db
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
D = Decimal


def snapshot(period: Period) -> dict:
    """Everything a period holds, to prove nothing changed."""
    period = Period.objects.get(pk=period.pk)
    return {
        "period": [
            period.title,
            period.status,
            period.presentation_threshold,
            period.evidence_max_bytes,
            period.evidence_formats,
            period.published_at,
            period.closed_at,
            period.description,
            period.commission,
        ],
        "bands": list(Band.objects.filter(period=period).order_by("pk").values()),
        "categories": list(BodyCategory.objects.filter(period=period).order_by("pk").values()),
        "stages": list(Stage.objects.filter(period=period).order_by("pk").values()),
        "indicators": list(Indicator.objects.filter(period=period).order_by("pk").values()),
        "questions": list(
            Question.objects.filter(indicator__period=period).order_by("pk").values()
        ),
        "levels": list(
            AnswerLevel.objects.filter(question__indicator__period=period).order_by("pk").values()
        ),
        "participants": list(Participant.objects.filter(period=period).order_by("pk").values()),
        "answers": list(Answer.objects.filter(participant__period=period).order_by("pk").values()),
        "panel": list(
            PanelScore.objects.filter(participant__period=period).order_by("pk").values()
        ),
        "evaluators": list(Evaluator.objects.filter(period=period).order_by("pk").values()),
        "objections": list(
            Objection.objects.filter(answer__participant__period=period).order_by("pk").values()
        ),
        "clarifications": list(
            Clarification.objects.filter(answer__participant__period=period).order_by("pk").values()
        ),
    }


def errors_of(exc_info) -> str:
    error = exc_info.value
    if hasattr(error, "error_dict"):
        return " ".join(str(m) for ms in error.message_dict.values() for m in ms)
    return " ".join(error.messages)


# --- creating, copying and configuring a period ---------------------------------------------
def test_period_create_sets_the_f51_bands_categories_and_stages(monev_admin, utama):
    period = services.period_create(
        user=monev_admin, organizer=utama, year=2027, title="Monev 2027"
    )
    assert period.status == Period.Status.DRAFT
    bands = {b.key: (b.min_score, b.max_score) for b in period.bands.all()}
    assert bands["informatif"] == (D("90"), None)
    assert bands["menuju-informatif"] == (D("80"), D("90"))
    assert bands["tidak-informatif"] == (D("0"), D("40"))
    assert set(period.categories.values_list("key", flat=True)) == {
        "opd",
        "kabkota",
        "vertikal",
        "bumd",
        "lainnya",
    }
    weights = dict(period.stages.values_list("kind", "weight"))
    # F53: KI Pusat 2025, questionnaire 80 + visit 20.
    assert weights == {
        "saq": D("80"),
        "verification": D("0"),
        "objection": D("0"),
        "visit": D("20"),
        "presentation": D("0"),
        "announcement": D("0"),
    }
    assert all(s.opens_on.year == 2027 for s in period.stages.all())
    assert [e.action for e in events_for(period)] == ["created"]


def test_only_the_organisers_ppid_utama_creates_a_period(utama, officer_a, outsider, atasan):
    for user in (officer_a, outsider, atasan):
        with pytest.raises(PermissionDenied):
            services.period_create(user=user, organizer=utama, year=2027, title="X")
    assert not Period.objects.exists()


def test_one_period_per_year_organiser_and_commission(monev_admin, monev_period, utama):
    with pytest.raises(ValidationError):
        services.period_create(
            user=monev_admin, organizer=utama, year=monev_period.year, title="Again"
        )


def test_period_copy_copies_the_configuration_and_never_changes_the_source(
    published_period, monev_admin
):
    source = published_period
    before = snapshot(source)
    copy = services.period_copy(user=monev_admin, source=source, year=source.year + 1)
    assert snapshot(source) == before
    assert copy.status == Period.Status.DRAFT and copy.copied_from == source
    assert copy.published_at is None
    assert list(copy.bands.values_list("key", "min_score", "max_score")) == list(
        source.bands.values_list("key", "min_score", "max_score")
    )
    source_stages = {s.kind: s for s in source.stages.all()}
    for stage in copy.stages.all():
        old = source_stages[stage.kind]
        assert stage.weight == old.weight
        assert stage.opens_on.year == old.opens_on.year + 1
    assert [
        (q.indicator.code, q.code, q.evidence, [(lv.label, lv.score) for lv in q.levels.all()])
        for q in questions_of(copy)
    ] == [
        (q.indicator.code, q.code, q.evidence, [(lv.label, lv.score) for lv in q.levels.all()])
        for q in questions_of(source)
    ]
    participants = list(copy.participants.select_related("category"))
    assert {(p.body_id, p.category.key) for p in participants} == {
        (p.body_id, p.category.key) for p in source.participants.select_related("category")
    }
    # Registered again: no answers, scores or evaluators.
    assert all(
        p.status == Participant.Status.REGISTERED and p.final_score is None for p in participants
    )
    assert not Answer.objects.filter(participant__period=copy).exists()
    assert not copy.evaluators.exists()
    # Configuring the copy leaves the closed source alone.
    services.period_update(user=monev_admin, period=copy, presentation_threshold="65")
    services.bands_set(
        user=monev_admin,
        period=copy,
        bands=[
            {"key": "baik", "name": "Baik", "min_score": "50", "max_score": None},
            {"key": "buruk", "name": "Buruk", "min_score": "0", "max_score": "50"},
        ],
    )
    assert snapshot(source) == before


def test_period_copy_moves_29_february_to_28(monev_admin, monev_period):
    stage = monev_period.stages.get(kind=Stage.Kind.ANNOUNCEMENT)
    stage.opens_on, stage.closes_on = datetime.date(2028, 2, 1), datetime.date(2028, 2, 29)
    stage.save()
    monev_period.year = 2028
    monev_period.save()
    copy = services.period_copy(user=monev_admin, source=monev_period, year=2029)
    assert copy.stages.get(kind=Stage.Kind.ANNOUNCEMENT).closes_on == datetime.date(2029, 2, 28)
    assert copy.title.endswith("2029")


def test_period_update_records_old_and_new(monev_admin, monev_period):
    services.period_update(
        user=monev_admin,
        period=monev_period,
        presentation_threshold="65",
        evidence_formats=["pdf", "JPG"],
    )
    monev_period.refresh_from_db()
    assert monev_period.presentation_threshold == D("65.00")
    assert monev_period.evidence_formats == ["pdf", "jpg"]
    event = events_for(monev_period).get(action="updated")
    assert event.changes["presentation_threshold"] == ["0.00", "65.00"]


@pytest.mark.parametrize(
    "fields",
    [
        {"presentation_threshold": "101"},
        {"presentation_threshold": "abc"},
        {"evidence_formats": ["exe"]},
        {"evidence_max_bytes": "0"},
        {"title": "  "},
    ],
)
def test_period_update_refuses_bad_values(monev_admin, monev_period, fields):
    before = snapshot(monev_period)
    with pytest.raises(ValidationError):
        services.period_update(user=monev_admin, period=monev_period, **fields)
    assert snapshot(monev_period) == before


def test_rules_change_only_in_draft_wording_also_while_open(monev_admin, open_period):
    with pytest.raises(ValidationError):
        services.period_update(user=monev_admin, period=open_period, presentation_threshold="50")
    services.period_update(user=monev_admin, period=open_period, title="Monev, judul baru")
    assert Period.objects.get(pk=open_period.pk).title == "Monev, judul baru"


def test_bands_set_validates_the_table(monev_admin, monev_period):
    with pytest.raises(ValidationError):
        services.bands_set(
            user=monev_admin,
            period=monev_period,
            bands=[
                {"key": "a", "name": "A", "min_score": "85", "max_score": None},
                {"key": "b", "name": "B", "min_score": "0", "max_score": "80"},
            ],
        )
    bands = services.bands_set(
        user=monev_admin,
        period=monev_period,
        bands=[
            {"key": "a", "name": "A", "min_score": "80", "max_score": ""},
            {"key": "b", "name": "B", "min_score": "0", "max_score": "80"},
        ],
    )
    assert {b.key for b in bands} == {"a", "b"}
    assert events_for(monev_period).filter(action="bands_set").exists()


def test_a_category_in_use_cannot_be_removed(monev_admin, open_period):
    period = open_period
    period.status = Period.Status.DRAFT
    period.save()
    with pytest.raises(ValidationError):
        services.categories_set(
            user=monev_admin, period=period, categories=[{"key": "kabkota", "name": "Kab/Kota"}]
        )
    services.categories_set(
        user=monev_admin,
        period=period,
        categories=[
            {"key": "opd", "name": "OPD"},
            {"key": "kabkota", "name": "Kab/Kota"},
        ],
    )
    assert set(period.categories.values_list("key", flat=True)) == {"opd", "kabkota"}


def test_stage_dates_change_while_open_but_weights_only_in_draft(monev_admin, open_period):
    stage = open_period.stages.get(kind=Stage.Kind.QUESTIONNAIRE)
    later = stage.closes_on + datetime.timedelta(days=3)
    services.stage_set(
        user=monev_admin,
        period=open_period,
        kind=stage.kind,
        opens_on=stage.opens_on,
        closes_on=later,
    )
    assert open_period.stages.get(kind=stage.kind).closes_on == later
    with pytest.raises(ValidationError):
        services.stage_set(
            user=monev_admin,
            period=open_period,
            kind=stage.kind,
            opens_on=stage.opens_on,
            closes_on=later,
            weight="70",
        )
    event = events_for(open_period).get(action="stage_set")
    assert event.changes == {"closes_on": [str(stage.closes_on), str(later)]}


def test_stage_set_refuses_bad_dates_and_weights_on_unweighted_stages(monev_admin, monev_period):
    today = datetime.date(2026, 9, 1)
    with pytest.raises(ValidationError):
        services.stage_set(
            user=monev_admin,
            period=monev_period,
            kind=Stage.Kind.VISIT,
            opens_on=today,
            closes_on=today - datetime.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        services.stage_set(
            user=monev_admin,
            period=monev_period,
            kind=Stage.Kind.OBJECTION,
            opens_on=today,
            closes_on=today,
            weight="10",
        )


def test_question_levels_are_validated(monev_admin, monev_period):
    indicator = monev_period.indicators.get(code="I1")
    for levels in ([("Ya", "100")], [("Ya", "90"), ("Tidak", "0")], [("Ya", "100"), ("X", "120")]):
        with pytest.raises(ValidationError):
            services.question_save(
                user=monev_admin, indicator=indicator, code="1.9", text="Apakah ada?", levels=levels
            )
    question = services.question_save(
        user=monev_admin,
        indicator=indicator,
        code="1.9",
        text="Apakah ada?",
        levels=[("Ya", "100"), ("Tidak", "0")],
        evidence=Question.Evidence.LINK,
    )
    assert [lv.score for lv in question.levels.all()] == [D("100"), D("0")]


def test_period_problems_block_opening(monev_admin, monev_period, office_a):
    problems = services.period_problems(monev_period)
    assert len(problems) == 1  # no participants
    services.indicator_save(
        user=monev_admin, period=monev_period, code="I3", name="Baru", weight="10"
    )
    services.stage_set(
        user=monev_admin,
        period=monev_period,
        kind=Stage.Kind.VISIT,
        opens_on=datetime.date(2026, 10, 1),
        closes_on=datetime.date(2026, 10, 2),
        weight="30",
    )
    problems = services.period_problems(monev_period)
    assert len(problems) == 4  # indicator weights 110, I3 without questions, stages 110, none
    with pytest.raises(ValidationError):
        services.period_open(user=monev_admin, period=monev_period)
    assert Period.objects.get(pk=monev_period.pk).status == Period.Status.DRAFT
    services.indicator_delete(user=monev_admin, indicator=monev_period.indicators.get(code="I3"))
    services.stage_set(
        user=monev_admin,
        period=monev_period,
        kind=Stage.Kind.VISIT,
        opens_on=datetime.date(2026, 10, 1),
        closes_on=datetime.date(2026, 10, 2),
        weight="20",
    )
    services.participant_add(
        user=monev_admin,
        period=monev_period,
        body=office_a.body,
        category=monev_period.categories.get(key="opd"),
    )
    assert services.period_problems(monev_period) == []
    services.period_open(user=monev_admin, period=monev_period)
    assert Period.objects.get(pk=monev_period.pk).status == Period.Status.OPEN


def test_participants_change_only_in_draft(monev_admin, open_period, other_office, participant_a):
    with pytest.raises(ValidationError):
        services.participant_add(
            user=monev_admin,
            period=open_period,
            body=other_office.body,
            category=open_period.categories.get(key="kabkota"),
        )
    with pytest.raises(ValidationError):
        services.participant_remove(user=monev_admin, participant=participant_a)


# --- closed periods are immutable ------------------------------------------------------------
def _closed_actions(period, admin, alice, vera, pamela, other_office):
    participant = period.participants.get(body__slug="dinas-a")
    answer = participant.answers.select_related("question").first()
    question = answer.question
    indicator = question.indicator
    objection = Objection.objects.create(answer=answer, lodged_by=alice, reason="Tidak setuju")
    clarification = Clarification.objects.create(answer=answer, asked_by=vera, question="Mana?")
    stage = period.stages.get(kind=Stage.Kind.QUESTIONNAIRE)
    level = question.levels.get(score=D("50"))
    row = period.evaluators.get(user=vera)
    return {
        "period_update": lambda: services.period_update(user=admin, period=period, title="X"),
        "bands_set": lambda: services.bands_set(
            user=admin,
            period=period,
            bands=[
                {"key": b.key, "name": b.name, "min_score": b.min_score, "max_score": b.max_score}
                for b in scoring.DEFAULT_BANDS
            ],
        ),
        "categories_set": lambda: services.categories_set(
            user=admin, period=period, categories=[{"key": "opd", "name": "OPD"}]
        ),
        "stage_set": lambda: services.stage_set(
            user=admin,
            period=period,
            kind=stage.kind,
            opens_on=stage.opens_on,
            closes_on=stage.closes_on + datetime.timedelta(days=1),
        ),
        "indicator_save": lambda: services.indicator_save(
            user=admin, period=period, code="I9", name="Baru", weight="0"
        ),
        "indicator_edit": lambda: services.indicator_save(
            user=admin, period=period, code="I1", name="Diubah", weight="60", indicator=indicator
        ),
        "indicator_delete": lambda: services.indicator_delete(user=admin, indicator=indicator),
        "question_save": lambda: services.question_save(
            user=admin,
            indicator=indicator,
            code="1.1",
            text="Diubah",
            levels=[("Ya", "100"), ("Tidak", "0")],
            question=question,
        ),
        "question_delete": lambda: services.question_delete(user=admin, question=question),
        "participant_add": lambda: services.participant_add(
            user=admin,
            period=period,
            body=other_office.body,
            category=period.categories.get(key="kabkota"),
        ),
        "participant_remove": lambda: services.participant_remove(
            user=admin, participant=participant
        ),
        "evaluator_appoint": lambda: services.evaluator_appoint(
            user=admin, period=period, evaluator=alice, kind=Evaluator.Kind.PANEL
        ),
        "evaluator_revoke": lambda: services.evaluator_revoke(user=admin, evaluator_row=row),
        "period_open": lambda: services.period_open(user=admin, period=period),
        "results_compute": lambda: services.results_compute(period=period, user=admin),
        "period_close": lambda: services.period_close(user=admin, period=period),
        "answer_save": lambda: services.answer_save(
            user=alice,
            participant=participant,
            question=question,
            level=level,
            now=stage_moment(period, Stage.Kind.QUESTIONNAIRE),
        ),
        "questionnaire_submit": lambda: services.questionnaire_submit(
            user=alice, participant=participant, now=stage_moment(period, Stage.Kind.QUESTIONNAIRE)
        ),
        "answer_verify": lambda: services.answer_verify(user=vera, answer=answer, level=level),
        "clarification_request": lambda: services.clarification_request(
            user=vera, answer=answer, question="Lengkapi"
        ),
        "clarification_reply": lambda: services.clarification_reply(
            user=alice, clarification=clarification, reply="Sudah"
        ),
        "objection_lodge": lambda: services.objection_lodge(
            user=alice,
            answer=answer,
            reason="Keberatan",
            now=stage_moment(period, Stage.Kind.OBJECTION),
        ),
        "objection_decide": lambda: services.objection_decide(
            user=vera,
            objection=objection,
            decision=Objection.Decision.UPHELD,
            note="Ok",
            level=level,
        ),
        "panel_score_set": lambda: services.panel_score_set(
            user=pamela, participant=participant, stage=Stage.Kind.VISIT, score="10"
        ),
    }


CLOSED_ACTIONS = [
    "period_update",
    "bands_set",
    "categories_set",
    "stage_set",
    "indicator_save",
    "indicator_edit",
    "indicator_delete",
    "question_save",
    "question_delete",
    "participant_add",
    "participant_remove",
    "evaluator_appoint",
    "evaluator_revoke",
    "period_open",
    "results_compute",
    "period_close",
    "answer_save",
    "questionnaire_submit",
    "answer_verify",
    "clarification_request",
    "clarification_reply",
    "objection_lodge",
    "objection_decide",
    "panel_score_set",
]


@pytest.mark.parametrize("action", CLOSED_ACTIONS)
def test_every_service_refuses_a_closed_period(
    action, published_period, monev_admin, officer_a, verifier, panel_member, other_office
):
    actions = _closed_actions(
        published_period, monev_admin, officer_a, verifier, panel_member, other_office
    )
    assert set(actions) == set(CLOSED_ACTIONS)
    before = snapshot(published_period)
    events = list(events_for(published_period).values_list("pk", flat=True))
    with pytest.raises(ValidationError) as exc_info:
        actions[action]()
    assert exc_info.value.code == "closed"
    assert snapshot(published_period) == before
    assert list(events_for(published_period).values_list("pk", flat=True)) == events


def test_the_closed_message_is_clear(published_period, monev_admin):
    with translation.override("en"), pytest.raises(ValidationError) as exc_info:
        services.period_update(user=monev_admin, period=published_period, title="X")
    assert "closed" in errors_of(exc_info)


# --- the questionnaire -----------------------------------------------------------------------
def test_the_body_saves_answers_with_evidence(participant_a, officer_a):
    answers = fill_questionnaire(participant_a, officer_a, {"1.1": 100, "1.2": 50})
    by_code = {a.question.code: a for a in answers}
    file_answer = by_code["1.1"]
    assert file_answer.evidence_name == "bukti-1.1.pdf"
    assert file_answer.evidence_size > 0 and len(file_answer.evidence_sha256) == 64
    assert file_answer.evidence_file.name.startswith("monev/evidence/")
    assert by_code["1.2"].evidence_link.startswith("https://")
    assert events_for(file_answer).get(action="answer_saved").changes["level"] == [None, "100.00"]


def test_another_body_cannot_answer(participant_a, officer_b, outsider, utama_officer, atasan):
    question = questions_of(participant_a.period)[0]
    for user in (officer_b, outsider, utama_officer, atasan):
        with pytest.raises(PermissionDenied):
            services.answer_save(
                user=user,
                participant=participant_a,
                question=question,
                level=level_for(question, 100),
            )
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("bukti.pdf", b"<html><script>x</script></html>"), "bad"),
        (SimpleUploadedFile("bukti.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "format"),
        (SimpleUploadedFile("bukti.pdf", b"%PDF-1.4\n" + b"0" * 3000), "size"),
        (SimpleUploadedFile("bukti.exe.pdf", b"%PDF-1.4\n"), "name"),
    ],
)
def test_evidence_files_are_sniffed_and_limited(
    participant_a, officer_a, monev_admin, upload, code
):
    period = participant_a.period
    Period.objects.filter(pk=period.pk).update(evidence_max_bytes=2048)
    question = participant_a.period.indicators.get(code="I1").questions.get(code="1.1")
    with pytest.raises(ValidationError):
        services.answer_save(
            user=officer_a,
            participant=participant_a,
            question=question,
            level=level_for(question, 100),
            evidence_file=upload,
        )
    assert not Answer.objects.exists()


def test_evidence_must_match_the_question(participant_a, officer_a):
    questions = {q.code: q for q in questions_of(participant_a.period)}
    with pytest.raises(ValidationError):  # a link for a file question
        services.answer_save(
            user=officer_a,
            participant=participant_a,
            question=questions["1.1"],
            level=level_for(questions["1.1"], 100),
            evidence_link="https://contoh.test/x",
        )
    with pytest.raises(ValidationError):  # a file for a link question
        services.answer_save(
            user=officer_a,
            participant=participant_a,
            question=questions["1.2"],
            level=level_for(questions["1.2"], 100),
            evidence_file=pdf_upload(),
        )
    with pytest.raises(ValidationError):  # another question's level
        services.answer_save(
            user=officer_a,
            participant=participant_a,
            question=questions["1.1"],
            level=level_for(questions["1.2"], 100),
        )
    with pytest.raises(ValidationError):  # not a web address
        services.answer_save(
            user=officer_a,
            participant=participant_a,
            question=questions["1.2"],
            level=level_for(questions["1.2"], 100),
            evidence_link="javascript:alert(1)",
        )
    assert not Answer.objects.exists()


def test_submit_needs_every_answer_and_the_required_evidence(participant_a, officer_a):
    questions = {q.code: q for q in questions_of(participant_a.period)}
    services.answer_save(
        user=officer_a,
        participant=participant_a,
        question=questions["1.1"],
        level=level_for(questions["1.1"], 100),
    )
    with translation.override("en"), pytest.raises(ValidationError) as exc_info:
        services.questionnaire_submit(user=officer_a, participant=participant_a)
    message = errors_of(exc_info)
    assert "1.2, 2.1, 2.2" in message and "Evidence file missing: 1.1" in message
    assert Participant.objects.get(pk=participant_a.pk).status == Participant.Status.REGISTERED


def test_a_submitted_questionnaire_is_read_only_for_the_body(participant_a, officer_a):
    fill_and_submit(participant_a, officer_a)
    assert participant_a.status == Participant.Status.SUBMITTED
    assert participant_a.submitted_by == officer_a
    question = questions_of(participant_a.period)[0]
    with pytest.raises(ValidationError):
        services.answer_save(
            user=officer_a,
            participant=participant_a,
            question=question,
            level=level_for(question, 0),
        )
    with pytest.raises(ValidationError):
        services.questionnaire_submit(user=officer_a, participant=participant_a)
    assert Answer.objects.get(participant=participant_a, question=question).level.score == 100


def test_the_last_day_of_the_saq_is_inclusive_in_jakarta(participant_a, officer_a):
    period = participant_a.period
    last_minute = stage_moment(period, Stage.Kind.QUESTIONNAIRE, last=True).replace(
        hour=23, minute=59, second=59
    )
    # 23:59:59 WIB is 16:59:59 UTC: still the last day (F54).
    fill_and_submit(participant_a, officer_a, now=last_minute.astimezone(datetime.UTC))
    assert Participant.objects.get(pk=participant_a.pk).status == Participant.Status.SUBMITTED


def test_a_late_questionnaire_is_refused_with_a_clear_message(participant_a, officer_a):
    period = participant_a.period
    fill_questionnaire(participant_a, officer_a)
    deadline = period.stages.get(kind=Stage.Kind.QUESTIONNAIRE).closes_on
    just_after = datetime.datetime.combine(
        deadline + datetime.timedelta(days=1), datetime.time(0, 0, 1), tzinfo=WIB
    )
    with time_machine.travel(just_after, tick=False), translation.override("en"):
        with pytest.raises(ValidationError) as exc_info:
            services.questionnaire_submit(user=officer_a, participant=participant_a)
        question = questions_of(period)[0]
        with pytest.raises(ValidationError) as save_info:
            services.answer_save(
                user=officer_a,
                participant=participant_a,
                question=question,
                level=level_for(question, 0),
            )
    shown = f"{deadline.day} {deadline:%B} {deadline.year}"
    assert errors_of(exc_info) == (
        f"The questionnaire's deadline ({shown}) has passed; it can no longer be submitted."
    )
    assert exc_info.value.code == "late"
    assert shown in errors_of(save_info)
    participant_a.refresh_from_db()
    assert participant_a.status == Participant.Status.REGISTERED
    assert participant_a.submitted_at is None


def test_the_questionnaire_is_refused_before_it_opens(participant_a, officer_a):
    period = participant_a.period
    early = stage_moment(period, Stage.Kind.QUESTIONNAIRE) - datetime.timedelta(days=1)
    question = questions_of(period)[0]
    with pytest.raises(ValidationError) as exc_info:
        services.answer_save(
            user=officer_a,
            participant=participant_a,
            question=question,
            level=level_for(question, 100),
            now=early,
        )
    assert exc_info.value.code == "not_yet"


def test_nothing_is_answered_in_a_draft_period(monev_admin, monev_period, office_a, officer_a):
    participant = services.participant_add(
        user=monev_admin,
        period=monev_period,
        body=office_a.body,
        category=monev_period.categories.get(key="opd"),
    )
    question = questions_of(monev_period)[0]
    with pytest.raises(PermissionDenied):
        services.answer_save(
            user=officer_a,
            participant=participant,
            question=question,
            level=level_for(question, 100),
        )


# --- verification, clarifications, objections --------------------------------------------------
def test_verification_records_the_old_and_new_score(participant_a, officer_a, verifier):
    fill_and_submit(participant_a, officer_a)
    answer = participant_a.answers.select_related("question").get(question__code="1.1")
    services.answer_verify(user=verifier, answer=answer, level=level_for(answer.question, 100))
    services.answer_verify(
        user=verifier,
        answer=answer,
        level=level_for(answer.question, 50),
        note="Bukti kurang lengkap",
        reason="Dokumen tidak ditandatangani",
    )
    events = list(events_for(answer).filter(action="verified"))
    assert events[0].changes["verified_score"] == [None, "100.00"]
    assert events[1].changes["verified_score"] == ["100.00", "50.00"]
    assert events[1].actor == verifier and events[1].actor_role == "verifier"
    assert events[1].reason == "Dokumen tidak ditandatangani"


def test_verification_waits_for_the_submission(participant_a, officer_a, verifier):
    fill_questionnaire(participant_a, officer_a)
    answer = participant_a.answers.select_related("question").first()
    with pytest.raises(ValidationError):
        services.answer_verify(user=verifier, answer=answer, level=level_for(answer.question, 0))


def test_only_an_appointed_assigned_verifier_verifies(
    participant_a,
    participant_b,
    officer_a,
    verifier,
    panel_member,
    unappointed_evaluator,
    monev_admin,
    officer_b,
):
    fill_and_submit(participant_a, officer_a)
    answer = participant_a.answers.select_related("question").first()
    level = level_for(answer.question, 0)
    for user in (unappointed_evaluator, panel_member, officer_a, officer_b, monev_admin):
        with pytest.raises(PermissionDenied):
            services.answer_verify(user=user, answer=answer, level=level)
    # Assigned to B only: A's answers are not his.
    row = Evaluator.objects.get(user=verifier, kind=Evaluator.Kind.VERIFIER)
    services.evaluator_appoint(
        user=monev_admin,
        period=participant_a.period,
        evaluator=verifier,
        kind=Evaluator.Kind.VERIFIER,
        participants=[participant_b],
    )
    with pytest.raises(PermissionDenied):
        services.answer_verify(user=verifier, answer=answer, level=level)
    services.evaluator_revoke(user=monev_admin, evaluator_row=row)
    services.evaluator_appoint(
        user=monev_admin,
        period=participant_a.period,
        evaluator=verifier,
        kind=Evaluator.Kind.VERIFIER,
    )
    services.answer_verify(user=verifier, answer=answer, level=level)
    services.evaluator_revoke(user=monev_admin, evaluator_row=row)
    with pytest.raises(PermissionDenied):
        services.answer_verify(user=verifier, answer=answer, level=level)
    assert Answer.objects.get(pk=answer.pk).verified_level == level


def test_an_evaluator_never_scores_his_own_body(participant_a, officer_a, monev_admin):
    fill_and_submit(participant_a, officer_a)
    services.evaluator_appoint(
        user=monev_admin,
        period=participant_a.period,
        evaluator=officer_a,
        kind=Evaluator.Kind.VERIFIER,
    )
    answer = participant_a.answers.select_related("question").first()
    with pytest.raises(PermissionDenied):
        services.answer_verify(user=officer_a, answer=answer, level=level_for(answer.question, 100))


def test_clarification_asked_and_answered(participant_a, officer_a, officer_b, verifier):
    fill_and_submit(participant_a, officer_a)
    answer = participant_a.answers.first()
    clarification = services.clarification_request(
        user=verifier, answer=answer, question="Mohon unggah SK PPID terbaru."
    )
    with pytest.raises(PermissionDenied):
        services.clarification_reply(user=officer_b, clarification=clarification, reply="x")
    services.clarification_reply(
        user=officer_a,
        clarification=clarification,
        reply="SK terbaru di tautan.",
        link="https://contoh.test/sk",
    )
    clarification.refresh_from_db()
    assert clarification.replied_by == officer_a and clarification.reply_link
    with pytest.raises(ValidationError):
        services.clarification_reply(user=officer_a, clarification=clarification, reply="lagi")
    actions = list(events_for(answer).values_list("action", flat=True))
    assert "clarification_requested" in actions and "clarification_replied" in actions


def test_objections_only_within_the_window(participant_a, officer_a, verifier):
    period = participant_a.period
    fill_and_submit(participant_a, officer_a)
    verify_all(participant_a, verifier, scores=50)
    answer = participant_a.answers.select_related("question").get(question__code="1.1")
    window = period.stages.get(kind=Stage.Kind.OBJECTION)
    before = datetime.datetime.combine(window.opens_on, datetime.time(0, 0), tzinfo=WIB)
    before -= datetime.timedelta(seconds=1)
    after = datetime.datetime.combine(
        window.closes_on + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=WIB
    )
    for moment in (before, after):
        with pytest.raises(ValidationError) as exc_info:
            services.objection_lodge(user=officer_a, answer=answer, reason="Keliru", now=moment)
        assert exc_info.value.code == "outside_window"
    last_day = stage_moment(period, Stage.Kind.OBJECTION, last=True).replace(hour=23, minute=59)
    objection = services.objection_lodge(
        user=officer_a, answer=answer, reason="SK sudah diunggah.", now=last_day
    )
    with pytest.raises(ValidationError):  # one pending per answer
        services.objection_lodge(user=officer_a, answer=answer, reason="Lagi", now=last_day)
    assert objection.decision == Objection.Decision.PENDING


def test_an_upheld_objection_changes_the_score_with_an_event(
    participant_a, officer_a, officer_b, verifier
):
    period = participant_a.period
    fill_and_submit(participant_a, officer_a)
    verify_all(participant_a, verifier, scores=50)
    answer = participant_a.answers.select_related("question").get(question__code="1.1")
    moment = stage_moment(period, Stage.Kind.OBJECTION)
    with pytest.raises(PermissionDenied):
        services.objection_lodge(user=officer_b, answer=answer, reason="x", now=moment)
    objection = services.objection_lodge(
        user=officer_a, answer=answer, reason="Bukti lengkap.", now=moment
    )
    with pytest.raises(ValidationError):  # upheld needs the new level
        services.objection_decide(
            user=verifier, objection=objection, decision=Objection.Decision.UPHELD, note="Benar"
        )
    services.objection_decide(
        user=verifier,
        objection=objection,
        decision=Objection.Decision.UPHELD,
        note="Bukti diterima.",
        level=level_for(answer.question, 100),
    )
    answer.refresh_from_db()
    assert answer.verified_level.score == D("100")
    event = events_for(answer).filter(action="verified").last()
    assert event.changes == {"verified_score": ["50.00", "100.00"]}
    with pytest.raises(ValidationError):
        services.objection_decide(
            user=verifier, objection=objection, decision=Objection.Decision.REJECTED, note="x"
        )
    # A rejected objection keeps the score.
    other = participant_a.answers.select_related("question").get(question__code="1.2")
    objection = services.objection_lodge(user=officer_a, answer=other, reason="x", now=moment)
    services.objection_decide(
        user=verifier,
        objection=objection,
        decision=Objection.Decision.REJECTED,
        note="Bukti tidak ada.",
    )
    assert Answer.objects.get(pk=other.pk).verified_level.score == D("50")


# --- panel scores, computing, closing, publishing ------------------------------------------------
def test_the_presentation_is_scored_only_for_qualified_bodies(
    open_period,
    participant_a,
    participant_b,
    officer_a,
    officer_b,
    verifier,
    panel_member,
    monev_admin,
):
    Period.objects.filter(pk=open_period.pk).update(presentation_threshold=D("65"))
    fill_and_submit(participant_a, officer_a, 100)
    fill_and_submit(participant_b, officer_b, 50)
    verify_all(participant_a, verifier)
    verify_all(participant_b, verifier)
    with pytest.raises(ValidationError):  # not computed yet
        panel_score_all(participant_a, panel_member, presentation=90)
    services.results_compute(period=open_period, user=monev_admin)
    panel_score_all(participant_a, panel_member, presentation=90)
    with pytest.raises(ValidationError):  # F53: 50 < 65
        panel_score_all(participant_b, panel_member, presentation=90)
    with pytest.raises(PermissionDenied):  # a verifier is not on the panel
        panel_score_all(participant_a, verifier, visit=90)


def test_panel_scores_are_validated_and_recorded(participant_a, officer_a, panel_member):
    fill_and_submit(participant_a, officer_a)
    for bad in ("101", "-1", "abc"):
        with pytest.raises(ValidationError):
            panel_score_all(participant_a, panel_member, visit=bad)
    panel_score_all(participant_a, panel_member, visit="80")
    panel_score_all(participant_a, panel_member, visit="85.5")
    changes = [e.changes for e in events_for(participant_a).filter(action="panel_scored")]
    assert changes == [
        {"visit_panel_score": [None, "80.00"]},
        {"visit_panel_score": ["80.00", "85.50"]},
    ]


def test_results_compute_records_every_change_with_old_and_new(
    open_period,
    participant_a,
    participant_b,
    officer_a,
    officer_b,
    verifier,
    panel_member,
    monev_admin,
):
    fill_and_submit(participant_a, officer_a, {"1.1": 100, "1.2": 100, "2.1": 50, "2.2": 0})
    fill_and_submit(participant_b, officer_b, 100)
    verify_all(participant_a, verifier)
    panel_score_all(participant_a, panel_member, visit=90)
    summary = services.results_compute(period=open_period, user=monev_admin)
    assert summary["participants"] == 2 and summary["rated"] == 2 and summary["changed"] == 2
    participant_a.refresh_from_db()
    # I1 100, I2 (50×1 + 0×2)/3 = 16.67; SAQ = 60 + 40×16.666… /100 = 66.67; final
    # = 66.67×0.8 + 90×0.2 = 71.34 (F53 weights).
    assert participant_a.indicator_scores == {"I1": "100.00", "I2": "16.67"}
    assert participant_a.questionnaire_score == D("66.67")
    assert participant_a.self_score == D("66.67")
    assert participant_a.final_score == D("71.34")
    assert participant_a.band.key == "cukup-informatif"
    assert participant_a.status == Participant.Status.VERIFIED
    assert participant_a.rank == 1
    event = events_for(participant_a).get(action="results_computed")
    assert event.changes["final_score"] == [None, "71.34"]
    assert event.changes["band"] == [None, "cukup-informatif"]
    assert event.changes["status"] == ["submitted", "verified"]
    assert event.actor == monev_admin and event.actor_role == "monev_admin"
    # B unverified: questionnaire 0, not verified yet.
    participant_b.refresh_from_db()
    assert participant_b.final_score == D("0.00") and participant_b.rank == 2
    assert participant_b.status == Participant.Status.SUBMITTED
    # Nothing changed: no new events.
    assert services.results_compute(period=open_period)["changed"] == 0
    assert events_for(participant_a).filter(action="results_computed").count() == 1
    # A verification changes B's scores: one more event, old and new.
    verify_all(participant_b, verifier)
    services.results_compute(period=open_period)
    event = events_for(participant_b).filter(action="results_computed").last()
    assert event.changes["final_score"] == ["0.00", "80.00"]
    assert event.changes["rank"] == [2, 1]
    assert event.actor is None and event.actor_role == "system"
    assert events_for(participant_a).filter(action="results_computed").last().changes == {
        "rank": [1, 2]
    }


def test_results_compute_uses_a_fixed_number_of_queries(
    open_period,
    participant_a,
    participant_b,
    officer_a,
    officer_b,
    verifier,
    django_assert_max_num_queries,
):
    fill_and_submit(participant_a, officer_a, 100)
    fill_and_submit(participant_b, officer_b, 50)
    verify_all(participant_a, verifier)
    verify_all(participant_b, verifier)
    with django_assert_max_num_queries(16):
        services.results_compute(period=open_period)


def test_only_the_organiser_computes(open_period, officer_a, verifier):
    for user in (officer_a, verifier):
        with pytest.raises(PermissionDenied):
            services.results_compute(period=open_period, user=user)


def test_ties_are_broken_by_earlier_submission(
    open_period, participant_a, participant_b, officer_a, officer_b, verifier
):
    moment = stage_moment(open_period, Stage.Kind.QUESTIONNAIRE)
    fill_and_submit(participant_b, officer_b, 100, now=moment)
    fill_and_submit(participant_a, officer_a, 100, now=moment + datetime.timedelta(minutes=5))
    verify_all(participant_a, verifier)
    verify_all(participant_b, verifier)
    services.results_compute(period=open_period)
    participant_a.refresh_from_db()
    participant_b.refresh_from_db()
    assert participant_a.final_score == participant_b.final_score
    assert (participant_b.rank, participant_a.rank) == (1, 2)


def test_close_marks_those_that_never_submitted_as_not_rated(
    open_period, participant_a, participant_b, officer_a, verifier, monev_admin
):
    fill_and_submit(participant_a, officer_a, 100)
    verify_all(participant_a, verifier)
    services.period_close(user=monev_admin, period=open_period)
    participant_b.refresh_from_db()
    # F51: "tidak dinilai".
    assert participant_b.status == Participant.Status.NOT_RATED
    assert participant_b.final_score is None and participant_b.rank is None
    assert participant_b.band is None
    assert events_for(participant_b).filter(action="not_rated").exists()
    period = Period.objects.get(pk=open_period.pk)
    assert period.status == Period.Status.CLOSED and period.closed_at


def test_close_waits_for_pending_objections(participant_a, officer_a, verifier, monev_admin):
    period = participant_a.period
    fill_and_submit(participant_a, officer_a)
    verify_all(participant_a, verifier, scores=0)
    answer = participant_a.answers.first()
    services.objection_lodge(
        user=officer_a, answer=answer, reason="x", now=stage_moment(period, Stage.Kind.OBJECTION)
    )
    with pytest.raises(ValidationError):
        services.period_close(user=monev_admin, period=period)
    assert Period.objects.get(pk=period.pk).status == Period.Status.OPEN


def test_publish_only_when_closed(open_period, monev_admin, officer_a):
    with pytest.raises(ValidationError) as exc_info:
        services.period_publish(user=monev_admin, period=open_period)
    assert exc_info.value.code == "not_closed"
    services.period_close(user=monev_admin, period=open_period)
    with pytest.raises(PermissionDenied):
        services.period_publish(user=officer_a, period=open_period)
    services.period_publish(user=monev_admin, period=open_period)
    period = Period.objects.get(pk=open_period.pk)
    assert period.published_at is not None
    with pytest.raises(ValidationError):
        services.period_publish(user=monev_admin, period=period)


def test_at_most_one_published_period_per_year(published_period, other_office, outsider):
    other = build_period(other_office, title="Monev kabupaten")
    Period.objects.filter(pk=other.pk).update(status=Period.Status.CLOSED)
    from ppid.organizations.models import Role

    from .conftest import appoint

    organiser = appoint(other_office, Role.PPID_UTAMA, "kab-admin")
    with translation.override("en"), pytest.raises(ValidationError) as exc_info:
        services.period_publish(user=organiser, period=other)
    assert "only one period per year" in errors_of(exc_info)
    assert Period.objects.get(pk=other.pk).published_at is None


def test_historical_results_are_saved_with_an_event(monev_admin, province, officer_a):
    # F56: Kalteng 2018, rank 7 nationally, Menuju Informatif.
    result = services.historical_result_save(
        user=monev_admin,
        body=province,
        year=2018,
        commission="ki_pusat",
        qualification="Menuju Informatif",
        rank=7,
        rank_scope="Pemerintah provinsi, nasional",
    )
    again = services.historical_result_save(
        user=monev_admin,
        body=province,
        year=2018,
        commission="ki_pusat",
        qualification="Menuju Informatif",
        score="85.5",
        rank=7,
    )
    assert again.pk == result.pk and again.score == D("85.50")
    assert [e.action for e in events_for(result)] == ["saved", "saved"]
    with pytest.raises(PermissionDenied):
        services.historical_result_save(
            user=officer_a, body=province, year=2019, commission="ki_pusat", qualification="X"
        )
    with pytest.raises(ValidationError):
        services.historical_result_save(
            user=monev_admin,
            body=province,
            year=2019,
            commission="ki_pusat",
            qualification="X",
            score="120",
        )


def test_the_participants_timeline_holds_its_answers_events(participant_a, officer_a, verifier):
    from ppid.monev.queries import participant_events, period_events

    fill_and_submit(participant_a, officer_a)
    verify_all(participant_a, verifier)
    events = participant_events(participant_a)
    actions = [e.action for e in events]
    assert actions.count("answer_saved") == 4 and actions.count("verified") == 4
    assert "submitted" in actions
    assert {e.question_code for e in events if e.action == "verified"} == {
        "1.1",
        "1.2",
        "2.1",
        "2.2",
    }
    assert all(e.label for e in events)
    assert period_events(participant_a.period) == []
