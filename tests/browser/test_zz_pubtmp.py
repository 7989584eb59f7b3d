import datetime, re
import pytest
from django.urls import reverse
from playwright.sync_api import expect
from ppid.registry.models import DipEstablishment, ConsequenceTest, ExemptEntry, Category
from ppid.registry import services
from tests.factories import ItemFactory
from .conftest import assert_accessible
from .test_registry_browser import registry  # noqa
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

def test_more_pages(page, registry):
    agency = registry["agency"]; office = registry["office"]
    v = DipEstablishment.objects.create(body=agency, version=1, sk_number="1/2026", sk_date=datetime.date(2026,2,1), year=2026, rows=services.dip_rows(agency), is_demo=True)
    t = ConsequenceTest.objects.create(office=office, trigger="before_request", document_identified="x", information_described="x", law_analysed="x", analysis="x", conclusion="dikecualikan", participants="x", tested_on=datetime.date(2026,1,1))
    ExemptEntry.objects.create(office=office, body=agency, information="Berkas", ground="h", legal_basis="UU", consequence="c", consequence_test=t, decree_number="1", decree_place="P", decree_date=datetime.date(2026,1,1), is_demo=True)
    for n in range(25):
        ItemFactory(office=office, title=f"Dokumen uji {n}", year=2020 + n % 3)
    for url in [reverse("registry:dik"), reverse("registry:dip_version", args=[agency.slug, v.uid]), reverse("registry:dip_versions", args=[agency.slug]),
                reverse("registry:aggregate", args=["ppid-utama"]), reverse("registry:browse") + "?year=abc&page=99", "/en/", "/en/dik/"]:
        page.goto(url)
        assert_accessible(page)
    # htmx: facet click swaps results and pushes the URL
    page.goto(reverse("registry:browse"))
    page.locator("#facet-year").locator("xpath=..").get_by_role("link", name="2021").click()
    expect(page).to_have_url(re.compile(r"year=2021"))
    expect(page.locator("#results-title")).to_contain_text("8")
    page.get_by_role("link", name="Berikutnya").count() == 0
    page.locator("#q").fill("dokumen")
    page.locator("#q").press("Enter")
    expect(page).to_have_url(re.compile(r"q=dokumen.*year=2021|year=2021.*q=dokumen"))
    page.select_option("#sort", "title")
    expect(page).to_have_url(re.compile(r"sort=title"))
    expect(page.locator("#results-title")).to_contain_text("8")
    # language switch
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Ganti").click()
    expect(page).to_have_url(re.compile(r"/en/informasi/\?"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
