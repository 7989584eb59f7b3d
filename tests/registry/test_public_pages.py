"""Public registry pages: every page renders in both languages, drafts stay private,
any search text is safe, facets and pagination behave, DIK shows reasons only."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ppid.registry import services
from ppid.registry.models import (
    Category,
    ConsequenceTest,
    DipEstablishment,
    Document,
    ExemptEntry,
    InformationItem,
)
from tests.core.test_search import HOSTILE_QUERIES
from tests.factories import ItemFactory


@pytest.fixture(autouse=True)
def _indonesian():
    # A request under /en/ leaves English active in the test thread; reverse() would follow it.
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()


def _login(client, user):
    # UserFactory sets the password after saving and skips the second save: reload the user
    # so the session hash matches the stored password. force_login would otherwise pick
    # axes' backend first, which cannot load a user from the session.
    user.refresh_from_db()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def item(office_a):
    return ItemFactory(office=office_a, title="Laporan keuangan Dinas A", category=Category.BERKALA)


@pytest.fixture
def draft(office_a):
    return ItemFactory(
        office=office_a,
        title="Draf rencana",
        status=InformationItem.Status.DRAFT,
        published_at=None,
    )


def _document(item, *, title="Lampiran"):
    document = Document(
        item=item,
        kind=Document.Kind.FILE,
        title=title,
        content_type="application/pdf",
        size=len(PDF),
    )
    document.file.save("lampiran.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


@pytest.fixture
def exempt(office_a):
    test = ConsequenceTest.objects.create(
        office=office_a,
        trigger=ConsequenceTest.Trigger.BEFORE_REQUEST,
        document_identified="Berkas penyidikan",
        information_described="Berkas penyidikan perkara",
        law_analysed="UU 14/2008 Pasal 17 huruf a",
        analysis="Membuka berkas menghambat penyidikan",
        conclusion=ConsequenceTest.Conclusion.EXEMPT,
        participants="PPID, Inspektorat",
        tested_on=datetime.date(2026, 1, 10),
    )
    return ExemptEntry.objects.create(
        office=office_a,
        body=office_a.body,
        information="Berkas penyidikan pelanggaran disiplin",
        ground="a",
        ground_subitem=1,
        legal_basis="UU 14/2008 Pasal 17 huruf a angka 1",
        consequence="Menghambat proses penyidikan",
        exempt_until=datetime.date(2030, 1, 1),
        consequence_test=test,
        decree_number="188.44/1/2026",
        decree_place="Palangka Raya",
        decree_date=datetime.date(2026, 1, 12),
    )


@pytest.fixture
def version(item):
    # The snapshot services.dip_establish stores; created directly because Dinas A's body has
    # no PPID Utama of its own in the personas.
    return DipEstablishment.objects.create(
        body=item.body,
        version=1,
        sk_number="188.44/9/2026",
        sk_date=datetime.date(2026, 2, 1),
        year=2026,
        rows=services.dip_rows(item.body),
    )


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def _pages(item, version, utama):
    slug = item.body.slug
    return [
        reverse("registry:home"),
        reverse("registry:search") + "?q=laporan",
        reverse("registry:browse"),
        reverse("registry:item", args=[item.uid]),
        reverse("registry:body", args=[slug]),
        reverse("registry:dip", args=[slug]),
        reverse("registry:dip_versions", args=[slug]),
        reverse("registry:dip_version", args=[slug, version.uid]),
        reverse("registry:dik"),
        reverse("registry:dik") + f"?body={slug}",
        reverse("registry:aggregate", args=[utama.slug]),
    ]


@pytest.mark.django_db
def test_every_page_renders_in_indonesian_by_default(client, item, version, utama, exempt):
    for url in _pages(item, version, utama):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert _lang(html) == "id", url
        assert 'href="#main"' in html and '<main id="main"' in html


@pytest.mark.django_db
def test_every_page_renders_in_english_under_en(client, item, version, utama, exempt):
    from django.utils import translation

    with translation.override("en"):
        urls = _pages(item, version, utama)
    for url in urls:
        assert url.startswith("/en/")
        response = client.get(url)
        assert response.status_code == 200, url
        assert _lang(response.content.decode()) == "en", url


@pytest.mark.django_db
def test_the_interface_is_translated_into_indonesian(client, item):
    html = client.get(reverse("registry:home")).content.decode()
    assert "Cari" in html
    assert "Skip to main content" not in html


@pytest.mark.django_db
def test_home_shows_counts_latest_items_and_bodies(client, item, office_b):
    ItemFactory(office=office_b, title="Rencana strategis Dinas B", category=Category.SETIAP_SAAT)
    html = client.get(reverse("registry:home")).content.decode()
    assert "Laporan keuangan Dinas A" in html and "Rencana strategis Dinas B" in html
    assert "Dinas A" in html and "Dinas B" in html
    assert reverse("registry:body", args=["dinas-a"]) in html


@pytest.mark.django_db
def test_the_language_switcher_links_to_the_same_page_in_each_language(client, item):
    url = reverse("registry:item", args=[item.uid])
    html = client.get(url).content.decode()
    assert f'href="/en/informasi/{item.uid}/" hreflang="en"' in html
    html = client.get(f"/en/informasi/{item.uid}/?x=1").content.decode()
    assert f'href="/informasi/{item.uid}/?x=1" hreflang="id"' in html
    assert '<link rel="alternate" hreflang="en"' in html


@pytest.mark.django_db
def test_item_detail_shows_documents_and_the_offices_contact(client, item, office_a):
    office_a.phone = "0536-123456"
    office_a.save()
    document = _document(item)
    html = client.get(reverse("registry:item", args=[item.uid])).content.decode()
    assert document.get_absolute_url() in html
    assert "<iframe" in html and 'title="' in html  # public PDF previews inline
    assert "0536-123456" in html


@pytest.mark.django_db
def test_drafts_and_withdrawn_items_are_404_for_anonymous(client, draft, office_a):
    withdrawn = ItemFactory(
        office=office_a, status=InformationItem.Status.WITHDRAWN, withdrawn_reason="Salah unggah"
    )
    assert client.get(reverse("registry:item", args=[draft.uid])).status_code == 404
    assert client.get(reverse("registry:item", args=[withdrawn.uid])).status_code == 404


@pytest.mark.django_db
def test_a_public_document_previews_inline(client, item):
    document = _document(item)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == PDF
    download = client.get(document.get_absolute_url() + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_a_drafts_document_is_404_for_anonymous_and_another_office(
    client, draft, officer_b, outsider
):
    document = _document(draft)
    url = document.get_absolute_url()
    assert client.get(url).status_code == 404
    _login(client, officer_b)
    assert client.get(url).status_code == 404
    _login(client, outsider)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_drafts_document_is_200_for_its_offices_officer(client, draft, officer_a):
    document = _document(draft)
    _login(client, officer_a)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    # Plus words that Sastrawi's stemmer splits in two ("naïve" -> "na ve"): a two-word stem
    # must not become an FTS5 phrase or a broken tsquery.
    HOSTILE_QUERIES + ["naïve", "00À0", "café au lait", "x² ﬁle São"],
)
def test_any_search_text_over_http_returns_200(client, item, query):
    response = client.get(reverse("registry:search"), {"q": query})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"page": "999999"},
        {"page": "-1"},
        {"page": "x"},
        {"category": "rahasia"},
        {"form": "kertas"},
        {"sort": "random"},
        {"body": "tidak-ada"},
        {"year": "99999999999999999999"},
    ],
)
def test_invalid_parameters_show_a_message_never_an_error(client, item, params):
    response = client.get(reverse("registry:browse"), params)
    assert response.status_code == 200
    if set(params) - {"body"}:
        assert 'class="notice"' in response.content.decode()


@pytest.mark.django_db
def test_search_finds_by_indonesian_stem(client, office_a):
    ItemFactory(office=office_a, title="Hasil seleksi yang diumumkan")
    ItemFactory(office=office_a, title="Rencana kerja")
    html = client.get(reverse("registry:search"), {"q": "pengumuman"}).content.decode()
    assert "Hasil seleksi yang diumumkan" in html and "Rencana kerja" not in html


@pytest.mark.django_db
def test_facets_narrow_the_results(client, office_a, office_b):
    ItemFactory(office=office_a, title="Laporan A 2025", year=2025, category=Category.BERKALA)
    ItemFactory(office=office_b, title="Laporan B 2026", year=2026, category=Category.SETIAP_SAAT)
    response = client.get(reverse("registry:browse"), {"year": "2025"})
    html = response.content.decode()
    assert "Laporan A 2025" in html and "Laporan B 2026" not in html
    facets = {f["name"]: f for f in response.context["facets"]}
    # Each facet is counted with the other filters applied: year still offers 2026.
    assert {o["label"] for o in facets["year"]["options"]} == {"2025", "2026"}
    assert [o["count"] for o in facets["body"]["options"]] == [1]
    by_body = client.get(reverse("registry:browse"), {"body": "dinas-b", "category": "setiap_saat"})
    assert [i.title for i in by_body.context["items"]] == ["Laporan B 2026"]


@pytest.mark.django_db
def test_results_paginate_at_20_and_a_page_past_the_end_shows_the_last(client, office_a):
    for n in range(45):
        ItemFactory(office=office_a, title=f"Dokumen {n}")
    first = client.get(reverse("registry:browse"))
    assert len(first.context["items"]) == 20
    assert first.context["page"].paginator.num_pages == 3
    last = client.get(reverse("registry:browse"), {"page": "999999"})
    assert last.context["page"].number == 3 and len(last.context["items"]) == 5
    assert last.context["notices"]


@pytest.mark.django_db
def test_htmx_gets_only_the_results_region(client, item):
    response = client.get(
        reverse("registry:search"),
        {"q": "laporan"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results"') and "<html" not in html
    assert "HX-Request" in response["Vary"]
    full = client.get(reverse("registry:search"), {"q": "laporan"}).content.decode()
    assert 'hx-get="/cari/"' in full and 'hx-push-url="true"' in full and "<html" in full


@pytest.mark.django_db
def test_aggregate_shows_every_agency_under_the_utama(
    client, utama, office_a, office_b, other_office
):
    ItemFactory(office=office_a, title="Item Dinas A")
    ItemFactory(office=office_b, title="Item Dinas B")
    ItemFactory(office=other_office, title="Item kabupaten lain")
    html = client.get(reverse("registry:aggregate", args=[utama.slug])).content.decode()
    assert "Item Dinas A" in html and "Item Dinas B" in html
    assert "Item kabupaten lain" not in html


@pytest.mark.django_db
def test_aggregate_of_a_pelaksana_office_is_404(client, office_a):
    assert client.get(reverse("registry:aggregate", args=[office_a.slug])).status_code == 404


@pytest.mark.django_db
def test_dip_table_lists_published_items_grouped_by_category(client, item, draft):
    ItemFactory(office=item.office, title="Peringatan banjir", category=Category.SERTA_MERTA)
    html = client.get(reverse("registry:dip", args=[item.body.slug])).content.decode()
    assert "Laporan keuangan Dinas A" in html and "Peringatan banjir" in html
    assert "Draf rencana" not in html
    assert html.index("Laporan keuangan Dinas A") < html.index("Peringatan banjir")  # F2 before F3
    assert reverse("registry:dip_export", args=[item.body.slug, "xlsx"]) in html


@pytest.mark.django_db
def test_an_established_version_keeps_its_frozen_rows_after_the_item_changes(
    client, item, version, officer_a
):
    services.item_update(user=officer_a, item=item, fields={"title": "Judul baru"})
    html = client.get(
        reverse("registry:dip_version", args=[item.body.slug, version.uid])
    ).content.decode()
    assert "Laporan keuangan Dinas A" in html and "Judul baru" not in html
    live = client.get(reverse("registry:dip", args=[item.body.slug])).content.decode()
    assert "Judul baru" in live


@pytest.mark.django_db
def test_a_version_of_another_body_is_404(client, version, office_b):
    url = reverse("registry:dip_version", args=[office_b.body.slug, version.uid])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_dik_shows_the_reasons_never_the_content(client, exempt):
    assert "content" not in {f.name for f in ExemptEntry._meta.get_fields()}
    response = client.get(reverse("registry:dik"), {"body": "dinas-a"})
    html = response.content.decode()
    assert "Berkas penyidikan pelanggaran disiplin" in html
    assert "UU 14/2008 Pasal 17 huruf a angka 1" in html
    assert "Menghambat proses penyidikan" in html
    # The consequence test's internal analysis is the office's record, not the public list's.
    assert "Membuka berkas menghambat penyidikan" not in html


@pytest.mark.django_db
def test_inactive_dik_entries_are_not_listed(client, exempt):
    exempt.is_active = False
    exempt.save()
    assert (
        "Berkas penyidikan pelanggaran disiplin"
        not in client.get(reverse("registry:dik")).content.decode()
    )


@pytest.mark.django_db
def test_demo_records_carry_a_badge_and_the_footer_notice(client, office_a):
    ItemFactory(office=office_a, title="Contoh data", is_demo=True)
    html = client.get(reverse("registry:browse")).content.decode()
    assert "badge-demo" in html and "demo-notice" in html
    ItemFactory(office=office_a, title="Data nyata")
    html = client.get(reverse("registry:browse"), {"q": "nyata"}).content.decode()
    assert "demo-notice" not in html


@pytest.mark.django_db
def test_home_counts_are_cached_briefly(client, item, django_assert_max_num_queries):
    from django.core.cache import cache

    cache.clear()
    client.get(reverse("registry:home"))
    ItemFactory(office=item.office, title="Baru terbit")
    with django_assert_max_num_queries(3):
        client.get(reverse("registry:home"))


@pytest.mark.django_db
def test_browse_by_agency_office_shows_only_its_items(client, office_a, office_b):
    ItemFactory(office=office_a, title="Item Dinas A")
    ItemFactory(office=office_b, title="Item Dinas B")
    response = client.get(reverse("registry:browse"), {"office": office_b.slug})
    assert [i.title for i in response.context["items"]] == ["Item Dinas B"]


@pytest.mark.django_db
def test_facet_links_drop_an_ignored_bad_value(client, item):
    response = client.get(reverse("registry:browse"), {"year": "abc", "category": "berkala"})
    urls = [o["url"] for f in response.context["facets"] for o in f["options"]]
    assert urls and not any("abc" in url for url in urls)
    assert all(
        "category=berkala" in url
        for f in response.context["facets"]
        if f["name"] != "category"
        for url in [o["url"] for o in f["options"]]
    )


@pytest.mark.django_db
def test_an_unknown_page_is_a_translated_404(client):
    response = client.get("/badan/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
    english = client.get("/en/badan/tidak-ada/")
    assert english.status_code == 404 and "Page not found" in english.content.decode()
