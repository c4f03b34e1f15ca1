from django.db import migrations

from laureats.text import normalize_text


def rebuild_search_text(apps, schema_editor):
    """Stored text written before ligatures were folded holds "cœur", which no query matches."""
    Laureate = apps.get_model("laureats", "Laureate")
    laureates = list(Laureate.objects.prefetch_related("memberships__organisation"))
    for laureate in laureates:
        # Same rule as Laureate.build_search_document(), frozen here as a migration must be.
        members = [membership.organisation.name for membership in laureate.memberships.all()]
        title = " ".join(part for part in [laureate.name, laureate.acronym] if part)
        rest = " ".join(
            part for part in [laureate.summary, laureate.description, *members] if part
        )
        laureate.search_document = normalize_text(f"{title}\n{rest}")
    Laureate.objects.bulk_update(laureates, ["search_document"], batch_size=500)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE laureats_laureate SET search_vector = "
            "setweight(to_tsvector('french'::regconfig, COALESCE(split_part(search_document, chr(10), 1), '')), 'A')"
            " || setweight(to_tsvector('french'::regconfig, COALESCE(search_document, '')), 'D')"
        )


class Migration(migrations.Migration):
    dependencies = [("laureats", "0005_laureate_search_vector")]

    # Going back keeps the folded text, which the previous code searches just as well.
    operations = [migrations.RunPython(rebuild_search_text, migrations.RunPython.noop)]
