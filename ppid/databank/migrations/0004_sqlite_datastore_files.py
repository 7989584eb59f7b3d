"""SQLite: datastore tables move out of the application's database into files of their own
(ppid/databank/sqlite_store.py). The old tables are dropped and each resource that had
one is read again by the worker into the new files; PostgreSQL is unchanged."""

import re

from django.db import migrations, transaction

_OLD_TABLE = re.compile(r"datastore_[0-9a-f]{32}(?:_[0-9a-f]{8})?(_fts|_vocab|_vocabc)?")


def move_to_files(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        old = [name for (name,) in cursor.fetchall() if _OLD_TABLE.fullmatch(name)]
        # fts5vocab tables read their FTS5 table: drop them first, the plain tables last.
        old.sort(key=lambda name: (not name.endswith(("_vocab", "_vocabc")), name))
        for name in old:
            cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
    Resource = apps.get_model("databank", "Resource")
    loaded = Resource.objects.filter(datastore_status__in=["done", "running"], state="active")
    ids = [str(pk) for pk in loaded.values_list("pk", flat=True)]
    loaded.update(datastore_status="pending")
    if ids:
        from ppid.databank.tasks import resource_ingest

        transaction.on_commit(lambda: [resource_ingest.enqueue(pk) for pk in ids])


class Migration(migrations.Migration):
    dependencies = [
        ("databank", "0003_dataset_fulltext"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(move_to_files, migrations.RunPython.noop)]
