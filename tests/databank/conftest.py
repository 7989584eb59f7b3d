"""Data bank personas (on top of tests/conftest.py's offices): a data producer in agency A,
one in agency B, the province's walidata (appointed at the PPID Utama), an outsider's
producer in an unrelated body, and helpers that make datasets in any status."""

import importlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ppid.databank import services
from ppid.databank.models import Dataset
from ppid.organizations.models import Role

from ..factories import AppointmentFactory, UserFactory

CSV_BYTES = (
    b"kabupaten,laki_laki,perempuan\n"
    b"Kota Palangka Raya,150000,148000\n"
    b"Kotawaringin Timur,230000,215000\n"
    b"Kapuas,210000,200000\n"
)


@pytest.fixture(autouse=True)
def _licences_and_groups(request):
    """The licence list and the themes come from a data migration: a transactional test
    elsewhere flushes them, so database tests here put them back (get_or_create)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    transactional = bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps

    seed = importlib.import_module("ppid.databank.migrations.0002_seed_licences_groups").seed
    seed(apps, None)


def appoint(office, role, username):
    return AppointmentFactory(
        office=office, role=role, user=UserFactory(username=username, is_staff=True)
    ).user


@pytest.fixture
def producer_a(office_a):
    return appoint(office_a, Role.DATA_PRODUCER, "produsen-a")


@pytest.fixture
def producer_b(office_b):
    return appoint(office_b, Role.DATA_PRODUCER, "produsen-b")


@pytest.fixture
def walidata(utama):
    return appoint(utama, Role.WALIDATA, "walidata")


@pytest.fixture
def outside_producer(other_office):
    return appoint(other_office, Role.DATA_PRODUCER, "produsen-lain")


@pytest.fixture
def outside_walidata(other_office):
    return appoint(other_office, Role.WALIDATA, "walidata-lain")


def csv_upload(name="penduduk.csv", content=CSV_BYTES):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def make_dataset(
    producer,
    office,
    *,
    name="penduduk-kabupaten",
    status="draft",
    walidata=None,
    private=False,
    title="Jumlah penduduk menurut kabupaten",
    upload=True,
    **fields,
):
    """A dataset of `office` by `producer`, taken through the workflow up to `status`."""
    dataset = services.dataset_create(
        user=producer,
        office=office,
        fields={"name": name, "title": title, "notes": "Data uji.", "private": private,
                "tahun_data": 2024, **fields},
        groups=["kependudukan"],
        tags=["penduduk", "jenis kelamin"],
    )  # fmt: skip
    if upload:
        services.resource_add(user=producer, dataset=dataset, upload=csv_upload())
    if status == "draft":
        return Dataset.objects.get(pk=dataset.pk)
    dataset = services.dataset_submit(user=producer, dataset=dataset)
    if status == "submitted":
        return dataset
    if status == "returned":
        return services.dataset_return(user=walidata, dataset=dataset, note="Lengkapi satuan.")
    dataset = services.dataset_verify(user=walidata, dataset=dataset)
    if status == "published":
        return dataset
    if status == "withdrawn":
        return services.dataset_withdraw(user=walidata, dataset=dataset, reason="Data diganti.")
    raise ValueError(status)


@pytest.fixture
def published(producer_a, office_a, walidata):
    return make_dataset(producer_a, office_a, name="penduduk-terbit", status="published",
                        walidata=walidata)  # fmt: skip


@pytest.fixture
def draft(producer_a, office_a):
    return make_dataset(
        producer_a, office_a, name="penduduk-draf", status="draft", title="Draf rekap penduduk"
    )


@pytest.fixture
def csv_file():
    return io.BytesIO(CSV_BYTES)
