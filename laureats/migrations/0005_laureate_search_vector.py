import django.contrib.postgres.search
from django.db import migrations

OLD_INDEX = "laureate_search_fts_idx"
NEW_INDEX = "laureate_search_vector_idx"


def index_stored_vector(apps, schema_editor):
    """On PostgreSQL, search a stored vector instead of one computed on every query."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NEW_INDEX} ON laureats_laureate USING gin (search_vector)"
    )
    # The vectors are filled by their owner (laureats/derived/) in migration 0007, once the
    # members' names it orders can sort in French.


def back_to_expression_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEW_INDEX}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON laureats_laureate USING gin "
        "(to_tsvector('french'::regconfig, COALESCE(search_document, '')))"
    )


class Migration(migrations.Migration):
    dependencies = [("laureats", "0004_membership_lead_first")]

    operations = [
        migrations.AddField(
            model_name="laureate",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(index_stored_vector, back_to_expression_index),
    ]
