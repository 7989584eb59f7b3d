"""Full-text index over Dataset.search_text (FTS5 on SQLite, tsvector+GIN on PostgreSQL),
keyed by Dataset.seq (the integer key: Dataset.id is a UUID)."""

from django.db import migrations

from ppid.core.search import FullTextIndex

INDEX = FullTextIndex(name="databank_dataset_fts", table="databank_dataset", pk="seq")


def create(apps, schema_editor):
    for sql in INDEX.create_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in INDEX.drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("databank", "0002_seed_licences_groups")]
    operations = [migrations.RunPython(create, drop)]
