"""The demo monev (issue 5 §6): the province's own ranking of the demo bodies for the current
and the previous year, run through the services and published, and Pemprov Kalteng's real
KI Pusat results (kalteng.md §5.3). Loaded once for the module (it takes seconds), inside a
transaction rolled back at the end."""

import datetime
import html
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ppid.core.models import Event
from ppid.monev import demo as monev_demo
from ppid.monev.models import (
    Answer,
    Commission,
    HistoricalResult,
    Participant,
    Period,
    Question,
    Stage,
)
from ppid.organizations.demo import PROVINCE_SLUG, UTAMA_SLUG, load_organizations
from ppid.organizations.models import Body

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
YEAR = timezone.localdate().year


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        orgs = load_organizations()
        created = monev_demo.load_monev_demo(orgs=orgs)
        yield SimpleNamespace(orgs=orgs, created=created)
        transaction.set_rollback(True)


@pytest.fixture
def period(demo, db):
    return Period.objects.get(year=YEAR, organizer__slug=UTAMA_SLUG)


def _demo_bodies():
    return Body.objects.filter(is_demo=True).exclude(slug=PROVINCE_SLUG)


def test_it_loads_a_published_period_for_this_year_and_the_last(demo, db):
    assert demo.created["monev_periods"] == 2
    periods = Period.objects.filter(organizer__slug=UTAMA_SLUG).order_by("year")
    assert [p.year for p in periods] == [YEAR - 1, YEAR]
    for period in periods:
        assert period.status == Period.Status.CLOSED and period.published_at is not None
        assert period.commission == Commission.INTERNAL
        assert period.is_demo and "DIKARANG" in period.description
        # Every demo body but the organiser's own takes part, in its category (F55).
        assert set(period.participants.values_list("body_id", flat=True)) == set(
            _demo_bodies().values_list("pk", flat=True)
        )
        for participant in period.participants.select_related("body", "category"):
            assert participant.category.key == monev_demo.CATEGORY_OF_KIND[participant.body.kind]


def test_this_year_is_a_copy_of_last_year_with_the_ki_pusat_2025_weights(period):
    assert period.copied_from.year == YEAR - 1
    # F53: KI Pusat 2025, indicators and stage weights.
    weights = list(period.indicators.order_by("order").values_list("name", "weight"))
    assert weights == [
        ("Kualitas Informasi", Decimal("10")), ("Jenis Informasi", Decimal("40")),
        ("Pelayanan Informasi", Decimal("10")), ("Komitmen Organisasi", Decimal("10")),
        ("Sarana dan Prasarana", Decimal("10")), ("Digitalisasi", Decimal("20")),
    ]  # fmt: skip
    stages = {s.kind: s for s in period.stages.all()}
    assert stages[Stage.Kind.QUESTIONNAIRE].weight == 80
    assert stages[Stage.Kind.VISIT].weight == 20
    assert stages[Stage.Kind.OBJECTION].closes_on - stages[Stage.Kind.OBJECTION].opens_on == (
        datetime.timedelta(days=2)  # three days, KI DKI Jakarta (F53)
    )
    questions = Question.objects.filter(indicator__period=period)
    assert questions.count() >= 12
    assert all(q.levels.count() == 4 for q in questions)  # F57: four levels
    assert set(questions.exclude(system_evidence="").values_list("system_evidence", flat=True)) == {
        "dip", "berkala", "requests", "objections", "annual_report", "datasets"
    }  # fmt: skip


def test_results_are_computed_from_verified_answers_and_visits(period):
    rated = period.participants.filter(final_score__isnull=False)
    assert rated.count() == period.participants.count() - len(monev_demo.NEVER_SUBMIT)
    for participant in rated:
        assert participant.status == Participant.Status.VERIFIED
        expected = (participant.questionnaire_score * 80 + participant.visit_score * 20) / 100
        assert participant.final_score == expected.quantize(Decimal("0.01"))
        assert participant.band is not None and participant.rank >= 1
        assert Event.objects.filter(action="results_computed", object_id=participant.pk).exists()
    # Ranks within each category follow the scores (F51: competition ranking).
    for category in period.categories.all():
        rows = list(rated.filter(category=category).order_by("rank"))
        if rows:
            assert rows[0].rank == 1
            assert [r.final_score for r in rows] == sorted(
                (r.final_score for r in rows), reverse=True
            )
    # More than one band: the demo shows a spread, not a wall of one qualification.
    assert rated.values("band").distinct().count() >= 3


def test_bodies_that_never_submitted_are_not_rated(period):
    unrated = period.participants.filter(status=Participant.Status.NOT_RATED)
    assert set(unrated.values_list("body__slug", flat=True)) == monev_demo.NEVER_SUBMIT
    assert not unrated.filter(final_score__isnull=False).exists()
    assert not Answer.objects.filter(participant__in=unrated).exists()


