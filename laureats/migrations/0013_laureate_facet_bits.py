from django.db import migrations, models

# Frozen copy of laureats/models/facet_bits.py, bit 0 first: a migration must not follow later
# code, and a stored bit must keep its meaning.
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


def bits(values, positions):
    return sum(1 << positions.index(value) for value in set(values) if value in positions)


def fill_bits(apps, schema_editor):
    """The bits from the text columns migration 0010 filled, and from the sectors."""
    Laureate = apps.get_model("laureats", "Laureate")
    sectors = {}
    for pk, sector in Laureate.sectors.through.objects.values_list("laureate_id", "sector_id"):
        if 0 < sector < SECTOR_BITS:
            sectors[pk] = sectors.get(pk, 0) | (1 << sector)
    laureates = [
        Laureate(
            pk=pk,
            region_bits=bits(regions.strip("|").split("|"), REGION_BITS),
            member_kind_bits=bits(kinds.strip("|").split("|"), MEMBER_KIND_BITS),
            sector_bits=sectors.get(pk, 0),
        )
        for pk, regions, kinds in Laureate.objects.values_list("pk", "region_codes", "member_kinds")
    ]
    Laureate.objects.bulk_update(
        laureates, ["region_bits", "member_kind_bits", "sector_bits"], batch_size=300
    )


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
