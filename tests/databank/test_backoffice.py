"""The back office in Wagtail's admin, through its forms: a producer creates a dataset,
uploads a file, submits; the walidata returns it with a note, then verifies it; the timeline
and the ingestion status show on the dataset's page."""

import pytest
from django.test import Client
from django.urls import reverse

from ppid.databank.models import Dataset

from .conftest import CSV_BYTES, csv_upload

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    user = type(user).objects.get(pk=user.pk)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


FORM = {
    "name": "rasio-jenis-kelamin",
    "title": "Rasio jenis kelamin menurut kabupaten",
    "notes": "Rasio laki-laki per 100 perempuan.",
    "licence": "cc-by-4.0",
    "tahun_data": "2024",
    "frekuensi": "tahunan",
    "tingkat_penyajian": "kabupaten-kota",
    "satuan": "rasio",
    "groups": ["kependudukan"],
    "tags": "penduduk, rasio",
    "indicators": "Rasio jenis kelamin | laki-laki per 100 perempuan | | L / P x 100",
}


def test_producer_to_walidata_through_the_forms(producer_a, walidata, office_a):
    producer = _client(producer_a)
    response = producer.post(
        reverse("databank_admin:dataset_create"), {**FORM, "office": office_a.pk}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dataset = Dataset.objects.get(name="rasio-jenis-kelamin")
    assert dataset.status == "draft" and dataset.tahun_data == 2024
    assert [i.formula for i in dataset.indicators.all()] == ["L / P x 100"]
    assert sorted(dataset.tags.values_list("name", flat=True)) == ["penduduk", "rasio"]

    url = reverse("databank_admin:resource_upload", args=[dataset.pk])
    response = producer.post(url, {"file": csv_upload(), "name": "Tabel"})
    assert response.status_code == 302
    page = producer.get(reverse("databank_admin:dataset", args=[dataset.pk])).content.decode()
    assert "Tabel" in page and "Menunggu" in page  # datastore status: waiting

    producer.post(reverse("databank_admin:dataset_submit", args=[dataset.pk]), {"submit-note": ""})
    dataset.refresh_from_db()
    assert dataset.status == "submitted"
    assert (
        producer.get(reverse("databank_admin:dataset_edit", args=[dataset.pk])).status_code == 404
    )

    checker = _client(walidata)
    queue = checker.get(reverse("databank_admin:queue")).content.decode()
    assert dataset.title in queue
    response = checker.post(
        reverse("databank_admin:dataset_return", args=[dataset.pk]), {"return-note": ""}
    )
    assert response.status_code == 400
    checker.post(
        reverse("databank_admin:dataset_return", args=[dataset.pk]),
        {"return-note": "Isi sumber data."},
    )
    dataset.refresh_from_db()
    assert dataset.status == "returned"
    page = producer.get(reverse("databank_admin:dataset", args=[dataset.pk])).content.decode()
    assert "Isi sumber data." in page

    response = producer.post(
        reverse("databank_admin:dataset_edit", args=[dataset.pk]),
        {**FORM, "sumber_data": "Disdukcapil", "reason": "Sumber ditambahkan"},
    )
    assert response.status_code == 302
    producer.post(reverse("databank_admin:dataset_submit", args=[dataset.pk]), {"submit-note": ""})
    checker.post(reverse("databank_admin:dataset_verify", args=[dataset.pk]), {"verify-note": "OK"})
    dataset.refresh_from_db()
    assert dataset.status == "published" and dataset.sumber_data == "Disdukcapil"
    page = checker.get(reverse("databank_admin:dataset", args=[dataset.pk])).content.decode()
    for label in ("Dibuat", "Diajukan ke walidata", "Dikembalikan ke produsen", "Diterbitkan"):
        assert label in page, label

    response = checker.post(reverse("databank_admin:dataset_withdraw", args=[dataset.pk]),
                            {"withdraw-reason": ""})  # fmt: skip
    assert response.status_code == 400
    dataset.refresh_from_db()
    assert dataset.status == "published"


def test_form_errors_are_shown_not_raised(producer_a, office_a):
    producer = _client(producer_a)
    response = producer.post(
        reverse("databank_admin:dataset_create"),
        {**FORM, "office": office_a.pk, "name": "Nama Salah", "tahun_data": "3000"},
    )
    assert response.status_code == 400
    assert not Dataset.objects.exists()


def test_bad_upload_is_refused_with_a_message(producer_a, office_a, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    producer = _client(producer_a)
    url = reverse("databank_admin:resource_upload", args=[draft.pk])
    response = producer.post(url, {"file": SimpleUploadedFile("x.csv", b"MZ\x90\x00\x03binary")})
    assert response.status_code == 400
    assert draft.resources.count() == 1
    assert CSV_BYTES  # the fixture file stays the only resource


def test_dataset_page_shows_ingestion_and_events_without_actor(published, walidata):
    from ppid.databank import services

    resource = published.resources.get()
    services.resource_ingest_run(resource_id=str(resource.pk))  # an event with no actor
    page = _client(walidata).get(reverse("databank_admin:dataset", args=[published.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Ada di datastore" in body and "Dibaca ke datastore" in body


def test_a_load_under_way_shows_its_progress_to_the_office_until_it_ends(
    published, producer_a, producer_b, walidata
):
    from ppid.databank import services
    from ppid.databank.models import Resource
    from ppid.databank.progress import IngestProgress

    resource = published.resources.get()
    Resource.objects.filter(pk=resource.pk).update(datastore_status=Resource.Datastore.RUNNING)
    IngestProgress(resource.pk).phase("loading", rows=2, total=3)
    url = reverse("databank_admin:dataset", args=[published.pk])
    body = _client(producer_a).get(url).content.decode()
    assert "Memuat baris ke datastore: 2 dari 3 (66%)." in body
    assert "htmx.min.js" in body and f'hx-get="{url}"' in body
    poll = {"HX-Request": "true"}
    assert _client(walidata).get(url, headers=poll).status_code == 200
    # Another agency's producer may not watch it (the page's own access rule).
    assert _client(producer_b).get(url, headers=poll).status_code in (403, 404)
    services.resource_ingest_run(resource_id=str(resource.pk))
    response = _client(producer_a).get(url, headers=poll)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    body = _client(producer_a).get(url).content.decode()
    assert "htmx.min.js" not in body and "Ada di datastore" in body


def test_dashboard_panel_shows_the_walidata_queue(producer_a, office_a, walidata):
    from .conftest import make_dataset

    dataset = make_dataset(producer_a, office_a, status="submitted")
    page = _client(walidata).get("/admin/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "menunggu verifikasi Anda" in body and dataset.title in body


def test_a_producers_edit_to_a_published_dataset_goes_to_the_walidatas_queue(
    published, producer_a, producer_b, walidata, outside_walidata
):
    producer = _client(producer_a)
    response = producer.post(
        reverse("databank_admin:dataset_edit", args=[published.pk]),
        {**FORM, "name": published.name, "satuan": "jiwa", "reason": "Satuan diperbaiki"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    published.refresh_from_db()
    assert published.status == "published" and published.changed_since_check
    # The public still sees the dataset, as changed.
    assert Client().get(reverse("databank:dataset", args=[published.name])).status_code == 200

    checker = _client(walidata)
    queue = checker.get(reverse("databank_admin:queue")).content.decode()
    assert published.title in queue and "Berubah sejak diperiksa" in queue
    assert "pemeriksaan perubahannya" in checker.get("/admin/").content.decode()
    page = checker.get(reverse("databank_admin:dataset", args=[published.pk])).content.decode()
    assert "Tandai perubahan sudah diperiksa" in page
    producer_page = producer.get(reverse("databank_admin:dataset", args=[published.pk]))
    assert "Tandai perubahan sudah diperiksa" not in producer_page.content.decode()
    assert "menunggu pemeriksaan walidata" in producer_page.content.decode()

    url = reverse("databank_admin:dataset_check", args=[published.pk])
    assert Client().post(url, {"check-note": ""}).status_code == 302  # to the sign-in page
    for user in (producer_a, producer_b, outside_walidata):
        assert _client(user).post(url, {"check-note": ""}).status_code == 404, user
    assert checker.get(url).status_code == 405
    published.refresh_from_db()
    assert published.changed_since_check

    response = checker.post(url, {"check-note": "Sudah sesuai."})
    assert response.status_code == 302
    published.refresh_from_db()
    assert not published.changed_since_check
    queue = checker.get(reverse("databank_admin:queue")).content.decode()
    assert published.title not in queue
    page = checker.get(reverse("databank_admin:dataset", args=[published.pk])).content.decode()
    assert "Perubahan diperiksa walidata" in page and "Sudah sesuai." in page
    # Checked twice: refused with a message, nothing recorded.
    response = checker.post(url, {"check-note": ""})
    assert response.status_code == 400
    assert "Hanya dataset terbit" in response.content.decode()
