from django.db import migrations, models

from laureats import derived

# Frozen copy of laureats.text.ordering.COLLATION: a migration must not follow later code.
COLLATION = "fr_natural"


def fill_facet_columns(apps, schema_editor):
    """The columns from the rows they summarise, computed by their owner (laureats/derived/)
    on this migration's models."""
    derived.rebuild(None, None, apps=apps, names={"region_codes", "member_kinds"})


# Both lists' order (by name in French order, then id) read from an index: a page without
# sorting every row. PostgreSQL only: SQLite's collation is a Python function, which an index
# would require of every connection that writes the table.
NAME_INDEXES = {
    "laureate_published_name_idx": ("laureats_laureate", 'WHERE "is_published"'),
    "organisation_name_idx": ("laureats_organisation", ""),
}


def create_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, condition) in NAME_INDEXES.items():
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'(("name" COLLATE "{COLLATION}"), "id") {condition}'
            )


def drop_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in NAME_INDEXES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    """What the facets count, on the laureate's row; and indexes on the published rows."""

    dependencies = [("laureats", "0009_organisation_aliases")]

    operations = [
        migrations.AddField(
            model_name="laureate",
            name="member_kinds",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="laureate",
            name="region_codes",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_facet_columns, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="laureate",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=[
                    "id",
                    "scope",
                    "status",
                    "region_codes",
                    "member_kinds",
                    "state_aid_kind",
                    "state_aid",
                    "total_cost",
                ],
                name="laureate_published_idx",
            ),
        ),
        migrations.RunPython(create_name_indexes, drop_name_indexes),
    ]
