"""/data.json (Project Open Data 1.1, non-federal), validated with jsonschema against the
schema in files/pod_1_1_non_federal.schema.json (written from the v1.1 specification)."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from jsonschema import Draft4Validator

from ppid.databank import datajson

from .conftest import csv_upload
from .test_search import publish

SCHEMA = json.loads(
    (Path(__file__).parent / "files" / "pod_1_1_non_federal.schema.json").read_text()
)
VALIDATOR = Draft4Validator(SCHEMA, format_checker=Draft4Validator.FORMAT_CHECKER)


@pytest.fixture
def datasets(producer_a, producer_b, office_a, office_b, walidata):
    return {
        "penduduk": publish(
            producer_a, office_a, walidata, "penduduk-kabupaten",
            title="Jumlah penduduk menurut kabupaten", groups=["kependudukan"],
            tags=["penduduk"], tahun_data=2024, frekuensi="tahunan", kode_wilayah="62",
            walidata="Diskominfo Kalteng", maintainer_email="data@kalteng.go.id",
            upload=csv_upload(),
        ),
        "miskin": publish(
            producer_b, office_b, walidata, "kemiskinan-kabupaten",
            title="Persentase penduduk miskin", frekuensi="triwulanan",
        ),
        "private": publish(
            producer_a, office_a, walidata, "rahasia", title="Rahasia", private=True
        ),
    }  # fmt: skip


@pytest.fixture(autouse=True)
def _site_url(settings):
    # The document is built by a task, which has no request: addresses use SITE_URL.
    settings.SITE_URL = "http://testserver"


def fetch(client) -> dict:
    response = client.get("/data.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Last-Modified"]
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def catalog(client, datasets):
    return fetch(client)


def entry(catalog, dataset):
    (found,) = [d for d in catalog["dataset"] if d["identifier"].endswith(str(dataset.pk))]
    return found


def errors(document):
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def test_schema_is_a_valid_draft4_schema():
    Draft4Validator.check_schema(SCHEMA)


def test_whole_catalogue_is_valid(catalog):
    assert errors(catalog) == []
    assert catalog["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["@id"] == "http://testserver/data.json"
    assert len(catalog["dataset"]) == 2  # the private dataset is not listed


def test_required_fields(catalog, datasets):
    item = entry(catalog, datasets["penduduk"])
    for key in ("title", "description", "publisher", "contactPoint", "identifier", "accessLevel"):
        assert item[key]
    assert item["accessLevel"] == "public"
    assert item["@type"] == "dcat:Dataset"


def test_publisher_and_contact_point(catalog, datasets):
    item = entry(catalog, datasets["penduduk"])
    assert item["publisher"] == {
        "@type": "org:Organization",
        "name": "Dinas A",
        "subOrganizationOf": {"@type": "org:Organization", "name": "Pemerintah Provinsi Uji"},
    }
    assert item["contactPoint"] == {
        "@type": "vcard:Contact",
        "fn": "Diskominfo Kalteng",
        "hasEmail": "mailto:data@kalteng.go.id",
    }
    broken = json.loads(json.dumps(catalog))
    entry(broken, datasets["penduduk"])["contactPoint"]["hasEmail"] = "data@kalteng.go.id"
    assert errors(broken)


def test_periodicity_temporal_spatial_language(catalog, datasets):
    item = entry(catalog, datasets["penduduk"])
    assert item["accrualPeriodicity"] == "R/P1Y"
    assert entry(catalog, datasets["miskin"])["accrualPeriodicity"] == "R/P3M"
    assert item["temporal"] == "2024-01-01/2024-12-31"
    assert item["spatial"] == "62"
    assert item["language"] == ["id"]
    assert item["keyword"] == ["penduduk"]
    assert item["theme"] == ["Kependudukan"]
    assert item["modified"].endswith("Z") and item["issued"].endswith("Z")
    assert item["license"].startswith("http")
    assert item["landingPage"].startswith("http://testserver/")


def test_distributions(catalog, datasets):
    (upload,) = entry(catalog, datasets["penduduk"])["distribution"]
    assert upload["downloadURL"].startswith("http://testserver/dataset/")
    assert upload["mediaType"] == "text/csv" and upload["format"] == "CSV"
    (link,) = entry(catalog, datasets["miskin"])["distribution"]
    resource = datasets["miskin"].resources.get()
    if resource.mimetype:
        assert link["downloadURL"] == resource.url and link["mediaType"] == resource.mimetype
    else:
        assert "downloadURL" not in link and link["accessURL"] == resource.url
    # The schema's rule: a downloadURL needs its mediaType.
    broken = json.loads(json.dumps(catalog))
    entry(broken, datasets["penduduk"])["distribution"][0].pop("mediaType")
    assert errors(broken)


def test_the_document_is_built_once_per_catalogue_version(client, datasets, monkeypatch):
    builds = []
    real = datajson.catalog
    monkeypatch.setattr(datajson, "catalog", lambda **kw: builds.append(1) or real(**kw))
    first, second = fetch(client), fetch(client)
    assert first == second and len(builds) == 1


def test_a_change_is_answered_with_the_last_build_while_a_task_rebuilds(
    client, datasets, producer_a, office_a, walidata, monkeypatch
):
    from ppid.databank import tasks

    before = fetch(client)
    queued = []
    # A worker that has not run yet: the task is only queued.
    monkeypatch.setattr(
        tasks, "datajson_rebuild", SimpleNamespace(enqueue=lambda: queued.append(1))
    )
    publish(producer_a, office_a, walidata, "sekolah", title="Jumlah sekolah")
    stale = fetch(client)
    fetch(client)  # a second client meanwhile: still one task
    assert stale == before and len(queued) == 1
    assert datajson.datajson_refresh() == "built"
    assert datajson.datajson_refresh() == "current"
    names = [d["title"] for d in fetch(client)["dataset"]]
    assert "Jumlah sekolah" in names and len(names) == 3


def test_the_rebuild_task_replaces_the_document_and_removes_the_old_file(
    client, datasets, producer_a, office_a, walidata
):
    from ppid.core.storage import private_storage

    fetch(client)
    old = datajson.cache.get(datajson.CURRENT_KEY)["name"]
    # Tests run tasks at once (the immediate backend): the request that finds the
    # catalogue changed has the new document.
    publish(producer_a, office_a, walidata, "sekolah", title="Jumlah sekolah")
    assert len(fetch(client)["dataset"]) == 3
    assert not private_storage.exists(old)


def test_dataset_entry_without_tags_still_has_a_keyword(datasets):
    dataset = datasets["miskin"]
    item = datajson.dataset_entry(dataset, base="http://x", province="Provinsi")
    assert item["keyword"] == ["Dinas B"]
