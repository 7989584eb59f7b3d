"""The data bank's workflow and its rules: drafts, submission, verification or return with a
note, publication, withdrawal with a reason, resources added, replaced (old kept) and removed
(kept, marked deleted), events for every change."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ppid.core.search import query_terms
from ppid.databank import services
from ppid.databank.models import DATASET_SEARCH, Dataset, Resource, ResourceVersion

from .conftest import CSV_BYTES, csv_upload, make_dataset

pytestmark = pytest.mark.django_db


def actions(dataset):
    return [e.action for e in services.dataset_events(dataset)]


def test_create_makes_a_draft_of_the_office_agency(producer_a, office_a):
    dataset = make_dataset(producer_a, office_a, upload=False)
    assert dataset.status == Dataset.Status.DRAFT
    assert dataset.organization == office_a.body
    assert dataset.licence_id == "cc-by-4.0"
    assert dataset.state == "draft"
    assert sorted(dataset.tags.values_list("name", flat=True)) == ["jenis kelamin", "penduduk"]
    assert list(dataset.groups.values_list("name", flat=True)) == ["kependudukan"]
    assert actions(dataset) == ["created"]
    ids = DATASET_SEARCH.match(Dataset.objects.all(), query_terms("penduduk kelamin"))
    assert list(ids) == [dataset]


@pytest.mark.parametrize("name", ["A", "Huruf-Besar", "spasi di nama", "x" * 101, "garis/miring"])
def test_bad_names_are_refused(producer_a, office_a, name):
    with pytest.raises(ValidationError) as exc:
        services.dataset_create(
            user=producer_a, office=office_a, fields={"name": name, "title": "T"}
        )
    assert "name" in exc.value.message_dict


def test_name_is_unique(producer_a, office_a):
    make_dataset(producer_a, office_a, upload=False)
    with pytest.raises(ValidationError):
        make_dataset(producer_a, office_a, upload=False)


def test_only_the_office_producer_creates(
    producer_b, walidata, outside_producer, office_a, officer_a
):
    for user in (producer_b, walidata, outside_producer, officer_a):
        with pytest.raises(PermissionDenied):
            make_dataset(user, office_a, upload=False)


def test_full_workflow_with_events(producer_a, office_a, walidata):
    dataset = make_dataset(producer_a, office_a)
    services.dataset_submit(user=producer_a, dataset=dataset)
    with pytest.raises(ValidationError):
        services.dataset_return(user=walidata, dataset=dataset, note="  ")
    dataset = services.dataset_return(user=walidata, dataset=dataset, note="Satuan belum diisi.")
    assert dataset.status == Dataset.Status.RETURNED
    assert dataset.review_note == "Satuan belum diisi."
    services.dataset_update(user=producer_a, dataset=dataset, fields={"satuan": "jiwa"})
    services.dataset_submit(user=producer_a, dataset=dataset)
    dataset = services.dataset_verify(user=walidata, dataset=dataset)
    assert dataset.status == Dataset.Status.PUBLISHED and dataset.published_at
    assert dataset.state == "active"
    with pytest.raises(ValidationError):
        services.dataset_withdraw(user=walidata, dataset=dataset, reason="")
    dataset = services.dataset_withdraw(user=walidata, dataset=dataset, reason="Salah hitung.")
    assert dataset.state == "deleted"
    assert actions(dataset) == [
        "created", "resource_added", "submitted", "returned", "updated", "submitted",
        "verified", "published", "withdrawn",
    ]  # fmt: skip
    events = list(services.dataset_events(dataset))
    assert events[3].actor == walidata and events[3].actor_role == "walidata"
    assert events[4].changes == {"satuan": ["", "jiwa"]}


def test_submit_needs_a_resource(producer_a, office_a):
    dataset = make_dataset(producer_a, office_a, upload=False)
    with pytest.raises(ValidationError):
        services.dataset_submit(user=producer_a, dataset=dataset)


def test_producer_cannot_verify_and_walidata_cannot_submit(producer_a, office_a, walidata):
    dataset = make_dataset(producer_a, office_a)
    with pytest.raises(PermissionDenied):
        services.dataset_submit(user=walidata, dataset=dataset)
    services.dataset_submit(user=producer_a, dataset=dataset)
    with pytest.raises(PermissionDenied):
        services.dataset_verify(user=producer_a, dataset=dataset)


def test_walidata_of_another_tree_cannot_verify(producer_a, office_a, outside_walidata):
    dataset = make_dataset(producer_a, office_a, status="submitted")
    with pytest.raises(PermissionDenied):
        services.dataset_verify(user=outside_walidata, dataset=dataset)


def test_walidata_at_an_agency_office_covers_the_whole_tree(producer_b, office_b, office_a):
    from .conftest import appoint

    agency_walidata = appoint(office_a, "walidata", "walidata-kominfo")
    dataset = make_dataset(producer_b, office_b, status="submitted")
    dataset = services.dataset_verify(user=agency_walidata, dataset=dataset)
    assert dataset.status == Dataset.Status.PUBLISHED


def test_submitted_dataset_is_not_editable(producer_a, office_a):
    dataset = make_dataset(producer_a, office_a, status="submitted")
    with pytest.raises(ValidationError):
        services.dataset_update(user=producer_a, dataset=dataset, fields={"title": "Baru"})
    with pytest.raises(ValidationError):
        services.resource_add(user=producer_a, dataset=dataset, upload=csv_upload())


def test_resource_upload_records_size_hash_format(producer_a, office_a):
    dataset = make_dataset(producer_a, office_a)
    resource = dataset.resources.get()
    assert resource.format == "CSV"
    assert resource.size == len(CSV_BYTES)
    assert resource.hash.startswith("sha256:") and len(resource.hash) == 71
    assert resource.url_type == "upload"
    assert resource.datastore_status == Resource.Datastore.PENDING
    assert resource.download_path.endswith("/download/penduduk.csv")


def test_upload_checked_by_content(producer_a, office_a):
    dataset = make_dataset(producer_a, office_a, upload=False)
    fake = SimpleUploadedFile("data.csv", b"%PDF-1.4 not a csv", content_type="text/csv")
    with pytest.raises(ValidationError):
        services.resource_add(user=producer_a, dataset=dataset, upload=fake)
    script = SimpleUploadedFile("x.json", b"<script>alert(1)</script>")
    with pytest.raises(ValidationError):
        services.resource_add(user=producer_a, dataset=dataset, upload=script)
    good = SimpleUploadedFile("data.json", b'{"a": 1}')
    resource = services.resource_add(user=producer_a, dataset=dataset, upload=good)
    assert resource.format == "JSON" and resource.datastore_status == "none"


def test_link_resource_format_from_extension(producer_a, office_a):
    dataset = make_dataset(producer_a, office_a, upload=False)
    resource = services.resource_add(
        user=producer_a, dataset=dataset, url="https://bps.go.id/data/ipm.xlsx", name="IPM"
    )
    assert resource.format == "XLSX" and resource.url_type == ""
    assert resource.datastore_status == "none"
    with pytest.raises(ValidationError):
        services.resource_add(user=producer_a, dataset=dataset, url="javascript:alert(1)")


def test_replace_keeps_a_version(producer_a, office_a):
    dataset = make_dataset(producer_a, office_a)
    resource = dataset.resources.get()
    old_hash, old_file = resource.hash, resource.file.name
    new = CSV_BYTES + b"Katingan,80000,76000\n"
    resource = services.resource_replace(
        user=producer_a, resource=resource, upload=csv_upload(content=new)
    )
    assert resource.hash != old_hash and resource.size == len(new)
    version = ResourceVersion.objects.get(resource=resource)
    assert (version.number, version.hash, version.file.name) == (1, old_hash, old_file)
    assert "resource_replaced" in actions(dataset)


def test_remove_keeps_the_resource(producer_a, office_a):
    dataset = make_dataset(producer_a, office_a)
    resource = dataset.resources.get()
    with pytest.raises(ValidationError):
        services.resource_remove(user=producer_a, resource=resource, reason="")
    services.resource_remove(user=producer_a, resource=resource, reason="Duplikat")
    resource.refresh_from_db()
    assert resource.state == Resource.State.DELETED
    assert Resource.objects.filter(pk=resource.pk).exists()


def test_withdrawn_needs_a_reason_in_the_database(producer_a, office_a, walidata):
    from django.db import IntegrityError, transaction

    dataset = make_dataset(producer_a, office_a, status="published", walidata=walidata)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dataset.objects.filter(pk=dataset.pk).update(status="withdrawn", withdrawn_reason="")


def test_indicators_are_kept_in_order(producer_a, office_a):
    dataset = make_dataset(producer_a, office_a, upload=False)
    services.dataset_update(
        user=producer_a,
        dataset=dataset,
        fields={},
        indicators=[
            {"name": "Jumlah penduduk", "unit": "jiwa"},
            {"name": "Rasio jenis kelamin", "formula": "L / P x 100"},
        ],
    )
    assert [i.name for i in dataset.indicators.all()] == ["Jumlah penduduk", "Rasio jenis kelamin"]


# --- a producer's changes to a published dataset wait for the walidata's check -----------


def test_a_producers_change_to_a_published_dataset_waits_for_the_walidatas_check(
    published, producer_a, walidata
):
    assert not published.changed_since_check
    services.dataset_update(
        user=producer_a, dataset=published, fields={"satuan": "jiwa"}, reason="Satuan diisi"
    )
    published.refresh_from_db()
    # Still published and public: a correction does not take the data offline.
    assert published.status == Dataset.Status.PUBLISHED and published.is_public
    assert published.changed_since_check
    assert Dataset.objects.filter(Dataset.awaiting_walidata()).get() == published

    services.dataset_check(user=walidata, dataset=published, note="Sudah sesuai.")
    published.refresh_from_db()
    assert not published.changed_since_check
    assert not Dataset.objects.filter(Dataset.awaiting_walidata()).exists()
    assert actions(published)[-2:] == ["updated", "checked"]
    assert services.dataset_events(published)[-1].reason == "Sudah sesuai."
    # Nothing left to check: refused, nothing recorded.
    with pytest.raises(ValidationError):
        services.dataset_check(user=walidata, dataset=published)
    assert actions(published)[-1] == "checked"


@pytest.mark.parametrize("change", ["upload", "link", "replace", "remove", "rename"])
def test_a_producers_resource_change_to_a_published_dataset_is_flagged(
    published, producer_a, change
):
    resource = published.resources.get()
    if change == "upload":
        services.resource_add(user=producer_a, dataset=published, upload=csv_upload("baru.csv"))
    elif change == "link":
        services.resource_add(user=producer_a, dataset=published, url="https://data.example/x.csv")
    elif change == "replace":
        services.resource_replace(user=producer_a, resource=resource, upload=csv_upload())
    elif change == "remove":
        services.resource_remove(user=producer_a, resource=resource, reason="Salah unggah")
    else:
        services.resource_update(user=producer_a, resource=resource, name="Tabel penduduk 2024")
    published.refresh_from_db()
    assert published.changed_since_check


def test_drafts_are_not_flagged_and_a_withdrawn_dataset_leaves_the_queue(
    draft, published, producer_a, walidata
):
    services.dataset_update(user=producer_a, dataset=draft, fields={"satuan": "jiwa"})
    draft.refresh_from_db()
    assert not draft.changed_since_check
    # The ingestion task's events are not a producer's change either.
    assert "resource_ingested" not in services.PRODUCER_CHANGES
    services.dataset_update(user=producer_a, dataset=published, fields={"satuan": "jiwa"})
    services.dataset_withdraw(user=walidata, dataset=published, reason="Periksa ulang")
    published.refresh_from_db()
    assert published.changed_since_check  # the flag stays with the withdrawn dataset
    assert not Dataset.objects.filter(Dataset.awaiting_walidata()).exists()


def test_only_the_datasets_walidata_checks_its_changes(
    published, producer_a, producer_b, outside_walidata
):
    services.dataset_update(user=producer_a, dataset=published, fields={"satuan": "jiwa"})
    for user in (producer_a, producer_b, outside_walidata):
        with pytest.raises(PermissionDenied):
            services.dataset_check(user=user, dataset=published)
    published.refresh_from_db()
    assert published.changed_since_check


# --- the progress of a datastore load, for the pages that show it ---------------------------


def test_a_load_tells_its_phases_and_rows_to_the_pages_and_clears_them(
    producer_a, office_a, monkeypatch
):
    from ppid.databank import datastore, tabular
    from ppid.databank.progress import ingest_progress

    dataset = make_dataset(producer_a, office_a)
    resource = dataset.resources.get()
    seen = []
    real_read, real_load = tabular.read, datastore.load

    def read(*args, **kwargs):
        seen.append(ingest_progress(resource.pk))
        return real_read(*args, **kwargs)

    def load(resource_id, table, *, progress=None):
        seen.append(ingest_progress(resource.pk))

        def each_batch(done):
            progress(done)
            seen.append(ingest_progress(resource.pk))

        return real_load(resource_id, table, progress=each_batch)

    monkeypatch.setattr(tabular, "read", read)
    monkeypatch.setattr(datastore, "load", load)
    services.resource_ingest_run(resource_id=str(resource.pk))
    assert [(p["phase"], p["rows"], p["total"], p["percent"]) for p in seen] == [
        ("reading", 0, 0, None),
        ("loading", 0, 3, 0),
        ("indexing", 3, 3, 100),  # every row is in: the indexes follow
    ]
    assert ingest_progress(resource.pk) is None
    resource.refresh_from_db()
    assert resource.datastore_status == Resource.Datastore.DONE


def test_a_failed_load_clears_its_progress_too(producer_a, office_a):
    from ppid.databank.progress import ingest_progress

    dataset = make_dataset(producer_a, office_a, upload=False)
    buffer = io.BytesIO()  # a workbook whose workbook part is not XML: cannot be read
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "bukan buku kerja")
    broken = SimpleUploadedFile("rusak.xlsx", buffer.getvalue())
    resource = services.resource_add(user=producer_a, dataset=dataset, upload=broken)
    services.resource_ingest_run(resource_id=str(resource.pk))
    resource.refresh_from_db()
    assert resource.datastore_status == Resource.Datastore.FAILED
    assert ingest_progress(resource.pk) is None


def test_rows_are_told_at_most_once_a_second_and_every_phase_at_once(monkeypatch):
    from ppid.databank import progress as progress_module

    clock = [100.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: clock[0])
    told = progress_module.IngestProgress("r")
    told.phase("loading", total=10_000)
    told.rows(5_000)
    assert progress_module.ingest_progress("r")["rows"] == 0  # within the second
    clock[0] += 1.0
    told.rows(6_000)
    assert progress_module.ingest_progress("r")["percent"] == 60
    told.rows(10_000)  # the last row: the indexing phase, at once
    assert progress_module.ingest_progress("r")["phase"] == "indexing"
    told.clear()
    assert progress_module.ingest_progress("r") is None
