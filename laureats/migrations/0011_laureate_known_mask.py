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


def fill_columns(apps, schema_editor):
    """The mask from the rows, as LaureateQuerySet.refresh_completeness() builds it, and the
    lead's kind and the members' number, as refresh_involvement()."""
    Laureate = apps.get_model("laureats", "Laureate")
    Membership = apps.get_model("laureats", "Membership")
    Source = apps.get_model("laureats", "Source")
    leads = set(Membership.objects.filter(role="porteur").values_list("laureate_id", flat=True))
    partners = set(
        Membership.objects.filter(role="partenaire").values_list("laureate_id", flat=True)
    )
    lead_kinds, sizes = {}, {}
    for pk, role, kind in Membership.objects.values_list("laureate_id", "role", "organisation__kind"):
        sizes[pk] = sizes.get(pk, 0) + 1
        if role == "porteur":
            lead_kinds[pk] = kind
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
        laureates.append(
            Laureate(
                pk=pk,
                known_mask=mask,
                lead_kind=lead_kinds.get(pk, ""),
                consortium_size=sizes.get(pk, 0),
            )
        )
    Laureate.objects.bulk_update(
        laureates, ["known_mask", "lead_kind", "consortium_size"], batch_size=500
    )


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
