from django.db import migrations

import laureats.models.search_text
from laureats.text.folding import normalize_text


def fill_search_text(apps, schema_editor):
    """The text of the organisations already there; new writes fill it themselves."""
    Organisation = apps.get_model("laureats", "Organisation")
    organisations = list(Organisation.objects.only("name", "aliases", "city", "siren"))
    for organisation in organisations:
        # The rule of SearchTextField, frozen here as a migration must be.
        parts = [organisation.name, organisation.aliases, organisation.city, organisation.siren]
        organisation.search_text = normalize_text("\n".join(part for part in parts if part))
    Organisation.objects.bulk_update(organisations, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("laureats", "0017_pendingimport")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="search_text",
            field=laureats.models.search_text.SearchTextField(
                sources=["name", "aliases", "city", "siren"]
            ),
        ),
        # Going back drops the column: nothing to undo.
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
