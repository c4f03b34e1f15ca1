"""The list's facets and active filters, as the list page and the statistics page show them.

For each facet option, how many laureates ticking it would give under the other active filters
(one query a facet, whatever the number of laureates); the options as checkboxes; and the active
filters as removable chips. The rule of what matches is the FilterSet's (`filters.py`).
"""

from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count

from .models import Laureate, Membership, Organisation, Region


def count_by_sector(laureates):
    return (
        Laureate.sectors.through.objects.filter(laureate_id__in=laureates)
        .values_list("sector__slug")
        .annotate(n=Count("laureate_id", distinct=True))
    )


def regions_with_involved_count(laureates):
    """(code, name, count) for every region: how many of `laureates` `has_region` selects there.

    The two ways of being involved live in two tables, so their (laureate, region) pairs are
    united first and counted once, in one query: a correlated count per region took seconds
    with 10,000 laureates. `laureates` is a queryset of primary keys (`.values("pk")`).
    """
    laureate_sql, params = laureates.query.sql_with_params()
    covered = Laureate.regions.through._meta.db_table
    membership = Membership._meta.db_table
    organisation = Organisation._meta.db_table
    region = Region._meta.db_table
    sql = f"""
        SELECT region.code, region.name, COUNT(DISTINCT pairs.laureate_id)
        FROM {region} AS region
        LEFT JOIN (
            SELECT laureate_id, region_id FROM {covered}
            WHERE laureate_id IN ({laureate_sql})
            UNION
            SELECT membership.laureate_id, organisation.region_id
            FROM {membership} AS membership
            JOIN {organisation} AS organisation ON organisation.id = membership.organisation_id
            WHERE organisation.region_id IS NOT NULL AND membership.laureate_id IN ({laureate_sql})
        ) AS pairs ON pairs.region_id = region.code
        GROUP BY region.code, region.name
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        return cursor.fetchall()


def count_by_region(laureates):
    return [(code, count) for code, _name, count in regions_with_involved_count(laureates)]


def count_by_field(field):
    def counter(laureates):
        return (
            Laureate.objects.filter(pk__in=laureates)
            .order_by()
            .values_list(field)
            .annotate(n=Count("pk"))
        )

    return counter


def count_by_member_kind(laureates):
    return (
        Membership.objects.filter(laureate_id__in=laureates)
        .order_by()
        .values_list("organisation__kind")
        .annotate(n=Count("laureate_id", distinct=True))
    )


FACET_COUNTERS = {
    "secteur": count_by_sector,
    "portee": count_by_field("scope"),
    "region": count_by_region,
    "statut": count_by_field("status"),
    "type_membre": count_by_member_kind,
}


def facet_counts(filterset):
    """For every facet option, how many laureates ticking it would give (one query a facet)."""
    counts = {}
    for name in filterset.FACETS:
        base = filterset.queryset_without(name).values("pk")
        counts[name] = dict(FACET_COUNTERS[name](base))
    return counts


def active_params(filterset):
    """The valid active filters as (name, value) pairs, without the sort: to carry over into
    links, and as chips."""
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    params = []
    for name in filterset.filters:
        value = data.get(name)
        if name == "tri" or not value:
            continue
        params += [(name, item) for item in value] if isinstance(value, list) else [(name, value)]
    return params


# Facets with more options than this (regions, member kinds) start folded unless one is ticked.
FACET_OPEN_MAX_OPTIONS = 8


def facet_options(filterset, counts=None, id_prefix="id"):
    """Every facet with its options. With `counts` (from `facet_counts`), each option says how
    many laureates it would give, and short facets start open; without, only ticked ones do."""
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    result = []
    for name in filterset.FACETS:
        field = filterset.form.fields[name]
        chosen = set(data.get(name) or [])
        options = [
            {
                "value": value,
                "label": label,
                "count": counts[name].get(value, 0) if counts is not None else None,
                "checked": value in chosen,
                "id": f"{id_prefix}_{name}_{index}",
            }
            for index, (value, label) in enumerate(field.choices)
        ]
        short = counts is not None and len(options) <= FACET_OPEN_MAX_OPTIONS
        # Options that would give no result fold under "autres (n)", unless ticked: on a phone
        # a column of "(0)" pushed the results a screen down.
        folded = [
            option
            for option in options
            if counts is not None and not option["count"] and not option["checked"]
        ]
        result.append(
            {
                "name": name,
                "label": field.label,
                "options": options,
                "shown_options": [option for option in options if option not in folded],
                "folded_options": folded,
                "checked_count": len(chosen),
                "open": bool(chosen) or short,
            }
        )
    return result


def facets(filterset):
    """The list's facets, each option counted under the other active filters."""
    return facet_options(filterset, facet_counts(filterset))


def active_chips(filterset):
    """The active filters as removable chips: each with the URL that drops just that value."""
    params = active_params(filterset)
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    chips = []
    for name, value in params:
        field = filterset.form.fields[name]
        choices = dict(list(getattr(field, "choices", [])))
        remaining = [(key, val) for key, val in params if (key, val) != (name, value)]
        if data.get("tri"):
            remaining.append(("tri", data["tri"]))
        chips.append(
            {
                "label": field.label,
                "value": choices.get(value, value),
                "url": "?" + urlencode(remaining) if remaining else "?",
            }
        )
    return chips
