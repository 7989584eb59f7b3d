"""Public monev pages (issue 5 §4): the published periods, the ranking per category with the
distribution of qualifications and the tie-break rule, a body's result against its
category's average, a body's history with results entered by hand, and the rule that
nothing shows before publication (§2), to anyone.

`results_period` builds stored results directly (scores as services.results_compute would
store them), so that ranking order, ties and averages can be set exactly; the
`published_period` fixture (tests/monev/conftest.py) drives the real services end to end.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ppid.monev import services
from ppid.monev.models import Band, HistoricalResult, Participant, Period
from ppid.monev.scoring import TIE_BREAK_RULE
from ppid.organizations.models import Body
from tests.factories import BodyFactory

from .conftest import build_period

# --- building stored results ----------------------------------------------------------------


def band_of(period, score) -> Band | None:
    """The band whose range holds `score` (F51: lower inclusive, upper exclusive)."""
    if score is None:
        return None
    for band in period.bands.order_by("-min_score"):
        if score >= band.min_score and (band.max_score is None or score < band.max_score):
            return band
    return None


def rate(period, body, *, category="opd", final=None, rank=None, indicators=None,
         questionnaire=None, visit=None, presentation=None, submitted=True):  # fmt: skip
    """A participant with stored results; final=None is a body that never submitted."""
    final = Decimal(final) if final is not None else None
    return Participant.objects.create(
        period=period, body=body, category=period.categories.get(key=category),
        status=Participant.Status.VERIFIED if final is not None else Participant.Status.NOT_RATED,
        submitted_at=timezone.now() if final is not None and submitted else None,
        final_score=final, band=band_of(period, final), rank=rank,
        questionnaire_score=Decimal(questionnaire if questionnaire is not None else final or 0)
        if final is not None else None,
        visit_score=Decimal(visit) if visit is not None else None,
        presentation_score=Decimal(presentation) if presentation is not None else None,
        indicator_scores={k: str(v) for k, v in (indicators or {}).items()},
        computed_at=timezone.now(),
    )  # fmt: skip


def close(period) -> Period:
    period.status = Period.Status.CLOSED
    period.closed_at = timezone.now()
    period.save(update_fields=["status", "closed_at"])
    return period


def publish(period) -> Period:
    close(period)
    period.published_at = timezone.now()
    period.save(update_fields=["published_at"])
    return period


def bodies(n, prefix="Badan"):
    return [BodyFactory(name=f"{prefix} {i:03d}", slug=f"{prefix.lower()}-{i:03d}")
            for i in range(n)]  # fmt: skip


def build_ranked(utama, office_a, office_b) -> Period:
    """A 2024 period, closed but not published: three agencies in `opd` (two tied at 85,
    ranked 2 and 2), two regencies in `kabkota`, one agency not rated."""
    period = build_period(utama, year=2024, title="Monev KIP Provinsi Uji 2024")
    a, b = office_a.body, office_b.body
    c = BodyFactory(name="Dinas C", slug="dinas-c")
    d = BodyFactory(name="Dinas D", slug="dinas-d")
    k1 = BodyFactory(name="Kabupaten Satu", slug="kabupaten-satu", kind=Body.Kind.REGENCY)
    k2 = BodyFactory(name="Kabupaten Dua", slug="kabupaten-dua", kind=Body.Kind.REGENCY)
    rate(period, a, final="92.50", rank=1, indicators={"I1": "95.00", "I2": "88.75"})
    # Equal on every tie-break: the same rank, listed by name (Dinas B before Dinas C).
    rate(period, c, final="85.00", rank=2, indicators={"I1": "80.00", "I2": "92.50"})
    rate(period, b, final="85.00", rank=2, indicators={"I1": "90.00", "I2": "77.50"})
    rate(period, d, final=None)
    rate(period, k1, category="kabkota", final="59.99", rank=1, indicators={"I1": "60.00"})
    rate(period, k2, category="kabkota", final="39.99", rank=2, indicators={"I1": "40.00"})
    return close(period)


@pytest.fixture
def ranked(utama, office_a, office_b):
    return build_ranked(utama, office_a, office_b)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- nothing before publication ------------------------------------------------------------

PUBLIC_URLS = [
    "/monev/2024/",
    "/monev/2024/dinas-a/",
    "/monev/2024/dinas-b/",
    "/monev/2024/hasil.xlsx",
    "/monev/2024/dinas-a/sertifikat.pdf",
    "/monev/2024/dinas-a/lembar-penilaian.xlsx",
    "/monev/badan/dinas-a/",
    "/en/monev/2024/",
    "/en/monev/2024/dinas-a/",
]


@pytest.mark.parametrize("status", [Period.Status.DRAFT, Period.Status.OPEN, Period.Status.CLOSED])
@pytest.mark.parametrize("who", ["anonymous", "officer_b", "officer_a", "monev_admin"])
def test_nothing_is_public_before_publication(client, request, ranked, status, who):
    ranked.status = status
    ranked.save(update_fields=["status"])
    if who != "anonymous":
        # Even the body's own officer and the organiser: they use the back office.
        client.force_login(request.getfixturevalue(who))
    for url in PUBLIC_URLS:
        assert client.get(url).status_code == 404, url
    html = page(client, "/monev/")
    assert "2024" not in text_of(html) and "Dinas A" not in html


def test_publication_shows_everything_at_once(client, ranked):
    assert client.get("/monev/2024/").status_code == 404
    publish(ranked)
    for url in PUBLIC_URLS:
        assert client.get(url).status_code == 200, url
    assert "Monev KIP Provinsi Uji 2024" in page(client, "/monev/")


def test_unknown_years_and_bodies_answer_404(client, ranked):
    publish(ranked)
    for url in ["/monev/2023/", "/monev/99999999999999999999/", "/monev/2024/tidak-ada/",
                "/monev/2024/tidak-ada/sertifikat.pdf", "/monev/badan/tidak-ada/",
                "/monev/2024/dinas-a/lembar-penilaian.xlsx/x"]:  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_a_body_of_another_period_is_not_found_in_this_one(client, ranked, other_office):
    publish(ranked)
    assert client.get("/monev/2024/kabupaten-lain/").status_code == 404


def test_the_not_rated_body_has_a_page_but_no_certificate(client, ranked):
    publish(ranked)
    html = page(client, "/monev/2024/dinas-d/")
    assert "sertifikat.pdf" not in html
    assert client.get("/monev/2024/dinas-d/sertifikat.pdf").status_code == 404
    assert client.get("/monev/2024/dinas-d/lembar-penilaian.xlsx").status_code == 200


# --- the published periods ------------------------------------------------------------------


def test_the_index_lists_published_periods_with_their_counts(client, ranked, utama):
    publish(ranked)
    build_period(utama, year=2025, title="Monev 2025 masih disusun")
    html = page(client, "/monev/")
    assert "Monev KIP Provinsi Uji 2024" in html
    assert "Monev 2025 masih disusun" not in html
    assert reverse("monev:ranking", args=[2024]) in html
    cells = text_of(html)
    # 6 bodies took part, 5 were rated.
    assert re.search(r"PPID Utama Uji .* 6 5 ", cells)


def test_the_index_says_so_when_nothing_is_published(client, db):
    html = page(client, "/monev/")
    assert "<table" not in html


# --- the ranking ----------------------------------------------------------------------------


def _ranking_rows(html: str) -> list[tuple[str, str, str, str]]:
    """(rank, body, score, qualification) of every ranking row, in page order."""
    rows = re.findall(
        r'<tr><td class="num">(\d+)</td><th scope="row"><a href="[^"]+">([^<]+)</a>.*?</th>'
        r'<td class="num">([^<]+)</td><td>([^<]*)</td></tr>',
        html,
    )
    return rows


def test_the_ranking_lists_each_category_in_rank_order_with_ties(client, ranked):
    publish(ranked)
    html = page(client, "/monev/2024/")
    assert _ranking_rows(html) == [
        ("1", "Dinas A", "92,50", "Informatif"),
        ("2", "Dinas B", "85,00", "Menuju Informatif"),
        ("2", "Dinas C", "85,00", "Menuju Informatif"),
        ("1", "Kabupaten Satu", "59,99", "Kurang Informatif"),
        ("2", "Kabupaten Dua", "39,99", "Tidak Informatif"),
    ]
    captions = re.findall(r"<caption><strong>([^<]+)</strong></caption>", html)
    assert captions == ["Perangkat Daerah Provinsi", "Pemerintah Kabupaten/Kota"]
    assert 'href="/monev/2024/dinas-a/"' in html


def test_the_ranking_states_the_tie_break_rule_and_links_the_workbook(client, ranked):
    publish(ranked)
    html = page(client, "/monev/2024/")
    assert str(TIE_BREAK_RULE) in html
    assert 'href="/monev/2024/hasil.xlsx"' in html


def test_the_not_rated_are_listed_apart(client, ranked):
    publish(ranked)
    html = page(client, "/monev/2024/")
    section = html.split('id="not-rated-title"')[1]
    assert "Dinas D" in section
    assert "Dinas D" not in html.split('id="not-rated-title"')[0].split('id="ranking-title"')[1]


def test_the_distribution_of_qualifications_has_a_chart_and_its_table(client, ranked):
    publish(ranked)
    html = page(client, "/monev/2024/")
    figure = html.split('id="chart-bands"')[1].split("</figure>")[0]
    assert 'role="img"' in figure and "<svg" in figure and "<table" in figure
    body = figure.split("<tbody>")[1].split("</tbody>")[0]
    counts = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td></tr>',
                             body))  # fmt: skip
    assert counts == {"Informatif": "1", "Menuju Informatif": "2", "Cukup Informatif": "0",
                      "Kurang Informatif": "1", "Tidak Informatif": "1"}  # fmt: skip
    assert re.search(r'<tfoot><tr><th scope="row">[^<]+</th><td class="num">5</td>', figure)
    table = html.split('id="distribution-by-category"')[1].split("</table>")[0]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td class="num">\d+</td>)+)</tr>',
                      table)  # fmt: skip
    cells = {name: re.findall(r">(\d+)<", tds) for name, tds in rows}
    # Per band (Informatif … Tidak Informatif), not rated, total.
    assert cells["Perangkat Daerah Provinsi"] == ["1", "2", "0", "0", "0", "1", "4"]
    assert cells["Pemerintah Kabupaten/Kota"] == ["0", "0", "0", "1", "1", "0", "2"]


def test_the_ranking_filters_a_category_and_ignores_an_unknown_one(client, ranked):
    publish(ranked)
    html = page(client, "/monev/2024/?kategori=kabkota")
    assert [row[1] for row in _ranking_rows(html)] == ["Kabupaten Satu", "Kabupaten Dua"]
    assert 'id="not-rated-title"' not in html
    # Only the categories with public bodies in them are offered.
    assert 'href="?kategori=opd"' in html and 'href="?kategori=bumd"' not in html
    html = page(client, "/monev/2024/?kategori=%3Cscript%3E")
    assert len(_ranking_rows(html)) == 5
    assert 'class="notice"' in html and "<script>" not in html


def test_a_large_ranking_is_paginated(client, ranked, monkeypatch):
    from ppid.monev import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    publish(ranked)
    first = _ranking_rows(page(client, "/monev/2024/"))
    second = _ranking_rows(page(client, "/monev/2024/?page=2"))
    third = _ranking_rows(page(client, "/monev/2024/?page=3"))
    assert [r[1] for r in first + second + third] == [
        "Dinas A", "Dinas B", "Dinas C", "Kabupaten Satu", "Kabupaten Dua"]  # fmt: skip
    # A page out of range or not a number shows a page, never an error.
    assert _ranking_rows(page(client, "/monev/2024/?page=99")) == third
    assert _ranking_rows(page(client, "/monev/2024/?page=x")) == first


def test_the_ranking_reads_with_the_same_few_queries_at_any_size(
    client, ranked, django_assert_max_num_queries
):
    publish(ranked)
    client.get("/monev/2024/")  # warm the site's own caches (session, site settings)
    with django_assert_max_num_queries(10) as small:
        page(client, "/monev/2024/")
    for body in bodies(60):
        rate(ranked, body, final="70.00", rank=3)
    for body in bodies(10, prefix="Tidak"):
        rate(ranked, body, final=None)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = page(client, "/monev/2024/")
    assert html.count("Badan 0") == 60


# --- a body's result ------------------------------------------------------------------------


def test_a_body_page_reads_with_the_same_few_queries_at_any_size(
    client, ranked, django_assert_max_num_queries
):
    publish(ranked)
    client.get("/monev/2024/dinas-b/")
    with django_assert_max_num_queries(10) as small:
        page(client, "/monev/2024/dinas-b/")
    for body in bodies(40):
        rate(ranked, body, final="70.00", rank=4, indicators={"I1": "70.00", "I2": "70.00"})
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = page(client, "/monev/2024/dinas-b/")
    assert "2 of 43" in html or "2 dari 43" in html


def test_a_body_page_compares_each_indicator_with_its_category_average(client, ranked):
    publish(ranked)
    html = page(client, "/monev/2024/dinas-b/")
    table = html.split('id="indicator-table"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">([^<]+)</td>\s*'
                      r'<td class="num">([^<]+)</td>\s*<td class="num">([^<]+)</td>\s*'
                      r'<td class="num">([^<]+)</td>', table)  # fmt: skip
    # opd averages over A, B and C (not D, not rated): I1 (95+90+80)/3 = 88.33;
    # I2 (88.75+77.50+92.50)/3 = 86.25.
    assert rows == [
        ("I1. Pengumuman informasi publik", "60", "90,00", "88,33", "+1,67"),
        ("I2. Pelayanan informasi", "40", "77,50", "86,25", "-8,75"),
    ]
    figure = html.split('id="chart-indicators"')[1].split("</figure>")[0]
    assert "<svg" in figure and 'role="img"' in figure and "indicator-table" in figure
    summary = text_of(html.split('class="monev-summary"')[1].split("</dl>")[0])
    assert "Menuju Informatif" in summary and "85,00" in summary
    assert "2 " in summary and " 3" in summary  # rank 2 of the 3 rated in the category
    assert "87,50" in summary  # the category's average final: (92.5 + 85 + 85) / 3
    assert 'href="/monev/2024/dinas-b/sertifikat.pdf"' in html
    assert 'href="/monev/2024/dinas-b/lembar-penilaian.xlsx"' in html
    assert 'href="/monev/badan/dinas-b/"' in html


def test_a_body_page_from_the_real_services(client, published_period):
    # A filled at 100 with visit 90: 98.00 Informatif, rank 1 (tests/monev/conftest.py).
    year = published_period.year
    html = page(client, f"/monev/{year}/dinas-a/")
    summary = text_of(html.split('class="monev-summary"')[1].split("</dl>")[0])
    assert "Informatif" in summary and "98,00" in summary
    stages = text_of(html.split('id="stage-table"')[1].split("</table>")[0])
    assert "100,00" in stages and "90,00" in stages
    ranking = _ranking_rows(page(client, f"/monev/{year}/"))
    assert [(r[0], r[1], r[2]) for r in ranking] == [("1", "Dinas A", "98,00"),
                                                     ("2", "Dinas B", "54,00")]  # fmt: skip


# --- a body's history -----------------------------------------------------------------------


def test_the_history_joins_published_periods_and_results_entered_by_hand(client, ranked, utama):
    body = Body.objects.get(slug="dinas-a")
    HistoricalResult.objects.create(
        body=body, year=2018, commission="ki_pusat", qualification="Menuju Informatif", rank=7,
        rank_scope="pemerintah provinsi, nasional", source_url="https://example.test/2018",
    )  # fmt: skip
    HistoricalResult.objects.create(
        body=body, year=2023, commission="ki_pusat", qualification="Informatif",
        score=Decimal("91.20"), rank=6,
    )  # fmt: skip
    # An unpublished period of 2025 must not show (nothing leaks).
    later = build_period(utama, year=2025, title="Monev 2025 belum terbit")
    rate(close(later), body, final="99.00", rank=1)
    publish(ranked)
    html = page(client, "/monev/badan/dinas-a/")
    table = text_of(html.split('id="history-table"')[1].split("</table>")[0])
    assert "2025" not in table and "99,00" not in table
    assert re.search(r"2024 .*Informatif 92,50 1 \(Perangkat Daerah Provinsi\)", table)
    assert re.search(r"2023 .*Informatif 91,20 6", table)
    assert re.search(r"2018 .*Menuju Informatif – 7 \(pemerintah provinsi, nasional\)", table)
    assert table.index("2024") < table.index("2023") < table.index("2018")
    figure = html.split('id="chart-history"')[1].split("</figure>")[0]
    years = re.findall(r'<tr><th scope="row">(\d{4})</th><td class="num">([^<]+)</td>', figure)
    assert years == [("2023", "91,20"), ("2024", "92,50")]  # scores only, oldest first
    assert 'href="https://example.test/2018"' in html
    assert 'href="/monev/2024/dinas-a/"' in html


def test_a_body_with_only_results_entered_by_hand_has_a_history(client, db):
    body = BodyFactory(name="Pemerintah Provinsi Kalteng", slug="kalteng")
    HistoricalResult.objects.create(body=body, year=2018, commission="ki_pusat",
                                    qualification="Menuju Informatif", rank=7)  # fmt: skip
    html = page(client, "/monev/badan/kalteng/")
    assert "Menuju Informatif" in html
    assert 'id="chart-history"' not in html  # no score, no chart: the table alone


def test_a_body_with_nothing_published_has_no_history_page(client, ranked):
    assert client.get("/monev/badan/dinas-a/").status_code == 404
    assert client.get("/monev/badan/kabupaten-lain/").status_code == 404


# --- languages and cache --------------------------------------------------------------------


def test_pages_are_indonesian_by_default_and_english_under_en(client, ranked):
    publish(ranked)
    for path in ["/monev/", "/monev/2024/", "/monev/2024/dinas-a/", "/monev/badan/dinas-a/"]:
        assert '<html lang="id"' in page(client, path)
        english = page(client, f"/en{path}")
        assert '<html lang="en"' in english
    english = page(client, "/en/monev/2024/")
    assert "Ranking per category of public body" in english
    assert "92.50" in english  # English number format
    assert 'href="/en/monev/2024/dinas-a/"' in english


def test_publication_shows_at_once_through_the_page_cache(
    client, settings, open_period, participant_a, participant_b, officer_a, monev_admin,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from .conftest import fill_and_submit

    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    year = open_period.year
    fill_and_submit(participant_a, officer_a, 100)
    services.period_close(user=monev_admin, period=open_period)
    assert "Monev Keterbukaan Informasi Uji" not in page(client, "/monev/")  # now cached
    assert client.get(f"/monev/{year}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.period_publish(user=monev_admin, period=Period.objects.get(pk=open_period.pk))
    assert "Monev Keterbukaan Informasi Uji" in page(client, "/monev/")
    assert "Dinas A" in page(client, f"/monev/{year}/")


def test_the_results_workbook_is_kept_while_nothing_changes(client, settings, ranked, monkeypatch):
    from ppid.monev import exports

    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    publish(ranked)
    first = client.get("/monev/2024/hasil.xlsx")
    calls = []
    original = exports.results_workbook
    monkeypatch.setattr(exports, "results_workbook", lambda p: calls.append(p) or original(p))
    second = client.get("/monev/2024/hasil.xlsx")
    assert second.status_code == 200 and second.content == first.content and not calls
    assert "attachment" in second["Content-Disposition"]


def test_a_historical_result_shows_at_once_through_the_page_cache(
    client, settings, ranked, monev_admin, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    publish(ranked)
    body = Body.objects.get(slug="dinas-a")
    assert "2018" not in text_of(page(client, "/monev/badan/dinas-a/"))
    with django_capture_on_commit_callbacks(execute=True):
        services.historical_result_save(
            user=monev_admin, body=body, year=2018, commission="ki_pusat",
            qualification="Menuju Informatif", rank=7,
        )  # fmt: skip
    assert "2018" in text_of(page(client, "/monev/badan/dinas-a/"))


def test_pages_carry_no_personal_or_unpublished_fields(client, published_period):
    html = page(client, f"/monev/{published_period.year}/dinas-a/")
    # Tokens address the back office only; answers and notes stay out of public pages.
    participant = published_period.participants.get(body__slug="dinas-a")
    assert participant.token not in html and published_period.token not in html
    assert "Terlampir." not in html and "Sesuai bukti." not in html
