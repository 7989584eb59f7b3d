"""Harvesting from another CKAN-compatible portal: a second, real instance of our own server
(its own process, SQLite database and var directory on 127.0.0.1) is the remote portal."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ppid.databank import harvest
from ppid.databank.models import Dataset, HarvestRun, HarvestSource, Resource

from .test_search import ensure_seeded

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from ppid.databank import services
from ppid.databank.models import Dataset
from ppid.organizations.models import Appointment, Body, Office, Role
from django.contrib.auth import get_user_model
import datetime

User = get_user_model()
province = Body.objects.create(name="Pemerintah Kota Jauh", slug="kota-jauh", kind="kabkota")
utama = Office.objects.create(body=province, kind="utama", name="PPID Kota Jauh", slug="ppid-jauh")
agency = Body.objects.create(name="Dinas Statistik Jauh", slug="statistik-jauh", kind="opd",
                             parent=province)
office = Office.objects.create(body=agency, kind="pelaksana", parent=utama,
                               name="PPID Statistik Jauh", slug="ppid-statistik-jauh")
producer = User.objects.create(username="produsen")
walidata = User.objects.create(username="wali")
start = datetime.date(2020, 1, 1)
Appointment.objects.create(user=producer, office=office, role=Role.DATA_PRODUCER,
                           valid_from=start, sk_number="1/2020", sk_date=start)
Appointment.objects.create(user=walidata, office=utama, role=Role.WALIDATA, valid_from=start,
                           sk_number="2/2020", sk_date=start)

def publish(name, title, tags, groups, links, **fields):
    d = services.dataset_create(user=producer, office=office,
        fields={"name": name, "title": title, "notes": "Data " + title, **fields},
        tags=tags, groups=groups)
    for url, fmt in links:
        services.resource_add(user=producer, dataset=d, url=url, format=fmt)
    services.dataset_submit(user=producer, dataset=d)
    services.dataset_verify(user=walidata, dataset=Dataset.objects.get(pk=d.pk))

publish("penduduk-kota", "Penduduk kota jauh", ["penduduk"], ["kependudukan"],
        [("https://jauh.example.org/penduduk.csv", "CSV")], tahun_data=2024,
        frekuensi="tahunan", kode_wilayah="62.71", walidata="Diskominfo Kota Jauh")
publish("sekolah-kota", "Sekolah kota jauh", ["sekolah"], ["pendidikan"],
        [("https://jauh.example.org/sekolah.xlsx", "XLSX"),
         ("https://jauh.example.org/sekolah.pdf", "PDF")])
publish("jalan-kota", "Kondisi jalan kota jauh", ["jalan"], [],
        [("https://jauh.example.org/jalan.csv", "CSV")])
# Not public there: never harvested.
d = services.dataset_create(user=producer, office=office,
    fields={"name": "draf-kota", "title": "Draf kota jauh"})
"""

