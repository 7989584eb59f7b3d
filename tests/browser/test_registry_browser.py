"""The public registry in a real browser: browsing, searching, the DIP and its XLSX export,
and accessibility (axe-core) of each public page."""

import re

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ppid.organizations.models import Body, Office
from ppid.registry.models import Category, InformationItem
from tests.factories import BodyFactory, ItemFactory, OfficeFactory

from .conftest import assert_accessible, axe_violations

# Transactional: the live server's thread must see the test data. serialized_rollback keeps
# the rows that migrations create (Wagtail's root page and site) for the pages that need them.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ANNOUNCED = "Hasil seleksi calon anggota Komisi Informasi yang diumumkan Gubernur"


def at(path: str, query: str = "") -> re.Pattern:
    """The page's URL is exactly this path (and, given, a query string matching `query`)."""
    return re.compile(re.escape(path) + (r"\?" + query if query else "") + "$")


@pytest.fixture
def registry():
    """A small Kalteng-like registry: the province with its PPID Utama, one agency with its
    PPID Pelaksana, published items in each DIP category (F2-F4) and one draft."""
    province = BodyFactory(
        name="Pemerintah Provinsi Kalimantan Tengah",
        short_name="Pemprov Kalteng",
        slug="provinsi-kalteng",
        kind=Body.Kind.PROVINCE,
    )
    utama = OfficeFactory(
        body=province, kind=Office.Kind.UTAMA, name="PPID Utama Kalteng", slug="ppid-utama"
    )
    agency = BodyFactory(
        name="Dinas Komunikasi, Informatika, Persandian dan Statistik",
        short_name="Diskominfosantik",
        slug="diskominfosantik",
        parent=province,
    )
    office = OfficeFactory(
        body=agency,
        kind=Office.Kind.PELAKSANA,
        parent=utama,
        name="PPID Pelaksana Diskominfosantik",
        slug="ppid-diskominfosantik",
    )
    items = {
        "announced": ItemFactory(
            office=office,
            title=ANNOUNCED,
            summary="Nama calon yang lolos seleksi administrasi dan jadwal tahap berikutnya.",
            category=Category.SERTA_MERTA,
        ),
        "finance": ItemFactory(
            office=office,
            title="Laporan keuangan Diskominfosantik tahun 2025",
            category=Category.BERKALA,
        ),
        "apps": ItemFactory(
            office=office,
            title="Daftar aplikasi layanan digital Provinsi",
            summary="Nama, alamat dan pengelola setiap aplikasi layanan digital.",
            category=Category.SETIAP_SAAT,
        ),
        "plan": ItemFactory(
            office=utama,
            title="Rencana strategis Pemerintah Provinsi 2025-2029",
            category=Category.BERKALA,
        ),
        "draft": ItemFactory(
            office=office,
            title="Draf jadwal seleksi yang belum diumumkan",
            status=InformationItem.Status.DRAFT,
            published_at=None,
        ),
    }
    return {"province": province, "agency": agency, "office": office, **items}


def test_a_visitor_browses_from_the_home_page_to_a_body_and_opens_an_item(page, registry):
    agency, item = registry["agency"], registry["finance"]
    page.goto(reverse("registry:home"))
    page.get_by_role("link", name=agency.name, exact=True).click()

    expect(page).to_have_url(at(reverse("registry:body", args=[agency.slug])))
    expect(page.get_by_role("heading", level=1)).to_contain_text(agency.name)
    page.get_by_role("link", name=item.title).first.click()

    expect(page).to_have_url(at(item.get_absolute_url()))
    expect(page.get_by_role("heading", level=1)).to_contain_text(item.title)
    expect(page.locator("main")).to_contain_text(agency.name)


def test_searching_pengumuman_finds_the_item_whose_title_says_diumumkan(page, registry):
    """Indonesian stemming on both sides of the index: pengumuman and diumumkan share the stem
    umum. The draft that also says diumumkan is not public and is not found."""
    page.goto(reverse("registry:home"))
    query = page.locator("main input[name=q], header input[name=q]").first
    query.fill("pengumuman")
    query.press("Enter")

    expect(page).to_have_url(at(reverse("registry:search"), r"(.*&)?q=pengumuman(&.*)?"))
    results = page.locator("main")
    expect(results.get_by_role("link", name=ANNOUNCED)).to_be_visible()
    expect(results).not_to_contain_text(registry["draft"].title)
    expect(results).not_to_contain_text(registry["finance"].title)

    results.get_by_role("link", name=ANNOUNCED).first.click()
    expect(page).to_have_url(at(registry["announced"].get_absolute_url()))
    expect(page.get_by_role("heading", level=1)).to_contain_text(ANNOUNCED)


def test_the_dip_downloads_as_an_xlsx_workbook_listing_its_items(page, registry, tmp_path):
    """F49: the DIP is published with its columns, and offered as a spreadsheet."""
    agency = registry["agency"]
    page.goto(reverse("registry:dip", args=[agency.slug]))
    export_url = reverse("registry:dip_export", kwargs={"slug": agency.slug, "fmt": "xlsx"})

    with page.expect_download() as download_info:
        page.locator(f'a[href$="{export_url}"], a[href*="{export_url}?"]').first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    workbook = openpyxl.load_workbook(saved, read_only=True)
    cells = {
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    assert registry["announced"].title in cells
    assert registry["finance"].title in cells
    assert registry["draft"].title not in cells  # drafts are not part of the public DIP


def test_the_public_pages_have_no_serious_or_critical_accessibility_violations(page, registry):
    agency = registry["agency"]
    pages = {
        "home": reverse("registry:home"),
        "search": reverse("registry:search") + "?q=pengumuman",
        "item": registry["announced"].get_absolute_url(),
        "body": reverse("registry:body", args=[agency.slug]),
        "dip": reverse("registry:dip", args=[agency.slug]),
    }
    failures = {}
    for name, url in pages.items():
        page.goto(url)
        try:
            assert_accessible(page)
        except pytest.fail.Exception as exc:
            failures[name] = str(exc)
    assert not failures, "\n\n".join(f"[{name}] {text}" for name, text in failures.items())


def test_axe_core_is_really_running(page, live_server):
    """Guards the check above against a silently broken injection: an image without alt text
    is a critical violation that axe-core must report."""
    page.set_content('<html lang="id"><title>t</title><main><img src="x.png"></main></html>')
    assert "image-alt" in {v["id"] for v in axe_violations(page)}


def test_the_language_links_switch_the_current_search_page_to_english_and_back(page, registry):
    """The switcher keeps the page (and the query htmx pushed) and changes only the language."""
    page.goto(reverse("registry:search") + "?q=laporan")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(at("/en" + reverse("registry:search"), r"q=laporan"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page).to_have_url(at(reverse("registry:search"), r"q=laporan"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
