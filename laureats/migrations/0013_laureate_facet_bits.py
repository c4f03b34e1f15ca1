from django.db import migrations, models

from laureats import derived

# The meaning of the bits when they were first stored, bit 0 first: a stored bit must keep it,
# and tests/test_facet_bits.py checks that models/facet_bits.py only ever appends to it.
REGION_BITS = "01 02 03 04 06 11 24 27 28 32 44 52 53 75 76 84 93 94".split()
MEMBER_KIND_BITS = [
    "cfa",
    "organisme-public",
    "organisme-prive",
    "organisme-consulaire",
    "universite-ecole",
    "entreprise",
    "branche-opco",
    "emploi-insertion",
    "laboratoire",
    "acteur-public",
    "association",
    "autre",
]
SECTOR_BITS = 63


def fill_bits(apps, schema_editor):
    """The bits, computed by their owner (laureats/derived/) on this migration's models."""
    derived.rebuild(None, None, apps=apps, names={"region_bits", "member_kind_bits", "sector_bits"})


class Migration(migrations.Migration):
    """Regions, member kinds and sectors as bits on the laureate's row, read by the counts'
    index."""

    dependencies = [("laureats", "0012_history_date_indexes_for_the_change_log")]

    operations = [
        migrations.AddField(
            model_name="laureate",
            name="region_bits",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="laureate",
            name="member_kind_bits",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="laureate",
            name="sector_bits",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill_bits, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="laureate", name="laureate_published_counts_idx"),
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
                    "region_bits",
                    "member_kind_bits",
                    "sector_bits",
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
