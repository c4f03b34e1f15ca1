from django.db import migrations, models

# Frozen copy of the facts of laureats/models/completeness.py, in their order (bit 0 first):
# a migration must not follow later code.
FACTS = [
    "name",
    "lead",
    "partner",
    "sectors",
    "scope",
    "regions",
    "amounts",
    "dates",
    "description",
    "source",
]


def fill_known_mask(apps, schema_editor):
    """The mask from the rows, as LaureateQuerySet.refresh_completeness() builds it."""
    Laureate = apps.get_model("laureats", "Laureate")
    Membership = apps.get_model("laureats", "Membership")
    Source = apps.get_model("laureats", "Source")
    leads = set(Membership.objects.filter(role="porteur").values_list("laureate_id", flat=True))
    partners = set(
        Membership.objects.filter(role="partenaire").values_list("laureate_id", flat=True)
    )
    with_sectors = set(Laureate.sectors.through.objects.values_list("laureate_id", flat=True))
    with_regions = set(Laureate.regions.through.objects.values_list("laureate_id", flat=True))
    with_sources = set(Source.objects.values_list("laureate_id", flat=True))
    rows = Laureate.objects.values_list(
        "pk", "name", "scope", "total_cost", "state_aid", "start_date", "end_date", "description"
    )
    laureates = []
    for pk, name, scope, cost, aid, start, end, description in rows:
        known = {
            "name": bool(name),
            "lead": pk in leads,
            "partner": pk in partners,
            "sectors": pk in with_sectors,
            "scope": bool(scope),
            "regions": scope == "nationale" or pk in with_regions,
            "amounts": cost is not None and aid is not None,
            "dates": start is not None and end is not None,
            "description": bool(description),
            "source": pk in with_sources,
        }
        mask = sum(1 << index for index, key in enumerate(FACTS) if known[key])
        laureates.append(Laureate(pk=pk, known_mask=mask))
    Laureate.objects.bulk_update(laureates, ["known_mask"], batch_size=500)


class Migration(migrations.Migration):
    """Completeness kept on the laureate's row, and read with the facets' columns."""

    dependencies = [("laureats", "0010_laureate_facet_columns")]

    operations = [
        migrations.AddField(
            model_name="laureate",
            name="known_mask",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill_known_mask, migrations.RunPython.noop),
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
                ],
                name="laureate_published_counts_idx",
            ),
        ),
    ]
