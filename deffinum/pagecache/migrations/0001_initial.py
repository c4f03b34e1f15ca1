import uuid

from django.db import migrations, models
from django.utils import timezone


def create_version(apps, schema_editor):
    DataVersion = apps.get_model("pagecache", "DataVersion")
    DataVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"token": uuid.uuid4().hex, "changed_at": timezone.now()}
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32, verbose_name="jeton")),
                ("changed_at", models.DateTimeField(verbose_name="modifiée le")),
            ],
            options={
                "verbose_name": "version des données publiques",
                "verbose_name_plural": "versions des données publiques",
                "ordering": ["pk"],
            },
        ),
        migrations.RunPython(create_version, migrations.RunPython.noop),
    ]
