"""PostgreSQL: the full-text trigger keeps a vector an insert brings (registry.bulk builds it
in Python and loads with COPY, now from two connections at once), and the text and vector
columns are compressed with lz4 where the server has it. Nothing changes on SQLite."""

from django.db import migrations

from ppid.core.search import FullTextIndex

INDEX = FullTextIndex(name="registry_item_fts", table="registry_informationitem")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in INDEX.trigger_sql() + INDEX.compression_sql(schema_editor.connection):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    t, n, c = INDEX.table, INDEX.name, INDEX.column
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {n}_tgu ON {t}")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {n}_tg ON {t}")
    schema_editor.execute(
        f"CREATE TRIGGER {n}_tg BEFORE INSERT OR UPDATE OF {c} ON {t} FOR EACH ROW "
        f"EXECUTE FUNCTION tsvector_update_trigger({n}_vec, 'pg_catalog.simple', {c})"
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_list_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
