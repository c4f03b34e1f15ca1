from django.db import migrations

INDEX_NAME = "laureate_search_fts_idx"


def create_index(apps, schema_editor):
    # The expression is exactly what LaureateFilter.search builds, so that PostgreSQL uses it.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON laureats_laureate USING gin "
        "(to_tsvector('french'::regconfig, COALESCE(search_document, '')))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    """French full-text index for the search, on PostgreSQL only (SQLite matches plain text)."""

    dependencies = [("laureats", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
