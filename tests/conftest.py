"""Personas per role and office (STYLE.md §7): the province's PPID Utama with two agencies
(A and B) under it, and an unrelated body's office."""

import datetime

import pytest

from ppid.organizations.models import Body, Office, Role

from .factories import AppointmentFactory, BodyFactory, OfficeFactory, UserFactory


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Factories write without the services that invalidate cached pages: tests that want
    # the page cache turn it on themselves (tests/core/test_pagecache.py).
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    # SQLite datastore files (sqlite_store) are not rolled back with a test's transaction.
    settings.DATASTORE_DIR = tmp_path / "datastore"


@pytest.fixture(autouse=True)
def _clean_state():
    # Public pages cache counts briefly (registry home): no test may see another's data.
    # A request under /en/ leaves English active in the thread: reset to the default.
    # The calendar's days are cached per process: a rolled-back test's days must go too.
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from ppid.core.calendar import calendar_cache_clear

    cache.clear()
    calendar_cache_clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    cache.clear()
    calendar_cache_clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def province(db):
    return BodyFactory(name="Pemerintah Provinsi Uji", slug="provinsi-uji", kind=Body.Kind.PROVINCE)


@pytest.fixture
def utama(province):
    return OfficeFactory(
        body=province, kind=Office.Kind.UTAMA, name="PPID Utama Uji", slug="ppid-utama-uji"
    )


@pytest.fixture
def office_a(province, utama):
    body = BodyFactory(name="Dinas A", slug="dinas-a", parent=province)
    return OfficeFactory(
        body=body,
        kind=Office.Kind.PELAKSANA,
        parent=utama,
        name="PPID Dinas A",
        slug="ppid-dinas-a",
    )


@pytest.fixture
def office_b(province, utama):
    body = BodyFactory(name="Dinas B", slug="dinas-b", parent=province)
    return OfficeFactory(
        body=body,
        kind=Office.Kind.PELAKSANA,
        parent=utama,
        name="PPID Dinas B",
        slug="ppid-dinas-b",
    )


@pytest.fixture
def other_office(db):
    body = BodyFactory(name="Kabupaten Lain", slug="kabupaten-lain", kind=Body.Kind.REGENCY)
    return OfficeFactory(
        body=body, kind=Office.Kind.UTAMA, name="PPID Kabupaten Lain", slug="ppid-kab-lain"
    )


def _appoint(office, role, username):
    return AppointmentFactory(
        office=office, role=role, user=UserFactory(username=username, is_staff=True)
    ).user


@pytest.fixture
def officer_a(office_a):
    return _appoint(office_a, Role.PPID_PELAKSANA, "alice")


@pytest.fixture
def officer_b(office_b):
    return _appoint(office_b, Role.PPID_PELAKSANA, "bob")


@pytest.fixture
def utama_officer(utama):
    return _appoint(utama, Role.PPID_UTAMA, "uma")


@pytest.fixture
def atasan(utama):
    return _appoint(utama, Role.ATASAN_PPID, "sekda")


@pytest.fixture
def outsider(other_office):
    return _appoint(other_office, Role.PPID_UTAMA, "charlie")


@pytest.fixture
def expired_officer(office_a):
    appointment = AppointmentFactory(
        office=office_a,
        role=Role.PPID_PELAKSANA,
        user=UserFactory(username="former", is_staff=True),
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2021, 12, 31),
    )
    return appointment.user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def citizen(db):
    return UserFactory(username="citizen")