CHANGE = """
# What DatabankConfig.ready() should do in every process: connect the search's invalidation.
import ppid.databank.search
from ppid.databank import services
from ppid.databank.models import Dataset, Resource
from django.contrib.auth import get_user_model
User = get_user_model()
producer = User.objects.get(username="produsen")
walidata = User.objects.get(username="wali")
d = Dataset.objects.get(name="penduduk-kota")
services.dataset_update(user=producer, dataset=d, fields={"title": "Penduduk kota jauh 2025"},
                        reason="judul")
services.resource_add(user=producer, dataset=Dataset.objects.get(pk=d.pk),
                      url="https://jauh.example.org/penduduk-2025.csv", format="CSV")
services.dataset_withdraw(user=walidata, dataset=Dataset.objects.get(name="jalan-kota"),
                          reason="Diganti")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RemotePortal:
    def __init__(self, directory: Path):
        self.directory = directory
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PPID_VAR_DIR": str(directory),
            "DATABASE_URL": f"sqlite:///{directory / 'remote.sqlite3'}",
            "DEBUG": "false",
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        self.process = None

    def manage(self, *args, script: str | None = None):
        command = [sys.executable, "manage.py", *args]
        if script is not None:
            command += ["-c", script]
        subprocess.run(command, cwd=ROOT, env=self.env, check=True, capture_output=True,
                       timeout=300)  # fmt: skip

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/api/3", timeout=2).ok:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError("the remote portal did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    portal = RemotePortal(tmp_path_factory.mktemp("remote-portal"))
    portal.manage("migrate", "--noinput")
    portal.manage("shell", script=SETUP)
    portal.start()
    yield portal
    portal.stop()


@pytest.fixture
def source(db, office_a, remote):
    ensure_seeded()
    return HarvestSource.objects.create(
        url=remote.url + "/", title="Portal Kota Jauh",
        organization=office_a.body, office=office_a,
    )  # fmt: skip


def test_first_run_creates_published_datasets_with_links(source):
    run = harvest.harvest_run(source=source)
    assert run.status == HarvestRun.Status.DONE, run.report
    assert (run.created, run.updated, run.unchanged, run.failed) == (3, 0, 0, 0)
    assert {r["name"] for r in run.report["created"]} == {
        "penduduk-kota", "sekolah-kota", "jalan-kota",
    }  # fmt: skip
    datasets = Dataset.objects.filter(harvest_source=source)
    assert datasets.count() == 3
    dataset = datasets.get(name="penduduk-kota")
    assert (
        dataset.status == Dataset.Status.PUBLISHED and dataset.organization == source.organization
    )
    assert dataset.office == source.office and dataset.harvest_remote_id
    assert (dataset.tahun_data, dataset.frekuensi, dataset.kode_wilayah) == (
        2024,
        "tahunan",
        "62.71",
    )
    assert dataset.walidata == "Diskominfo Kota Jauh"
    assert [t.name for t in dataset.tags.all()] == ["penduduk"]
    assert [g.name for g in dataset.groups.all()] == ["kependudukan"]
    (resource,) = dataset.resources.all()
    assert resource.url == "https://jauh.example.org/penduduk.csv" and not resource.file
    assert resource.format == "CSV"
    sekolah = datasets.get(name="sekolah-kota")
    assert sorted(r.format for r in sekolah.resources.all()) == ["PDF", "XLSX"]
    assert not Dataset.objects.filter(name="draf-kota").exists()
    source.refresh_from_db()
    assert source.last_run_at == run.finished_at


def test_second_run_updates_what_changed_and_reports_what_vanished(source, remote):
    harvest.harvest_run(source=source)
    again = harvest.harvest_run(source=source)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    remote.manage("shell", script=CHANGE)
    time.sleep(0.2)
    run = harvest.harvest_run(source=source)
    try:
        assert run.status == HarvestRun.Status.DONE, run.report
        assert (run.created, run.updated, run.unchanged) == (0, 1, 1)
        assert [r["name"] for r in run.report["updated"]] == ["penduduk-kota"]
        assert [v["name"] for v in run.report["vanished"]] == ["jalan-kota"]
        dataset = Dataset.objects.get(name="penduduk-kota")
        assert dataset.title == "Penduduk kota jauh 2025"
        urls = sorted(
            dataset.resources.filter(state=Resource.State.ACTIVE).values_list("url", flat=True)
        )
        assert urls == ["https://jauh.example.org/penduduk-2025.csv",
                        "https://jauh.example.org/penduduk.csv"]  # fmt: skip
        # Vanished there, kept here: reported, neither deleted nor withdrawn.
        assert Dataset.objects.get(name="jalan-kota").status == Dataset.Status.PUBLISHED
    finally:
        remote.stop()
        remote.manage("shell", script=_undo_script())
        remote.start()


def _undo_script() -> str:
    # Put the remote back as SETUP left it, for tests that run after this one.
    return (
        "from ppid.databank.models import Dataset, Resource\n"
        "d = Dataset.objects.get(name='penduduk-kota')\n"
        "Dataset.objects.filter(pk=d.pk).update(title='Penduduk kota jauh')\n"
        "Resource.objects.filter(dataset=d, url__endswith='2025.csv').update(state='deleted')\n"
        "Dataset.objects.filter(name='jalan-kota').update(status='published', "
        "withdrawn_reason='')\n"
    )


def test_a_portal_that_is_down_fails_the_run(db, office_a):
    source = HarvestSource.objects.create(
        url=f"http://127.0.0.1:{_free_port()}", title="Mati",
        organization=office_a.body, office=office_a,
    )  # fmt: skip
    run = harvest.harvest_run(source=source)
    assert run.status == HarvestRun.Status.FAILED
    assert "ConnectionError" in run.report["error"] or "Error" in run.report["error"]


def test_the_task_runs_a_queued_harvest(source, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = harvest.harvest_enqueue(source=source)
    run.refresh_from_db()
    assert run.status == HarvestRun.Status.DONE and run.created == 3


def test_harvested_datasets_are_served_by_our_api(source, client):
    harvest.harvest_run(source=source)
    body = client.get("/api/3/action/package_search?fq=tags:sekolah").json()
    assert body["result"]["count"] == 1
    package = body["result"]["results"][0]
    assert package["organization"]["name"] == "dinas-a"
    assert package["harvest_source_id"] == str(source.pk)
