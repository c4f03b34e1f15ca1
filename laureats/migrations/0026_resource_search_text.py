from django.db import migrations

from laureats import derived


def fill_search_text(apps, schema_editor):
    """The resources' search text now names their published laureates: recomputed by its owner
    (laureats/derived/) on this migration's models."""
    derived.rebuild((), (), None, apps=apps, names={"resource.search_text"})


class Migration(migrations.Migration):
    """Resource.search_text becomes a derived column of laureats/derived/ (issue 26): the same
    text column, kept by the owner rather than by its own field class, and now also made of
    its laureates' names and acronyms."""

    dependencies = [("laureats", "0025_search_vector_inline")]

    operations = [
        # Going back leaves a text /ressources/ still finds: nothing to undo.
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
