from django.contrib.postgres.operations import CreateCollation
from django.db import migrations, models
from django.db.models.functions import Collate


def french(field):
    # Frozen copy of laureats.ordering.french(): a migration must not follow later code.
    return Collate(models.F(field), "fr_natural")


class Migration(migrations.Migration):
    """Names in French reading order: case, accents and ligatures set aside, numbers by value.

    On PostgreSQL an ICU collation (a no-op on SQLite, where laureats/ordering.py registers a
    Python collation of the same name on every connection).
    """

    dependencies = [("laureats", "0006_laureate_search_text_folds_ligatures")]

    operations = [
        CreateCollation("fr_natural", provider="icu", locale="fr-u-kn-true"),
        migrations.AlterModelOptions(
            name="laureate",
            options={
                "ordering": [french("name")],
                "verbose_name": "lauréat",
                "verbose_name_plural": "lauréats",
            },
        ),
        migrations.AlterModelOptions(
            name="membership",
            options={
                "ordering": ["laureate", "-role", french("organisation__name")],
                "verbose_name": "membre",
                "verbose_name_plural": "membres",
            },
        ),
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "ordering": [french("name")],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
        migrations.AlterModelOptions(
            name="region",
            options={
                "ordering": [french("name")],
                "verbose_name": "région",
                "verbose_name_plural": "régions",
            },
        ),
        migrations.AlterModelOptions(
            name="sector",
            options={
                "ordering": [french("name")],
                "verbose_name": "filière",
                "verbose_name_plural": "filières",
            },
        ),
    ]
