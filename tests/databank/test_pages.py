"""Public pages and downloads of the data bank: the catalogue with facets, a dataset's page,
a resource's preview with chart and API snippet, and the counted download; drafts, private
and withdrawn datasets answer 404 to everyone but their producers and the walidata."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ppid.databank import services
from ppid.databank.models import Dataset, Resource
from ppid.databank.progress import IngestProgress

from .conftest import make_dataset

pytestmark = pytest.mark.django_db


def ingest(dataset):
    for resource in dataset.resources.filter(state="active"):
        services.resource_ingest_run(resource_id=str(resource.pk))


@pytest.fixture
def live(published):
    ingest(published)
    return Dataset.objects.get(pk=published.pk)


def test_ingest_fills_columns_rows_and_status(live):
    resource = live.resources.get()
    assert resource.datastore_status == Resource.Datastore.DONE
    assert resource.row_count == 3
    assert [c["id"] for c in resource.datastore_columns] == ["kabupaten", "laki_laki", "perempuan"]
    assert [c["type"] for c in resource.datastore_columns] == ["text", "int", "int"]
    assert "resource_ingested" in [e.action for e in services.dataset_events(live)]


def test_ingest_of_a_broken_file_reports_and_keeps_the_download(client, producer_a, office_a,
                                                                  walidata):  # fmt: skip
    dataset = make_dataset(producer_a, office_a, name="rusak", upload=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "bukan buku kerja")
    upload = SimpleUploadedFile("rusak.xlsx", buffer.getvalue())
    services.resource_add(user=producer_a, dataset=dataset, upload=upload)
    services.dataset_submit(user=producer_a, dataset=dataset)
    services.dataset_verify(user=walidata, dataset=dataset)
    ingest(dataset)
    resource = dataset.resources.get()
    assert resource.datastore_status == Resource.Datastore.FAILED
    assert resource.datastore_report["problems"][0]["row"] == 1
    assert "XLSX" in resource.datastore_report["problems"][0]["message"]
    page = client.get(reverse("databank:resource", args=[dataset.name, resource.pk]))
    assert page.status_code == 200
    assert resource.datastore_report["problems"][0]["message"] in page.content.decode()
    response = client.get(resource.download_path)
    assert response.status_code == 200


def test_catalogue_lists_published_with_facets(client, live, draft):
    response = client.get(reverse("databank:catalogue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert live.title in body
    assert draft.title not in body
    assert "Dinas A" in body  # organization facet
    assert "Kependudukan" in body  # group facet
    assert "CSV" in body  # format facet
    response = client.get(reverse("databank:catalogue"), {"q": "penduduk", "res_format": "CSV"})
    assert live.title in response.content.decode()
    response = client.get(reverse("databank:catalogue"), {"tags": "tidak-ada"})
    assert live.title not in response.content.decode()


def test_catalogue_survives_bad_parameters(client, live):
    for params in ({"tahun": "dua"}, {"sort": "x"}, {"page": "abc"}, {"q": '"(*'}, {"page": "99"}):
        assert client.get(reverse("databank:catalogue"), params).status_code == 200


def test_catalogue_in_english(client, live):
    response = client.get("/en/dataset/")
    assert response.status_code == 200
    assert "Data bank" in response.content.decode()


def test_dataset_page_shows_metadata_and_resources(client, live):
    response = client.get(live.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert live.title in body and "Creative Commons" in body
    assert live.resources.get().download_path in body


def test_resource_page_previews_charts_and_snippets(client, live):
    resource = live.resources.get()
    response = client.get(reverse("databank:resource", args=[live.name, resource.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kotawaringin Timur" in body
    assert 'class="bars"' in body  # the chart, with its table beside it
    assert "chart-table" in body
    assert f"datastore_search?resource_id={resource.pk}" in body
    assert "ckanapi action datastore_search" in body


def test_download_counts_get_only(client, live):
    resource = live.resources.get()
    url = resource.download_path
    assert url == f"/dataset/{live.pk}/resource/{resource.pk}/download/penduduk.csv"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"kabupaten")
    assert response["Content-Disposition"].startswith("attachment")
    client.head(url)
    resource.refresh_from_db()
    assert resource.download_count == 1
    assert client.post(url).status_code == 405


def test_old_filename_redirects_to_current(client, live):
    resource = live.resources.get()
    url = f"/dataset/{live.pk}/resource/{resource.pk}/download/lama.csv"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == resource.download_path


# --- a datastore load under way: its progress, live, until the page reloads -----------------


def _running(dataset, *, phase=None, rows=0, total=0):
    resource = dataset.resources.get()
    Resource.objects.filter(pk=resource.pk).update(datastore_status=Resource.Datastore.RUNNING)
    if phase:
        IngestProgress(resource.pk).phase(phase, rows=rows, total=total)
    return resource


def test_a_load_under_way_shows_its_progress_live_and_polls_the_page(client, published, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60  # anonymous pages are cached, this one is not
    resource = _running(published, phase="loading", rows=350_000, total=1_000_000)
    url = reverse("databank:resource", args=[published.name, resource.pk])
    response = client.get(url)
    body = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "Memuat baris ke datastore: 350.000 dari 1.000.000 (35%)." in body
    assert f'hx-get="{url}"' in body and 'hx-select="#ingest-' in body
    assert 'role="status"' in body
    IngestProgress(resource.pk).phase("indexing", rows=1_000_000, total=1_000_000)
    assert "Semua 1.000.000 baris sudah masuk" in client.get(url).content.decode()  # not cached
    poll = client.get(url, headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "Semua 1.000.000 baris" in poll.content.decode()
    with translation.override("en"):
        en_url = reverse("databank:resource", args=[published.name, resource.pk])
    body = client.get(en_url).content.decode()
    assert "All 1,000,000 rows are in; building the indexes" in body


def test_the_poll_after_the_load_reloads_the_page_with_its_preview(client, published):
    resource = _running(published, phase="loading", rows=1, total=3)
    url = reverse("databank:resource", args=[published.name, resource.pk])
    services.resource_ingest_run(resource_id=str(resource.pk))
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    body = client.get(url).content.decode()
    assert "ingest-" not in body and "Kotawaringin Timur" in body  # the preview


def test_a_waiting_file_says_so_and_a_draft_poll_is_refused_to_anonymous(client, draft):
    resource = draft.resources.get()
    Resource.objects.filter(pk=resource.pk).update(datastore_status=Resource.Datastore.PENDING)
    url = reverse("databank:resource", args=[draft.name, resource.pk])
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
    client.force_login(draft.created_by)
    body = client.get(url).content.decode()
    assert "Menunggu giliran dibaca ke datastore." in body
