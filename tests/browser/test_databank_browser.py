"""The data bank in a real browser: a visitor finds a dataset in the catalogue through a
facet and a search, opens it, previews its resource (table and chart) and downloads the
file; the pages pass axe-core."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from ppid.databank import services
from ppid.organizations.models import Body, Office, Role
from tests.databank.conftest import csv_upload
from tests.factories import AppointmentFactory, BodyFactory, OfficeFactory, UserFactory

from .conftest import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CSV = (
    b"kabupaten_kota,kode_wilayah,laki_laki,perempuan\n"
    b"Kota Palangka Raya,62.71,147700,145800\n"
    b"Kabupaten Kapuas,62.03,210300,200146\n"
    b"Kabupaten Seruyan,62.07,86000,76906\n"
)


@pytest.fixture
def databank():
    # The licence list and themes come from a data migration that an earlier transactional
    # test may have flushed: put them back first.
    seed = importlib.import_module("ppid.databank.migrations.0002_seed_licences_groups").seed
    seed(apps, None)
    province = BodyFactory(name="Pemerintah Provinsi Kalimantan Tengah", slug="provinsi-kalteng",
                           kind=Body.Kind.PROVINCE)  # fmt: skip
    utama = OfficeFactory(body=province, kind=Office.Kind.UTAMA, name="PPID Utama Kalteng",
                          slug="ppid-utama")  # fmt: skip
    agency = BodyFactory(name="Dinas Kependudukan dan Pencatatan Sipil", slug="disdukcapil",
                         parent=province)  # fmt: skip
    office = OfficeFactory(body=agency, kind=Office.Kind.PELAKSANA, parent=utama,
                           name="PPID Pelaksana Disdukcapil", slug="ppid-disdukcapil")  # fmt: skip
    producer = AppointmentFactory(office=office, role=Role.DATA_PRODUCER,
                                  user=UserFactory(username="produsen")).user  # fmt: skip
    walidata = AppointmentFactory(office=utama, role=Role.WALIDATA,
                                  user=UserFactory(username="walidata")).user  # fmt: skip
    datasets = {}
    for name, title, group in [
        ("penduduk-jenis-kelamin", "Penduduk menurut jenis kelamin", "kependudukan"),
        ("jumlah-sekolah", "Jumlah sekolah menurut jenjang", "pendidikan"),
    ]:
        dataset = services.dataset_create(
            user=producer, office=office, fields={"name": name, "title": title, "tahun_data": 2024,
                                                  "notes": "Data demo untuk uji peramban."},
            groups=[group], tags=["uji"],
        )  # fmt: skip
        resource = services.resource_add(
            user=producer, dataset=dataset, upload=csv_upload(f"{name}.csv", CSV)
        )
        services.dataset_submit(user=producer, dataset=dataset)
        services.dataset_verify(user=walidata, dataset=dataset)
        services.resource_ingest_run(resource_id=str(resource.pk))
        datasets[name] = dataset
    services.dataset_create(
        user=producer, office=office, fields={"name": "draf-rahasia", "title": "Draf rahasia"}
    )
    return datasets


def test_find_preview_and_download_a_dataset(page, databank, tmp_path):
    page.goto("/dataset/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bank data")
    expect(page.get_by_text("Draf rahasia")).to_have_count(0)
    assert_accessible(page)

    # A facet narrows the list to the theme; a search finds the dataset.
    page.get_by_role("link", name="Kependudukan", exact=True).click()
    expect(page.get_by_role("link", name="Jumlah sekolah menurut jenjang")).to_have_count(0)
    page.get_by_label("Cari dataset").fill("penduduk")
    page.get_by_role("button", name="Cari", exact=True).click()
    page.get_by_role("link", name="Penduduk menurut jenis kelamin").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Penduduk menurut jenis kelamin")
    assert_accessible(page)
    page.locator("ul.resources a").first.click()

    # The preview: the table of rows, and the chart with its figures beside it.
    expect(page.get_by_role("heading", name="Pratinjau data")).to_be_visible()
    expect(page.locator("table.preview-table")).to_contain_text("Kabupaten Kapuas")
    expect(page.locator("ul.bars li")).to_have_count(3)
    expect(page.locator("table.chart-table")).to_contain_text("210")
    expect(page.get_by_text("datastore_search?resource_id=")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh penduduk-jenis-kelamin.csv").click()
    download = download_info.value
    assert download.suggested_filename == "penduduk-jenis-kelamin.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes() == CSV
    resource = databank["penduduk-jenis-kelamin"].resources.get()
    resource.refresh_from_db()
    assert resource.download_count == 1


def test_a_load_under_way_shows_its_progress_and_the_page_reloads_when_it_ends(page, databank):
    from ppid.databank.models import Resource
    from ppid.databank.progress import IngestProgress

    dataset = databank["penduduk-jenis-kelamin"]
    resource = dataset.resources.get()
    Resource.objects.filter(pk=resource.pk).update(datastore_status=Resource.Datastore.RUNNING)
    told = IngestProgress(resource.pk)
    told.phase("loading", rows=1, total=3)
    page.goto(resource.get_absolute_url())
    status = page.get_by_role("status")
    expect(status).to_contain_text("Memuat baris ke datastore: 1 dari 3 (33%).")
    expect(page.locator("table.preview-table")).to_have_count(0)
    assert_accessible(page)

    # The page asks again every few seconds: the new phase shows without a reload...
    told.phase("indexing", rows=3)
    expect(status).to_contain_text("Semua 3 baris sudah masuk")
    # ...and once the load has ended the page reloads with the preview.
    services.resource_ingest_run(resource_id=str(resource.pk))
    expect(page.locator("table.preview-table")).to_contain_text("Kabupaten Kapuas")
    expect(page.get_by_text("Memuat baris")).to_have_count(0)
