from django.db import migrations, models

from laureats import derived


def fill_columns(apps, schema_editor):
    """The completeness mask, the lead's kind and the members' number, computed by their owner
    (laureats/derived/) on this migration's models."""
    derived.rebuild(None, None, apps=apps, names={"known_mask", "lead_kind", "consortium_size"})


class Migration(migrations.Migration):
    """Completeness, the lead's kind and the consortium's size kept on the laureate's row, and
    read with the facets' columns."""

    dependencies = [("laureats", "0010_laureate_facet_columns")]

    operations = [
        migrations.AddField(
            model_name="laureate",
            name="known_mask",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="laureate",
            name="lead_kind",
            field=models.CharField(blank=True, default="", editable=False, max_length=30),
        ),
        migrations.AddField(
            model_name="laureate",
            name="consortium_size",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill_columns, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="laureate", name="laureate_published_idx"),
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
                    "known_mask",
                    "lead_kind",
                    "consortium_size",
                ],
                name="laureate_published_counts_idx",
            ),
        ),
    ]
