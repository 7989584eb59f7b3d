"""Dataset.changed_since_check: a producer changed the published dataset after the
walidata's check.

Added by ALTER TABLE ... ADD COLUMN with a database default on both engines: Django's
AddField would rebuild the whole table on SQLite (a NOT NULL column with a default), which
drops the full-text index's triggers on it (0003) and copies every row."""

from django.db import migrations, models


def add_column(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    kind, default = ("bool", "0") if vendor == "sqlite" else ("boolean", "false")
    schema_editor.execute(
        "ALTER TABLE databank_dataset "
        f"ADD COLUMN changed_since_check {kind} NOT NULL DEFAULT {default}"
    )


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE databank_dataset DROP COLUMN changed_since_check")


class Migration(migrations.Migration):
    dependencies = [("databank", "0004_sqlite_datastore_files")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="dataset",
                    name="changed_since_check",
                    field=models.BooleanField(
                        default=False, verbose_name="changed since the walidata's check"
                    ),
                ),
            ],
        ),
    ]
