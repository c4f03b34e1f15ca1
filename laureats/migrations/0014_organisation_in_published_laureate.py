from django.db import migrations, models
from django.db.models import Q

from laureats import derived


def fill_flag(apps, schema_editor):
    """The flag, computed by its owner (laureats/derived/) on this migration's models."""
    derived.rebuild(None, None, apps=apps, names={"in_published_laureate"})


class Migration(migrations.Migration):
    """Whether an organisation is a member of a published laureate, kept on its row: the
    statistics, the home page and the organisation list read it instead of a semi-join over
    every membership."""

    dependencies = [("laureats", "0013_laureate_facet_bits")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="in_published_laureate",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(fill_flag, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                condition=Q(in_published_laureate=True),
                fields=["kind"],
                name="organisation_public_kind_idx",
            ),
        ),
    ]
