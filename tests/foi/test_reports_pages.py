"""The public statistics page (UU 14/2008 Pasal 12, F14) and the back office's registers
and annual reports: charts with their tables, no personal data in public, and a permission
matrix over every page and download (anonymous, other office, handler, Atasan, Utama)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from ppid.core.models import Event
from ppid.foi.models import AnnualReport, InformationRequest, Outcome
from ppid.organizations.models import Role
from tests.factories import AppointmentFactory, UserFactory

from .test_reports import ADDRESS, NIK, PHONE, load_dataset, load_holidays, make

LOGIN = "/admin/login/"
BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client, user):
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def holidays(db):
    load_holidays()


@pytest.fixture
def dataset(holidays, office_a, office_b, officer_a, atasan):
    return load_dataset(office_a, office_b, officer_a, atasan)


@pytest.fixture
def leader(office_a):
    return AppointmentFactory(office=office_a, role=Role.LEADER, user=UserFactory()).user


# --- public statistics ----------------------------------------------------------------------


def test_the_public_page_shows_every_chart_with_its_table(client, dataset):
    response = client.get("/statistik-layanan/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<figure") >= 9
    assert html.count('role="img"') == html.count("<svg")
    assert html.count("<svg") >= 8
    assert html.count("<figcaption>") == html.count("<figure")
    assert 'aria-label="' in html and "<table" in html
    assert '<html lang="id"' in html
    # Charts are drawn with plain numbers, never a localised "12,5" inside SVG attributes.
    assert 'width="340.0"' in html or 'width="340"' in html
    for personal in (NIK, PHONE, ADDRESS, "Warga Uji", "@example.org", "Rahasia pribadi"):
        assert personal not in html
    assert "PPID-DINAS-A/PERMOHONAN" not in html  # counts only: no registration numbers


def test_the_public_page_links_each_body_and_the_body_page_counts_its_tree(client, dataset):
    html = client.get("/statistik-layanan/?year=2025").content.decode()
    assert reverse("foi_reports:statistics_body", args=["dinas-a"]) in html
    body_page = client.get("/statistik-layanan/dinas-a/?year=2025")
    assert body_page.status_code == 200
    assert body_page.context["stats"].received == 9
    province = client.get("/statistik-layanan/provinsi-uji/?year=2025")
    assert province.context["stats"].received == 10


def test_the_body_selector_redirects_without_javascript(client, dataset):
    response = client.get("/statistik-layanan/?body=dinas-b&year=2025")
    assert response.status_code == 302
    assert response["Location"] == "/statistik-layanan/dinas-b/?year=2025"


def test_unknown_body_is_404_and_a_bad_year_falls_back_with_a_message(client, db):
    assert client.get("/statistik-layanan/tidak-ada/").status_code == 404
    for bad in ("abc", "1999", "99999", "2025%00"):
        response = client.get(f"/statistik-layanan/?year={bad}")
        assert response.status_code == 200
        assert response.context["notices"]


def test_the_public_page_in_english_and_with_demo_data_labelled(client, holidays, office_a):
    make(office_a, is_demo=True, outcome=Outcome.GRANTED_FULL, notified=(2025, 4, 21))
    response = client.get("/en/statistik-layanan/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Demo data" in html
    assert "Requests received by month" in html


def test_the_public_page_is_cached_for_anonymous_visitors(client, settings, holidays, office_a):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    first = client.get("/statistik-layanan/?year=2025").context["stats"].received
    make(office_a)
    cached = client.get("/statistik-layanan/?year=2025")
    assert first == 0 and cached.context is None  # served from the page cache


# --- back office: permission matrix ---------------------------------------------------------


def urls(office, year=2025):
    slug = office.slug
    return [
        f"/admin/foi/reports/{slug}/register/requests/?year={year}",
        f"/admin/foi/reports/{slug}/register/objections/?year={year}",
        f"/admin/foi/reports/{slug}/register/disputes/?year={year}",
        f"/admin/foi/reports/{slug}/register/requests.xlsx?year={year}",
        f"/admin/foi/reports/{slug}/register/objections.pdf?year={year}",
        f"/admin/foi/reports/{slug}/register/disputes.xlsx?year={year}",
        f"/admin/foi/reports/{slug}/annual/{year}/",
        f"/admin/foi/reports/{slug}/annual/{year}.pdf",
        f"/admin/foi/reports/{slug}/annual/{year}.xlsx",
    ]


def test_anonymous_visitors_are_sent_to_the_login(client, dataset, office_a):
    for url in [
        *urls(office_a),
        "/admin/foi/reports/",
        f"/admin/foi/reports/{office_a.slug}/annual/2025/edit/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url


@pytest.mark.parametrize("persona", ["officer_b", "outsider", "expired_officer"])
def test_other_offices_get_404_like_a_missing_office(client, dataset, office_a, persona, request):
    login(client, request.getfixturevalue(persona))
    # An expired appointment does not open the back office at all (login page).
    refused = {302} if persona == "expired_officer" else {404}
    for url in [*urls(office_a), f"/admin/foi/reports/{office_a.slug}/annual/2025/edit/",
                "/admin/foi/reports/no-such-office/register/requests/"]:  # fmt: skip
        assert client.get(url).status_code in refused, url


@pytest.mark.parametrize("persona", ["officer_a", "utama_officer", "atasan", "leader", "superuser"])
def test_readers_of_the_office_get_every_page(client, dataset, office_a, persona, request):
    login(client, request.getfixturevalue(persona))
    for url in urls(office_a):
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_handler_sees_personal_data_and_the_atasan_and_leader_do_not(
    client, dataset, office_a, officer_a, atasan, leader
):
    url = f"/admin/foi/reports/{office_a.slug}/register/requests/?year=2025"
    assert ADDRESS in login(client, officer_a).get(url).content.decode()
    for reader in (atasan, leader):
        html = login(client, reader).get(url).content.decode()
        assert ADDRESS not in html and PHONE not in html
        assert "Warga Uji" in html  # the register still lists who asked


def test_the_request_register_page_is_paginated_with_the_year_filter(
    client, holidays, office_a, officer_a
):
    for _ in range(27):
        make(office_a)
    login(client, officer_a)
    url = f"/admin/foi/reports/{office_a.slug}/register/requests/"
    first = client.get(url + "?year=2025")
    assert len(first.context["cells"]) == 25
    assert first.context["page_obj"].paginator.count == 27
    second = client.get(url + "?year=2025&p=2")
    assert len(second.context["cells"]) == 2
    assert client.get(url + "?year=2024").context["page_obj"].paginator.count == 0
    assert client.get(url + "?year=abc").status_code == 200


def test_register_pages_make_no_query_per_row(
    client, dataset, office_a, officer_a, django_assert_max_num_queries
):
    login(client, officer_a)
    base = f"/admin/foi/reports/{office_a.slug}/register"
    counts = {}
    for register in ("requests", "objections", "disputes"):
        with django_assert_max_num_queries(100) as captured:
            client.get(f"{base}/{register}/?year=2025")
        counts[register] = len(captured)
    for _ in range(10):
        make(office_a)
    with django_assert_max_num_queries(counts["requests"]):
        client.get(f"{base}/requests/?year=2025")


def test_the_utama_register_consolidates_its_offices(
    client, dataset, utama, office_b, utama_officer
):
    login(client, utama_officer)
    response = client.get(f"/admin/foi/reports/{utama.slug}/register/requests/?year=2025")
    assert response.context["page_obj"].paginator.count == 10
    # An Utama officer also reads each Pelaksana under it.
    assert client.get(f"/admin/foi/reports/{office_b.slug}/register/requests/").status_code == 200


def test_an_export_is_one_event_on_the_office(client, dataset, office_a, officer_a, atasan):
    from openpyxl import load_workbook

    login(client, officer_a)
    response = client.get(f"/admin/foi/reports/{office_a.slug}/register/requests.xlsx?year=2025")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3 + 9
    event = Event.objects.get(action="register_exported")
    assert event.subject == office_a and event.actor == officer_a
    assert event.changes == {
        "register": "requests", "year": 2025, "format": "xlsx", "rows": 9, "personal_data": True,
    }  # fmt: skip
    login(client, atasan).get(f"/admin/foi/reports/{office_a.slug}/register/requests.pdf?year=2025")
    latest = Event.objects.filter(action="register_exported").latest("id")
    assert latest.changes["personal_data"] is False and latest.actor == atasan


def test_the_index_lists_only_the_users_offices(client, office_a, office_b, officer_a, utama):
    login(client, officer_a)
    response = client.get("/admin/foi/reports/")
    assert response.status_code == 200
    names = [office.name for office in response.context["page_obj"]]
    assert names == ["PPID Dinas A"]


def test_unknown_register_or_format_is_404(client, office_a, officer_a):
    login(client, officer_a)
    base = f"/admin/foi/reports/{office_a.slug}"
    for url in (f"{base}/register/secrets/", f"{base}/register/requests.csv",
                f"{base}/annual/1999/", f"{base}/annual/2999.pdf"):  # fmt: skip
        assert client.get(url, follow=True).status_code == 404, url


# --- annual report ------------------------------------------------------------------------


def test_the_annual_report_page_shows_sections_d11_and_charts(
    client, dataset, utama, utama_officer
):
    login(client, utama_officer)
    response = client.get(f"/admin/foi/reports/{utama.slug}/annual/2025/")
    assert response.status_code == 200
    html = response.content.decode()
    for section in ("(a)", "(b)", "(c)", "(d)", "(e)"):
        assert section in html
    assert response.context["data"].due == datetime.date(2026, 3, 31)
    assert response.context["data"].statistics.received == 10
    assert "<svg" in html and "<table" in html
    assert response.context["can_edit"] is True


def test_the_narrative_is_edited_by_the_offices_ppid(client, office_a, officer_a):
    login(client, officer_a)
    url = f"/admin/foi/reports/{office_a.slug}/annual/2025/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "general_policy": "Ruang layanan dan dua petugas.", "obstacles": "Jaringan internet",
        "recommendations": "Pelatihan petugas", "sent_to_atasan_on": "2026-03-20",
        "sent_to_ki_on": "2026-03-20",
    })  # fmt: skip
    assert response.status_code == 302
    report = AnnualReport.objects.get(office=office_a, year=2025)
    assert report.obstacles == "Jaringan internet" and report.updated_by == officer_a
    assert Event.objects.filter(action="annual_report_created").count() == 1
    page = client.get(f"/admin/foi/reports/{office_a.slug}/annual/2025/")
    assert page.context["data"].to_ki.met and page.context["data"].to_atasan.met
    assert "Pelatihan petugas" in page.content.decode()


def test_a_bad_narrative_form_changes_nothing(client, office_a, officer_a):
    login(client, officer_a)
    url = f"/admin/foi/reports/{office_a.slug}/annual/2025/edit/"
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    for data in ({"sent_to_ki_on": "not a date"}, {"sent_to_ki_on": future},
                 {"obstacles": "x" * 20001}, {"sent_to_atasan_on": "2024-12-31"}):  # fmt: skip
        response = client.post(url, data)
        assert response.status_code == 400, data
    assert not AnnualReport.objects.exists()
    assert not Event.objects.filter(action__startswith="annual_report").exists()


@pytest.mark.parametrize("persona", ["atasan", "leader"])
def test_readers_cannot_edit_the_narrative(client, office_a, persona, request):
    login(client, request.getfixturevalue(persona))
    url = f"/admin/foi/reports/{office_a.slug}/annual/2025/edit/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"obstacles": "x"}).status_code == 404
    assert not AnnualReport.objects.exists()


def test_the_edit_form_needs_csrf(office_a, officer_a):
    from django.test import Client

    client = login(Client(enforce_csrf_checks=True), officer_a)
    response = client.post(
        f"/admin/foi/reports/{office_a.slug}/annual/2025/edit/", {"obstacles": "x"}
    )
    assert response.status_code == 403
    assert not AnnualReport.objects.exists()


def test_registers_never_change_requests(client, dataset, office_a, officer_a):
    before = list(
        InformationRequest.objects.order_by("pk").values_list("pk", "status", "updated_at")
    )
    login(client, officer_a)
    for url in urls(office_a):
        client.get(url)
    after = list(
        InformationRequest.objects.order_by("pk").values_list("pk", "status", "updated_at")
    )
    assert before == after
