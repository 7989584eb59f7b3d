"""Public pages and downloads of the data bank: the catalogue with facets, a dataset's page,
a resource's preview with chart and API snippet, and the counted download; drafts, private
and withdrawn datasets answer 404 to everyone but their producers and the walidata."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ppid.databank import services
from ppid.databank.models import Dataset, Resource

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
