"""Give API tokens an unguessable id for URLs (STYLE.md §4), filled row by row for existing
tokens before the column becomes unique."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    for token in ApiToken.objects.filter(uid__isnull=True).only("pk"):
        ApiToken.objects.filter(pk=token.pk).update(uid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("core", "0002_api_tokens")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="uid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
