from django.db import migrations, models

from laureats import derived


def fill_search_text(apps, schema_editor):
    """The text of the organisations already there, computed by its owner (laureats/derived/)
    on this migration's models."""
    derived.rebuild(None, None, apps=apps, names={"search_text"})


class Migration(migrations.Migration):
    """What /organisations/ searches, folded as the laureate search folds (text.py), kept on the
    organisation's row: a derived column of laureats/derived/."""

    dependencies = [("laureats", "0017_pendingimport")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        # Going back drops the column: nothing to undo.
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
