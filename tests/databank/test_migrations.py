"""Migration 0004: on SQLite, datastore tables leave the application's database for files
of their own; each resource that had one is read again into them."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from ppid.databank import datastore
from ppid.databank.models import Resource

from .conftest import csv_upload, make_dataset

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL is unchanged"),
]
migration = importlib.import_module("ppid.databank.migrations.0004_sqlite_datastore_files")
# All the migration's function uses of its schema editor (which SQLite refuses to open
# inside a test's transaction).
EDITOR = SimpleNamespace(connection=connection)


def test_old_tables_are_dropped_and_their_resources_read_again_into_files(
    producer_a, office_a, django_capture_on_commit_callbacks
):
    from ppid.databank import services

    dataset = make_dataset(producer_a, office_a, upload=False)
    with django_capture_on_commit_callbacks(execute=True):
        resource = services.resource_add(user=producer_a, dataset=dataset, upload=csv_upload())
    rid = str(resource.pk)
    datastore.drop(rid)  # as before the migration: no files, a table in the database
    name = datastore.table_name(rid)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{name}" ("_id" INTEGER PRIMARY KEY, "a" TEXT)')
        cursor.execute(f"CREATE VIRTUAL TABLE \"{name}_fts\" USING fts5(c0, content='')")
        cursor.execute(f'CREATE VIRTUAL TABLE "{name}_vocab" USING fts5vocab("{name}_fts", row)')
        cursor.execute('CREATE TABLE "datastore_keep_me" (x)')  # not one of ours
    assert not datastore.exists(rid)
    with django_capture_on_commit_callbacks(execute=True):
        migration.move_to_files(apps, EDITOR)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'datastore%%'")
        assert [r[0] for r in cursor.fetchall()] == ["datastore_keep_me"]
    resource.refresh_from_db()
    assert resource.datastore_status == Resource.Datastore.DONE
    assert datastore.search(rid)["total"] == 3


def test_nothing_to_move_changes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        migration.move_to_files(apps, EDITOR)
    assert callbacks == []
