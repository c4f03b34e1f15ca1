from django.db import migrations, models
from django.db.models.functions import Collate

from laureats import derived

# Frozen copy of laureats.text.ordering.COLLATION and ICU_LOCALE.
COLLATION = "fr_natural"
ICU_LOCALE = "fr-u-kn-true"


def french(field):
    # Frozen copy of laureats.text.ordering.french(): a migration must not follow later code.
    return Collate(models.F(field), COLLATION)


# Written out rather than django.contrib.postgres's CreateCollation, whose reverse runs (and
# fails) on SQLite too.
def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE COLLATION IF NOT EXISTS "{COLLATION}" '
            f"(provider = icu, locale = '{ICU_LOCALE}')"
        )


def rebuild_search_text(apps, schema_editor):
    """The search text names a laureate's members in their order, French from now on (and
    folds ligatures, since migration 0006): rebuilt by its owner (laureats/derived/) on this
    migration's models."""
    derived.rebuild(None, None, apps=apps, names={"search_document", "search_vector"})


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP COLLATION IF EXISTS "{COLLATION}"')


class Migration(migrations.Migration):
    """Names in French reading order: case, accents and ligatures set aside, numbers by value.

    On PostgreSQL an ICU collation (a no-op on SQLite, where laureats/text/ordering.py registers a
    Python collation of the same name on every connection).
    """

    dependencies = [("laureats", "0006_laureate_search_text_folds_ligatures")]

    operations = [
        migrations.RunPython(create_collation, drop_collation),
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
        # Going back keeps the text, which the previous code searches just as well.
        migrations.RunPython(rebuild_search_text, migrations.RunPython.noop),
    ]
