"""Whole public pages are cached for anonymous visitors and invalidated by every write."""

import pytest
from django.urls import reverse

from ppid.registry import services
from tests.factories import ItemFactory


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


@pytest.mark.django_db
def test_an_anonymous_page_is_served_from_the_cache(client, page_cache, office_a):
    ItemFactory(office=office_a, title="Laporan pertama")
    first = client.get(reverse("registry:browse"))
    ItemFactory(office=office_a, title="Laporan kedua tanpa layanan")  # bypasses the services
    second = client.get(reverse("registry:browse"))
    assert first.content == second.content
    assert "Laporan kedua" not in second.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_publication_through_the_services_shows_at_once(client, page_cache, office_a, officer_a):
    assert "Anggaran baru" not in client.get(reverse("registry:browse")).content.decode()
    services.item_create(
        user=officer_a,
        office=office_a,
        publish=True,
        fields={
            "title": "Anggaran baru",
            "summary": "Ringkasan",
            "category": "setiap_saat",
            "owner_unit": "Sekretariat",
            "responsible": "Kepala",
            "creation_time": "2026",
            "creation_place": "Palangka Raya",
            "form_softcopy": True,
            "retention": "5 tahun",
            "year": 2026,
        },
    )
    assert "Anggaran baru" in client.get(reverse("registry:browse")).content.decode()


@pytest.mark.django_db
def test_signed_in_users_always_get_a_fresh_page(client, page_cache, office_a, officer_a):
    client.force_login(officer_a, backend="django.contrib.auth.backends.ModelBackend")
    client.get(reverse("registry:browse"))
    ItemFactory(office=office_a, title="Informasi segar")
    assert "Informasi segar" in client.get(reverse("registry:browse")).content.decode()


@pytest.mark.django_db
def test_languages_and_htmx_partials_are_cached_apart(client, page_cache, office_a):
    ItemFactory(office=office_a)
    indonesian = client.get(reverse("registry:browse"))
    english = client.get("/en" + reverse("registry:browse"))
    partial = client.get(
        reverse("registry:browse"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    assert indonesian.content != english.content
    assert b"<html" in indonesian.content
    assert b"<html" not in partial.content


@pytest.mark.django_db
def test_pages_carry_no_csrf_token_so_they_can_be_shared(client, office_a):
    ItemFactory(office=office_a)
    for url in (reverse("registry:home"), reverse("registry:browse")):
        assert b"csrfmiddlewaretoken" not in client.get(url).content
