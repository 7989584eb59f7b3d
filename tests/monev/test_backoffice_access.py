"""The permission matrix over every monev back-office URL (STYLE.md: pretix, froide): the
organiser (monev admin), the period's verifier and panel member, an evaluator not appointed
to it, the officers of bodies A and B, an officer of an unrelated body, and anonymous.
Not yours answers 404, exactly like missing; anonymous is sent to the login page
(issue 5 §8: a body cannot see another body's answers or scores; an evaluator not appointed
to the period is refused)."""

import pytest
from django.test import Client
from django.urls import reverse

from ppid.monev.models import Answer, Clarification, Evaluator, Participant, Period, Question

from .conftest import fill_and_submit, level_for

pytestmark = pytest.mark.django_db

PERSONAS = ["admin", "verifier", "panel", "eve", "alice", "bob", "charlie", "anonymous"]
EVALUATORS = {"admin", "verifier", "panel"}


@pytest.fixture
def scene(monev_admin, open_period, participant_a, participant_b, officer_a, officer_b,
          verifier, panel_member, unappointed_evaluator, outsider):  # fmt: skip
    """A's questionnaire submitted (with a PDF), B's untouched; one clarification on A."""
    fill_and_submit(participant_a, officer_a, 100)
    answer = Answer.objects.get(participant=participant_a, question__code="1.1")
    clarification = Clarification.objects.create(answer=answer, asked_by=verifier,
                                                  question="Mohon SK.")  # fmt: skip
    return {
        "users": {
            "admin": monev_admin,
            "verifier": verifier,
            "panel": panel_member,
            "eve": unappointed_evaluator,
            "alice": officer_a,
            "bob": officer_b,
            "charlie": outsider,
            "anonymous": None,
        },  # fmt: skip
        "period": open_period,
        "a": participant_a,
        "b": participant_b,
        "answer": answer,
        "question": answer.question,
        "indicator": answer.question.indicator,
        "clarification": clarification,
        "evaluator": Evaluator.objects.get(period=open_period, user=verifier),
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        user = type(user).objects.get(pk=user.pk)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def only(*allowed) -> dict:
    return {persona: 200 if persona in allowed else 404 for persona in PERSONAS}


def get_cases(s) -> list[tuple[str, str, dict]]:
    token, a, b = s["period"].token, s["a"].token, s["b"].token
    admin_only = only("admin")
    period_pages = [
        ("period", [token]), ("period_copy", [token]), ("period_settings", [token]),
        ("period_bands", [token]), ("period_categories", [token]), ("period_stages", [token]),
        ("period_indicators", [token]), ("indicator_edit", [token, s["indicator"].pk]),
        ("question_create", [token, s["indicator"].pk]),
        ("question_edit", [token, s["question"].pk]), ("period_participants", [token]),
        ("period_evaluators", [token]), ("period_results", [token]),
        ("results_xlsx", [token]), ("period_close", [token]), ("period_publish", [token]),
    ]  # fmt: skip
    cases = [
        ("index", [], only("admin", "verifier", "panel", "alice", "bob", "charlie")),
        # charlie is PPID Utama of his own body: he may organise his own periods.
        ("period_create", [], only("admin", "charlie")),
        ("history", [], only("admin", "charlie")),
        *[(name, args, admin_only) for name, args in period_pages],
        ("questionnaire", [a], only("alice")),
        ("questionnaire_submit", [a], only("alice")),
        ("questionnaire", [b], only("bob")),
        ("questionnaire_submit", [b], only("bob")),
        ("evaluate", [a], only("admin", "verifier", "panel")),
        ("evaluate", [b], only("admin", "verifier", "panel")),
        # Before publication the body's own sheet would reveal its rank among the others.
        ("scoring_sheet_xlsx", [a], only("admin", "verifier", "panel")),
        ("evidence", [s["answer"].pk], only("admin", "verifier", "panel", "alice")),
    ]
    return [(name, reverse(f"monev_admin:{name}", args=args), codes)
            for name, args, codes in cases]  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_answers_each_persona_as_the_matrix_says(scene, persona):
    client = client_for(scene["users"][persona])
    wrong = []
    for name, path, codes in get_cases(scene):
        response = client.get(path)
        expected = 302 if persona == "anonymous" else codes[persona]
        if response.status_code != expected:
            wrong.append(f"{name} {path}: {response.status_code}, expected {expected}")
        elif expected == 302 and "/admin/login/" not in response["Location"]:
            wrong.append(f"{name}: redirected to {response['Location']}")
    assert not wrong, "\n".join(wrong)


def post_cases(s) -> list[tuple[str, str, dict, set]]:
    """(name, path, data, personas allowed to act); everyone else gets 404 (or the login
    page) and nothing changes."""
    token, a = s["period"].token, s["a"].token
    answer, question = s["answer"], s["question"]
    level = level_for(question, 0).pk

    def path(name, *args):
        return reverse(f"monev_admin:{name}", args=args)

    return [
        ("period_open", path("period_open", token), {}, {"admin"}),
        ("period_compute", path("period_compute", token), {}, {"admin"}),
        ("period_close", path("period_close", token), {}, {"admin"}),
        ("period_publish", path("period_publish", token), {}, {"admin"}),
        ("period_settings", path("period_settings", token),
         {"title": "Diubah", "commission": "internal", "presentation_threshold": "0",
          "evidence_max_mb": "2"}, {"admin"}),
        ("participant_remove", path("participant_remove", token, s["b"].token), {}, {"admin"}),
        ("evaluator_revoke", path("evaluator_revoke", token, s["evaluator"].pk), {}, {"admin"}),
        ("answer_save", path("answer_save", s["b"].token, question.pk),
         {f"q{question.pk}-level": level}, {"bob"}),
        ("answer_verify", path("answer_verify", a, answer.pk),
         {f"v{answer.pk}-level": level, f"v{answer.pk}-note": "x"}, {"verifier"}),
        ("clarification_request", path("clarification_request", a, answer.pk),
         {f"c{answer.pk}-question": "Mengapa?"}, {"verifier"}),
        ("clarification_reply", path("clarification_reply", a, s["clarification"].pk),
         {f"r{s['clarification'].pk}-reply": "Karena."}, {"alice"}),
        ("objection_lodge", path("objection_lodge", a, answer.pk),
         {f"o{answer.pk}-reason": "Keberatan."}, {"alice"}),
        ("panel_score", path("panel_score", a, "visit"), {"panel-visit-score": "80"}, {"panel"}),
    ]  # fmt: skip


def _state(s) -> tuple:
    period = Period.objects.get(pk=s["period"].pk)
    answer = Answer.objects.get(pk=s["answer"].pk)
    clarification = Clarification.objects.get(pk=s["clarification"].pk)
    return (
        period.status, period.title, Participant.objects.filter(period=period).count(),
        Evaluator.objects.get(pk=s["evaluator"].pk).active, answer.verified_level_id,
        answer.clarifications.count(), clarification.reply, answer.objections.count(),
        Answer.objects.filter(participant=s["b"]).count(), s["a"].panel_scores.count(),
        Question.objects.filter(indicator__period=period).count(),
    )  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_acts_outside_their_role(scene, persona):
    client = client_for(scene["users"][persona])
    before = _state(scene)
    wrong = []
    for name, path, data, allowed in post_cases(scene):
        if persona in allowed:
            continue
        response = client.post(path, data)
        expected = 302 if persona == "anonymous" else 404
        if response.status_code != expected:
            wrong.append(f"{name}: {response.status_code}, expected {expected}")
    assert not wrong, "\n".join(wrong)
    assert _state(scene) == before


def test_an_evaluator_assigned_to_b_cannot_see_a(scene, verifier):
    row = scene["evaluator"]
    row.participants.set([scene["b"]])
    client = client_for(verifier)
    assert client.get(reverse("monev_admin:evaluate", args=[scene["b"].token])).status_code == 200
    for name, args in [("evaluate", [scene["a"].token]), ("evidence", [scene["answer"].pk]),
                       ("scoring_sheet_xlsx", [scene["a"].token])]:  # fmt: skip
        assert client.get(reverse(f"monev_admin:{name}", args=args)).status_code == 404, name
    answer = scene["answer"]
    response = client.post(reverse("monev_admin:answer_verify", args=[scene["a"].token, answer.pk]),
                           {f"v{answer.pk}-level": answer.level_id})  # fmt: skip
    assert response.status_code == 404
    answer.refresh_from_db()
    assert answer.verified_level_id is None


def test_a_revoked_evaluator_is_refused(scene, verifier):
    scene["evaluator"].active = False
    scene["evaluator"].save(update_fields=["active"])
    client = client_for(verifier)
    assert client.get(reverse("monev_admin:evaluate", args=[scene["a"].token])).status_code == 404
    assert client.get(reverse("monev_admin:evidence", args=[scene["answer"].pk])).status_code == 404


def test_a_draft_period_is_the_organisers_alone(monev_period, office_a, officer_a, verifier):
    # F54: bodies and evaluators see a period only once it runs.
    opd = monev_period.categories.get(key="opd")
    participant = Participant.objects.create(period=monev_period, body=office_a.body, category=opd)
    Evaluator.objects.create(period=monev_period, user=verifier, kind="verifier")
    for user, name in [(officer_a, "questionnaire"), (verifier, "evaluate")]:
        response = client_for(user).get(reverse(f"monev_admin:{name}", args=[participant.token]))
        assert response.status_code == 404, name


def test_the_body_sees_its_own_verified_scores_only(scene, verifier, officer_a, officer_b):
    """Before publication: A sees its verified levels once verified; B sees nothing of A,
    and A's page carries no other body's figures."""
    answer = scene["answer"]
    from ppid.monev import services

    services.answer_verify(user=verifier, answer=answer, level=level_for(answer.question, 50),
                           note="Catatan verifikator khusus A.")  # fmt: skip
    own = client_for(officer_a).get(reverse("monev_admin:questionnaire", args=[scene["a"].token]))
    assert "Catatan verifikator khusus A." in own.content.decode()
    other = client_for(officer_b)
    assert (
        other.get(reverse("monev_admin:questionnaire", args=[scene["a"].token])).status_code == 404
    )
    page = other.get(reverse("monev_admin:questionnaire", args=[scene["b"].token])).content.decode()
    assert "Catatan verifikator khusus A." not in page and "Dinas A" not in page
