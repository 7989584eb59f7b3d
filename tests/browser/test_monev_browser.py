"""The monev in a real browser (issue 5 §8): a body's officer fills the questionnaire with
evidence and submits it; the evaluator verifies every answer and scores the site visit; the
organiser computes, closes and publishes; the public ranking page shows the body with its
score and qualification. The back-office pages pass axe-core.

Pages are in Bahasa Indonesia by default and their words are being translated, so elements
are found by name attributes, ids and URLs, and the figures compared are data."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ppid.monev.models import Answer, Evaluator, Participant, Period, Question
from ppid.organizations.models import Body, Office, Role
from tests.factories import AppointmentFactory, BodyFactory, OfficeFactory, UserFactory
from tests.monev.conftest import PDF_BYTES, build_period, questions_of

from .conftest import assert_accessible

pytestmark = [
    pytest.mark.browser,
    # Transactional: the live server's thread must see the test data; serialized_rollback
    # keeps Wagtail's root page and site, which the admin needs.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"  # tests/factories.py: every persona's password


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(path: str) -> re.Pattern:
    return re.compile(r"^https?://[^/]+" + path + "$")


def local_only(context, live_server) -> None:
    """Refuse every request that leaves the test server (the Wagtail admin asks an outside
    avatar service for each officer's picture)."""
    outside = re.compile(r"^(?!" + re.escape(live_server.url) + r"/)(https?|wss?)://")
    context.route(outside, lambda route: route.abort())


@pytest.fixture
def login(browser, live_server):
    """login(user, next) -> a Page of its own browser, logged in through the real form."""
    contexts = []

    def make(user, next_path):
        context = browser.new_context(base_url=live_server.url, accept_downloads=True)
        context.set_default_timeout(15_000)
        local_only(context, live_server)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"/admin/login/?next={next_path}")
        page.locator("input[name=username]").fill(user.username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("input[name=password]").press("Enter")
        expect(page).to_have_url(at(re.escape(next_path)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def monev():
    """An OPEN period of the province (SAQ open today; questionnaire 80 % + visit 20 %,
    F53 KI Pusat 2025) with one agency taking part and one evaluator (verifier and panel)."""
    province = BodyFactory(name="Pemerintah Provinsi Kalimantan Tengah", slug="provinsi-kalteng",
                           kind=Body.Kind.PROVINCE)  # fmt: skip
    utama = OfficeFactory(body=province, kind=Office.Kind.UTAMA, name="PPID Utama Kalteng",
                          slug="ppid-utama")  # fmt: skip
    agency = BodyFactory(name="Dinas Komunikasi, Informatika, Persandian dan Statistik",
                         slug="diskominfosantik", parent=province)  # fmt: skip
    office = OfficeFactory(body=agency, kind=Office.Kind.PELAKSANA, parent=utama,
                           name="PPID Pelaksana Diskominfosantik", slug="ppid-kominfo")  # fmt: skip

    def appoint(office, role, username):
        user = UserFactory(username=username, is_staff=True)
        return AppointmentFactory(office=office, role=role, user=user).user

    period = build_period(utama, title="Monev Keterbukaan Informasi Publik Kalteng")
    participant = Participant.objects.create(
        period=period, body=agency, category=period.categories.get(key="opd")
    )
    evaluator = appoint(utama, Role.EVALUATOR, "penilai")
    for kind in (Evaluator.Kind.VERIFIER, Evaluator.Kind.PANEL):
        Evaluator.objects.create(period=period, user=evaluator, kind=kind, sk_number="800/7/2026")
    period.status = Period.Status.OPEN
    period.save(update_fields=["status"])
    return {
        "period": period,
        "participant": participant,
        "officer": appoint(office, Role.PPID_PELAKSANA, "ppid-kominfo"),
        "evaluator": evaluator,
        "admin": appoint(utama, Role.PPID_UTAMA, "ppid-utama"),
    }


def test_a_body_submits_an_evaluator_scores_and_the_ranking_is_published(login, monev, tmp_path):
    period, participant = monev["period"], monev["participant"]
    evidence = tmp_path / "sk-ppid.pdf"
    evidence.write_bytes(PDF_BYTES)

    # The body's officer answers every question with the evidence it asks for.
    questionnaire = reverse("monev_admin:questionnaire", args=[participant.token])
    body = login(monev["officer"], questionnaire)
    assert_accessible(body)
    for question in questions_of(period):
        section = body.locator(f"#question-{question.pk}")
        best = question.levels.get(score=100)
        section.locator(f"input[name=q{question.pk}-level][value='{best.pk}']").check()
        section.locator(f"textarea[name=q{question.pk}-note]").fill("Tersedia di laman PPID.")
        if question.evidence in (Question.Evidence.FILE, Question.Evidence.FILE_OR_LINK):
            section.locator(f"input[name=q{question.pk}-evidence_file]").set_input_files(
                str(evidence)
            )
        elif question.evidence == Question.Evidence.LINK:
            section.locator(f"input[name=q{question.pk}-evidence_link]").fill(
                "https://ppid.kalteng.go.id/dip"
            )
        section.locator("button[type=submit]").click()
        expect(body).to_have_url(at(re.escape(questionnaire)))
    assert Answer.objects.filter(participant=participant, level__score=100).count() == 4

    body.locator("#monev-submit").click()
    body.locator("form.monev-confirm button[type=submit]").click()
    expect(body).to_have_url(at(re.escape(questionnaire)))
    # Read-only now: no answer form is left on the page.
    expect(body.locator("input[type=radio]")).to_have_count(0)
    participant.refresh_from_db()
    assert participant.status == Participant.Status.SUBMITTED

    # The evaluator verifies each answer at the body's level and scores the visit.
    evaluate = reverse("monev_admin:evaluate", args=[participant.token])
    evaluator = login(monev["evaluator"], evaluate)
    assert_accessible(evaluator)
    for answer in Answer.objects.filter(participant=participant).order_by("pk"):
        action = reverse("monev_admin:answer_verify", args=[participant.token, answer.pk])
        form = evaluator.locator(f"form[action='{action}']")
        expect(
            form.locator(f"input[name=v{answer.pk}-level][value='{answer.level_id}']")
        ).to_be_checked()
        form.locator(f"textarea[name=v{answer.pk}-note]").fill("Sesuai bukti.")
        form.locator("button[type=submit]").click()
        expect(evaluator).to_have_url(at(re.escape(evaluate)))
    assert not Answer.objects.filter(participant=participant, verified_level__isnull=True).exists()
    visit = evaluator.locator("#panel-visit")
    visit.locator("input[name=panel-visit-score]").fill("90")
    visit.locator("button[type=submit]").click()
    expect(evaluator).to_have_url(at(re.escape(evaluate)))

    # The organiser computes, closes and publishes.
    results = reverse("monev_admin:period_results", args=[period.token])
    admin = login(monev["admin"], results)
    admin.locator(
        f"form[action='{reverse('monev_admin:period_compute', args=[period.token])}'] button"
    ).click()
    expect(admin).to_have_url(at(re.escape(results)))
    # Questionnaire 100 × 80 % + visit 90 × 20 % = 98.00 (F53); Informatif (F51).
    expect(admin.locator("table.monev-results")).to_contain_text(re.compile(r"98[,.]00"))
    admin.reload()  # without Wagtail's flash message, whose colours are Wagtail's own
    assert_accessible(admin)
    admin.locator(
        f"a[href='{reverse('monev_admin:period_close', args=[period.token])}']"
    ).first.click()
    admin.locator("form.monev-confirm button[type=submit]").click()
    expect(admin).to_have_url(at(re.escape(results)))
    admin.locator(f"a[href='{reverse('monev_admin:period_publish', args=[period.token])}']").click()
    admin.locator("form.monev-confirm button[type=submit]").click()
    expect(admin).to_have_url(at(re.escape(results)))
    period.refresh_from_db()
    assert period.status == Period.Status.CLOSED and period.published_at is not None

    # The public ranking shows the body with its score and qualification.
    admin.goto(reverse("monev:ranking", args=[period.year]))
    row = admin.locator("tr", has_text=participant.body.name)
    expect(row).to_contain_text(re.compile(r"98[,.]00"))
    expect(row).to_contain_text("Informatif")
