"""The public monev API (issue 5 §5): the published periods and a period's ranking in
exactly the issue's shape; an unpublished or unknown period answers 404 in the API's JSON
error shape; numbers are JSON numbers."""

import json

import pytest

from ppid.monev.models import Period

from .conftest import build_period
from .test_public import build_ranked, close, publish

RANKING = "/api/v1/monev/periods/2024/ranking"


@pytest.fixture
def ranked(utama, office_a, office_b):
    """Stored results of 2024, closed, not yet published (test_public.build_ranked)."""
    return build_ranked(utama, office_a, office_b)


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


# --- before publication ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [Period.Status.DRAFT, Period.Status.OPEN, Period.Status.CLOSED])
@pytest.mark.parametrize("who", ["anonymous", "officer_a", "officer_b", "monev_admin"])
def test_an_unpublished_period_is_not_in_the_api(client, request, ranked, status, who):
    ranked.status = status
    ranked.save(update_fields=["status"])
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert get_json(client, "/api/v1/monev/periods") == []
    assert get_json(client, RANKING, 404) == {"detail": "Tidak ditemukan."}


@pytest.mark.parametrize("year", ["2023", "0", "99999999999999999999"])
def test_an_unknown_year_answers_404(client, ranked, year):
    publish(ranked)
    body = get_json(client, f"/api/v1/monev/periods/{year}/ranking", 404)
    assert set(body) == {"detail"}


def test_a_year_that_is_not_a_number_is_refused(client, ranked):
    publish(ranked)
    response = client.get("/api/v1/monev/periods/dua-ribu/ranking")
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in json.loads(response.content)


# --- after publication ----------------------------------------------------------------------


def test_the_published_periods(client, ranked, utama):
    publish(ranked)
    build_period(utama, year=2025, title="Belum terbit")
    periods = get_json(client, "/api/v1/monev/periods")
    assert len(periods) == 1
    period = periods[0]
    assert period["year"] == 2024 and isinstance(period["year"], int)
    assert period["title"] == "Monev KIP Provinsi Uji 2024"
    assert period["commission"] == "internal"
    assert period["organizer"] == "PPID Utama Uji"
    assert period["participants"] == 6 and period["rated"] == 5
    assert period["url"] == "http://testserver/monev/2024/"
    assert period["ranking"] == "http://testserver/api/v1/monev/periods/2024/ranking"
    assert period["published_at"].startswith(str(ranked.published_at.year))


def test_the_ranking_has_exactly_the_issues_shape(client, ranked):
    publish(ranked)
    ranking = get_json(client, RANKING)
    assert set(ranking) == {"year", "bands", "results"}
    assert ranking["year"] == 2024
    for band in ranking["bands"]:
        assert set(band) == {"category", "min", "max"}
    for row in ranking["results"]:
        assert set(row) == {"body", "body_category", "score", "category", "rank"}


def test_the_ranking_bands_are_numbers(client, ranked):
    publish(ranked)
    raw = client.get(RANKING).content.decode()
    assert '"min": 90.0' in raw or '"min":90.0' in raw  # a number, not a string
    assert get_json(client, RANKING)["bands"] == [
        {"category": "Informatif", "min": 90, "max": 100},
        {"category": "Menuju Informatif", "min": 80, "max": 90},
        {"category": "Cukup Informatif", "min": 60, "max": 80},
        {"category": "Kurang Informatif", "min": 40, "max": 60},
        {"category": "Tidak Informatif", "min": 0, "max": 40},
    ]


def test_the_ranking_results_in_order_with_ties_and_the_not_rated_last(client, ranked):
    publish(ranked)
    results = get_json(client, RANKING)["results"]
    assert results == [
        {"body": "Dinas A", "body_category": "Perangkat Daerah Provinsi", "score": 92.5,
         "category": "Informatif", "rank": 1},
        {"body": "Dinas B", "body_category": "Perangkat Daerah Provinsi", "score": 85.0,
         "category": "Menuju Informatif", "rank": 2},
        {"body": "Dinas C", "body_category": "Perangkat Daerah Provinsi", "score": 85.0,
         "category": "Menuju Informatif", "rank": 2},
        {"body": "Kabupaten Satu", "body_category": "Pemerintah Kabupaten/Kota",
         "score": 59.99, "category": "Kurang Informatif", "rank": 1},
        {"body": "Kabupaten Dua", "body_category": "Pemerintah Kabupaten/Kota",
         "score": 39.99, "category": "Tidak Informatif", "rank": 2},
        {"body": "Dinas D", "body_category": "Perangkat Daerah Provinsi", "score": None,
         "category": None, "rank": None},
    ]  # fmt: skip
    assert all(isinstance(r["score"], float) for r in results[:5])


def test_the_ranking_from_the_real_services(client, published_period):
    ranking = get_json(client, f"/api/v1/monev/periods/{published_period.year}/ranking")
    assert [(r["body"], r["score"], r["category"], r["rank"]) for r in ranking["results"]] == [
        ("Dinas A", 98.0, "Informatif", 1),
        ("Dinas B", 54.0, "Kurang Informatif", 2),
    ]


def test_the_api_answers_the_same_in_english(client, ranked):
    publish(ranked)
    english = client.get(RANKING, HTTP_ACCEPT_LANGUAGE="en")
    assert json.loads(english.content) == get_json(client, RANKING)
    periods = json.loads(client.get("/api/v1/monev/periods", HTTP_ACCEPT_LANGUAGE="en").content)
    assert periods[0]["url"] == "http://testserver/monev/2024/"


def test_a_closed_period_of_the_same_year_by_another_organiser_stays_hidden(
    client, ranked, other_office
):
    publish(ranked)
    other = close(build_period(other_office, year=2024, title="Monev kabupaten 2024"))
    assert other.published_at is None
    assert [p["title"] for p in get_json(client, "/api/v1/monev/periods")] == [
        "Monev KIP Provinsi Uji 2024"
    ]
    assert get_json(client, RANKING)["year"] == 2024


def test_the_endpoints_are_in_the_openapi_description(client, db):
    schema = get_json(client, "/api/v1/openapi.json")
    assert "/api/v1/monev/periods" in schema["paths"]
    ranking = schema["paths"]["/api/v1/monev/periods/{year}/ranking"]["get"]
    assert set(ranking["responses"]) >= {"200", "404"}
    properties = schema["components"]["schemas"]["RankingOut"]["properties"]
    assert set(properties) == {"year", "bands", "results"}
