"""The ingestion task: enqueued when the transaction that added or replaced a CSV/XLSX file
commits (immediate backend in tests), never for other files."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ppid.databank import services
from ppid.databank.models import Resource

from .conftest import CSV_BYTES, csv_upload, make_dataset

pytestmark = pytest.mark.django_db


def test_added_csv_is_ingested_on_commit(producer_a, office_a, django_capture_on_commit_callbacks):
    dataset = make_dataset(producer_a, office_a, upload=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        resource = services.resource_add(user=producer_a, dataset=dataset, upload=csv_upload())
    assert callbacks
    resource.refresh_from_db()
    assert resource.datastore_status == Resource.Datastore.DONE
    assert resource.row_count == 3


def test_replacement_is_ingested_again(producer_a, office_a, django_capture_on_commit_callbacks):
    dataset = make_dataset(producer_a, office_a, upload=False)
    with django_capture_on_commit_callbacks(execute=True):
        resource = services.resource_add(user=producer_a, dataset=dataset, upload=csv_upload())
    with django_capture_on_commit_callbacks(execute=True):
        services.resource_replace(
            user=producer_a, resource=resource,
            upload=csv_upload(content=CSV_BYTES + b"Katingan,1,2\n"),
        )  # fmt: skip
    resource.refresh_from_db()
    assert resource.row_count == 4 and resource.versions.count() == 1


def test_pdf_is_not_ingested(producer_a, office_a, django_capture_on_commit_callbacks,
                             monkeypatch):  # fmt: skip
    from ppid.databank import tasks

    queued = []
    fake = SimpleNamespace(enqueue=lambda *args: queued.append(args))
    monkeypatch.setattr(tasks, "resource_ingest", fake)
    dataset = make_dataset(producer_a, office_a, upload=False)
    pdf = SimpleUploadedFile("metadata.pdf", b"%PDF-1.4\n%%EOF\n")
    with django_capture_on_commit_callbacks(execute=True):
        resource = services.resource_add(user=producer_a, dataset=dataset, upload=pdf)
    resource.refresh_from_db()
    assert resource.datastore_status == Resource.Datastore.NONE
    assert resource.format == "PDF"
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        services.resource_add(user=producer_a, dataset=dataset, upload=csv_upload())
    assert len(queued) == 1
