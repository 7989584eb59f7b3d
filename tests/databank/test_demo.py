"""The demo data bank (issue 4 §4): Kalteng datasets of real agencies, marked as demo, each
with a CSV or XLSX file that the loader reads into the datastore and that previews with a
chart; real figures where kalteng.md has them."""

import pytest
from django.test import Client
from django.urls import reverse

from ppid.databank import datastore
from ppid.databank.demo import SPECS, load_databank
from ppid.databank.models import Dataset, Resource
from ppid.organizations.demo import load_organizations

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    orgs = load_organizations()
    created = load_databank(orgs=orgs)
    return orgs, created


def test_every_dataset_is_marked_demo_and_ingested(demo):
    _orgs, created = demo
    assert created["datasets"] == len(SPECS) >= 8
    for dataset in Dataset.objects.all():
        assert dataset.is_demo
        assert "data demo" in dataset.notes.lower()
        resource = dataset.resources.get()
        assert resource.format in ("CSV", "XLSX")
        assert resource.datastore_status == Resource.Datastore.DONE, resource.datastore_report
        assert resource.row_count >= 3
        assert resource.hash.startswith("sha256:")
    assert {r.format for r in Resource.objects.all()} == {"CSV", "XLSX"}


def test_spread_over_agencies_and_themes(demo):
    datasets = Dataset.objects.all()
    assert datasets.values("organization").distinct().count() >= 6
    assert datasets.values("groups").distinct().count() >= 8
    names = set(datasets.values_list("organization__slug", flat=True))
    assert {"disdukcapil-kalteng", "dinkes-kalteng", "pupr-kalteng", "dtphp-kalteng"} <= names


def test_real_figures_where_known(demo):
    ipm = Dataset.objects.get(name="indeks-pembangunan-manusia-kabupaten-kota-2024")
    result = datastore.search(
        str(ipm.resources.get().pk), filters={"kabupaten_kota": "Kota Palangka Raya"}
    )
    assert result["records"][0]["ipm_2024"] == pytest.approx(82.20)
    people = Dataset.objects.get(name="penduduk-kabupaten-kota-jenis-kelamin-2020")
    result = datastore.search(
        str(people.resources.get().pk), filters={"kabupaten_kota": "Kabupaten Kapuas"}
    )
    assert result["records"][0]["jumlah"] == 410446  # SP2020, kalteng.md §4.1
    kecamatan = Dataset.objects.get(name="jumlah-kecamatan-kabupaten-kota")
    result = datastore.search(str(kecamatan.resources.get().pk), limit=100)
    assert sum(r["jumlah_kecamatan"] for r in result["records"]) == 136


def test_published_ones_preview_with_a_chart(demo, client):
    published = Dataset.objects.filter(status="published")
    assert published.count() == len(SPECS) - 1
    for dataset in published:
        resource = dataset.resources.get()
        page = client.get(reverse("databank:resource", args=[dataset.name, resource.pk]))
        assert page.status_code == 200
        body = page.content.decode()
        assert 'class="bars"' in body, dataset.name
        assert body.count("<li><span>") >= 3, dataset.name
        assert "kode_wilayah menurut" not in body  # codes are not charted


def test_the_submitted_one_waits_in_the_walidata_queue(demo):
    from ppid.organizations.models import Role

    orgs, _created = demo
    waiting = Dataset.objects.get(status="submitted")
    client = Client()
    client.force_login(
        orgs.officers[Role.WALIDATA], backend="django.contrib.auth.backends.ModelBackend"
    )
    assert waiting.title in client.get(reverse("databank_admin:queue")).content.decode()
    assert Client().get(waiting.get_absolute_url()).status_code == 404


def test_a_second_load_changes_nothing(demo):
    orgs, _created = demo
    count = Dataset.objects.count()
    assert not load_databank(orgs=orgs)
    assert Dataset.objects.count() == count
