"""DCAT export (/catalog.<fmt>, /dataset/<name>.<fmt>), parsed back with rdflib."""

import datetime

import pytest
from django.utils import timezone
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from ppid.databank import dcat
from ppid.databank.models import Dataset

from .conftest import csv_upload
from .test_search import publish

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
BASE = "http://testserver"
PARSERS = {"ttl": "turtle", "xml": "xml", "rdf": "xml", "n3": "n3", "jsonld": "json-ld"}


@pytest.fixture
def datasets(producer_a, producer_b, office_a, office_b, walidata):
    return {
        "penduduk": publish(
            producer_a, office_a, walidata, "penduduk-kabupaten",
            title="Jumlah penduduk menurut kabupaten", groups=["kependudukan"],
            tags=["penduduk", "jenis kelamin"], tahun_data=2024, frekuensi="tahunan",
            kode_wilayah="62", walidata="Diskominfo Kalteng",
            maintainer_email="data@kalteng.go.id", version="1.0", upload=csv_upload(),
        ),
        "miskin": publish(
            producer_b, office_b, walidata, "kemiskinan-kabupaten",
            title="Persentase penduduk miskin", groups=["sosial"], tags=["kemiskinan"],
            frekuensi="triwulanan",
        ),
        "private": publish(
            producer_a, office_a, walidata, "rahasia", title="Rahasia", private=True
        ),
    }  # fmt: skip


def fetch(client, url, fmt) -> Graph:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(dcat.FORMATS[fmt][1])
    graph = Graph()
    graph.parse(data=response.content, format=PARSERS[fmt])
    return graph


@pytest.mark.parametrize("fmt", ["ttl", "xml", "jsonld", "n3", "rdf"])
def test_dataset_in_every_syntax(client, datasets, fmt):
    dataset = datasets["penduduk"]
    graph = fetch(client, f"/dataset/{dataset.name}.{fmt}", fmt)
    ref = URIRef(f"{BASE}/dataset/{dataset.pk}")
    assert (ref, RDF.type, DCAT.Dataset) in graph
    assert graph.value(ref, DCTERMS.title) == Literal("Jumlah penduduk menurut kabupaten")
    assert graph.value(ref, DCTERMS.identifier) == Literal(str(dataset.pk))
    assert set(graph.objects(ref, DCAT.keyword)) == {Literal("penduduk"), Literal("jenis kelamin")}
    assert graph.value(ref, DCAT.theme) == URIRef(f"{BASE}/group/kependudukan")
    assert graph.value(ref, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    )
    modified = graph.value(ref, DCTERMS.modified)
    assert modified.datatype == XSD.dateTime
    assert abs(modified.toPython().replace(tzinfo=datetime.UTC) - timezone.now()) < (
        datetime.timedelta(minutes=5)
    )
    period = graph.value(ref, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate).toPython() == datetime.date(2024, 1, 1)
    assert graph.value(period, DCAT.endDate).toPython() == datetime.date(2024, 12, 31)
    place = graph.value(ref, DCTERMS.spatial)
    assert graph.value(place, DCTERMS.identifier) == Literal("62")
    publisher = graph.value(ref, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal("Dinas A")
    contact = graph.value(ref, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in graph
    assert graph.value(contact, VCARD.fn) == Literal("Diskominfo Kalteng")
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:data@kalteng.go.id")
    resource = dataset.resources.get()
    dist = URIRef(f"{BASE}/dataset/{dataset.pk}/resource/{resource.pk}")
    assert graph.value(ref, DCAT.distribution) == dist
    download = graph.value(dist, DCAT.downloadURL)
    assert str(download).startswith(f"{BASE}/dataset/{dataset.pk}/resource/{resource.pk}/")
    assert graph.value(dist, DCAT.accessURL) == download
    assert graph.value(dist, DCTERMS.format) == Literal("CSV")
    assert graph.value(dist, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )
    assert graph.value(dist, DCAT.byteSize).toPython() == resource.size
    assert graph.value(dist, DCTERMS.license) == URIRef(dataset.licence.url)
    checksum = graph.value(dist, SPDX.checksum)
    assert str(graph.value(checksum, SPDX.checksumValue)) == resource.hash.split(":")[1]


def test_jsonld_round_trip_is_isomorphic(client, datasets):
    ttl = fetch(client, "/dataset/penduduk-kabupaten.ttl", "ttl")
    jsonld = fetch(client, "/dataset/penduduk-kabupaten.jsonld", "jsonld")
    assert ttl.isomorphic(jsonld)
    body = client.get("/dataset/penduduk-kabupaten.jsonld").json()
    assert set(body["@context"]) >= {"dcat", "dct", "foaf", "vcard"}


def test_private_and_unknown_datasets_are_404(client, datasets):
    assert client.get("/dataset/rahasia.ttl").status_code == 404
    assert client.get("/dataset/tidak-ada.ttl").status_code == 404
    assert client.get(f"/dataset/{datasets['miskin'].pk}.ttl").status_code == 200


def test_catalog_lists_public_datasets(client, datasets):
    graph = fetch(client, "/catalog.ttl", "ttl")
    catalog = URIRef(f"{BASE}/")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert graph.value(catalog, DCTERMS.title) is not None
    assert graph.value(graph.value(catalog, DCTERMS.publisher), FOAF.name) == Literal(
        "Pemerintah Provinsi Uji"
    )
    listed = set(graph.objects(catalog, DCAT.dataset))
    assert listed == {
        URIRef(f"{BASE}/dataset/{datasets['penduduk'].pk}"),
        URIRef(f"{BASE}/dataset/{datasets['miskin'].pk}"),
    }
    paging = graph.value(predicate=RDF.type, object=HYDRA.PagedCollection)
    assert graph.value(paging, HYDRA.totalItems).toPython() == 2
    assert graph.value(paging, HYDRA.next) is None


def test_catalog_paging_and_modified_since(client, datasets, monkeypatch):
    monkeypatch.setattr(dcat, "PER_PAGE", 1)
    graph = fetch(client, "/catalog.xml?page=1", "xml")
    paging = graph.value(predicate=RDF.type, object=HYDRA.PagedCollection)
    assert str(graph.value(paging, HYDRA.next)).endswith("page=2")
    assert str(graph.value(paging, HYDRA.last)).endswith("page=2")
    assert graph.value(paging, HYDRA.previous) is None
    first = set(graph.objects(URIRef(f"{BASE}/"), DCAT.dataset))
    graph = fetch(client, "/catalog.jsonld?page=2", "jsonld")
    paging = graph.value(predicate=RDF.type, object=HYDRA.PagedCollection)
    assert str(graph.value(paging, HYDRA.previous)).endswith("page=1")
    second = set(graph.objects(URIRef(f"{BASE}/"), DCAT.dataset))
    assert len(first) == len(second) == 1 and first != second
    # Only what changed since a moment.
    Dataset.objects.filter(pk=datasets["miskin"].pk).update(
        modified_at=timezone.now() - datetime.timedelta(days=30)
    )
    from ppid.databank import search

    search.invalidate()
    since = (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    graph = fetch(client, f"/catalog.ttl?modified_since={since}", "ttl")
    assert set(graph.objects(URIRef(f"{BASE}/"), DCAT.dataset)) == {
        URIRef(f"{BASE}/dataset/{datasets['penduduk'].pk}")
    }
    assert client.get("/catalog.ttl?modified_since=kemarin").status_code == 400
    assert client.get("/catalog.ttl?page=0").status_code == 400