def test_every_step_was_taken_by_a_demo_user_at_its_stage(period):
    saq = period.stages.get(kind=Stage.Kind.QUESTIONNAIRE)
    for submitted_at in period.participants.exclude(submitted_at=None).values_list(
        "submitted_at", flat=True
    ):
        assert saq.opens_on <= submitted_at.astimezone(WIB).date() <= saq.closes_on
    answers = Answer.objects.filter(participant__period=period)
    assert not answers.filter(verified_level=None).exists()
    assert set(answers.values_list("verified_by__username", flat=True)) == {"demo.evaluator"}
    assert not answers.exclude(evidence_link__startswith="http").exists()
    assert not answers.exclude(note__contains="(data demo)").exists()
    submitters = set(period.participants.exclude(submitted_by=None)
                     .values_list("submitted_by__username", flat=True))  # fmt: skip
    assert "demo.pelaksana.dinkes" in submitters
    assert all(u == "demo.pelaksana.dinkes" or u.startswith("demo.ppid.") for u in submitters)
    publication = Event.objects.get(action="published", object_id=period.pk,
                                    content_type__model="period")  # fmt: skip
    assert publication.actor.username == "demo.ppid_utama"
    assert Event.objects.filter(action="objection_decided").exists()
    assert Event.objects.filter(action="clarification_replied").exists()


def test_the_public_ranking_lists_every_demo_body(period, client):
    url = reverse("monev:ranking", args=[period.year])
    seen = ""
    for page in range(1, 20):
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        text = html.unescape(response.content.decode())
        seen += text
        if f"page={page + 1}" not in text:
            break
    missing = [b.name for b in _demo_bodies() if b.name not in seen]
    assert not missing


def test_the_api_ranking_has_every_rated_body(period, client):
    response = client.get(f"/api/v1/monev/periods/{period.year}/ranking")
    assert response.status_code == 200
    data = response.json()
    rated = period.participants.filter(final_score__isnull=False)
    assert {row["body"] for row in data["results"] if row["rank"]} >= set(
        rated.values_list("body__name", flat=True)
    )


def test_pemprov_kalteng_history_shows_2018_with_its_sources(demo, client):
    # kalteng.md §5.3: the KI Pusat's results for the province, entered by hand.
    rows = HistoricalResult.objects.filter(body__slug=PROVINCE_SLUG).order_by("year")
    assert [r.year for r in rows] == [2018, 2020, 2021, 2022, 2023, 2024, 2025]
    first = rows[0]
    assert (first.qualification, first.rank, first.commission) == (
        "Menuju Informatif",
        7,
        "ki_pusat",
    )
    assert "belum terverifikasi" in first.note
    r2024 = rows.get(year=2024)
    assert (r2024.score, r2024.rank, r2024.qualification) == (Decimal("97.73"), 5, "Informatif")
    assert rows.get(year=2021).score == Decimal("88.45")
    assert all(r.is_demo and r.source_url.startswith("https://") for r in rows)

    response = client.get(reverse("monev:body_history", args=[PROVINCE_SLUG]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "2018" in text and "Menuju Informatif" in text
    assert "kaltengterkini.co.id" in text


def test_every_demo_record_is_marked(demo, db):
    for model in apps.get_app_config("monev").get_models():
        if any(f.name == "is_demo" for f in model._meta.fields):
            assert not model._base_manager.filter(is_demo=False).exists(), model
    from ppid.organizations.models import Appointment

    made = Appointment.objects.filter(user__username__startswith=monev_demo.BODY_OFFICER_PREFIX)
    assert made.exists()
    assert not made.exclude(is_demo=True, sk_number__contains="DEMO",
                            person_name__contains="demo").exists()  # fmt: skip
    assert not any(a.user.has_usable_password() for a in made.select_related("user"))


def test_a_second_load_changes_nothing(demo, db):
    counts = {m._meta.label: m._base_manager.count() for m in apps.get_models()}
    assert not monev_demo.load_monev_demo(orgs=demo.orgs)
    assert {m._meta.label: m._base_manager.count() for m in apps.get_models()} == counts


def test_a_bodys_result_page_and_certificate(period, client):
    participant = period.participants.filter(rank=1).select_related("body").first()
    page = client.get(reverse("monev:participant", args=[period.year, participant.body.slug]))
    assert page.status_code == 200
    assert participant.body.name in html.unescape(page.content.decode())
    pdf = client.get(reverse("monev:certificate", args=[period.year, participant.body.slug]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_dinkes_officer_sees_the_system_evidence_beside_the_questions(period, client):
    from django.contrib.auth import get_user_model

    from ppid.monev.evidence import system_evidence_for

    participant = period.participants.get(body__slug="dinkes-kalteng")
    officer = get_user_model().objects.get(username="demo.pelaksana.dinkes")
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("monev_admin:questionnaire", args=[participant.token]))
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    facts = system_evidence_for(body=participant.body, year=period.year)
    assert facts["requests"].summary in text
    assert facts["dip"].summary in text
