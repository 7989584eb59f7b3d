"""Full-text index over InformationItem.search_text (FTS5 on SQLite, tsvector+GIN on PostgreSQL)."""

from django.db import migrations

from ppid.core.search import FullTextIndex

INDEX = FullTextIndex(name="registry_item_fts", table="registry_informationitem")


def create(apps, schema_editor):
    for sql in INDEX.create_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in INDEX.drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
