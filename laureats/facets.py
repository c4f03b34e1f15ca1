"""The list's facets and active filters, as the list page and the statistics page show them.

For each facet option, how many laureates ticking it would give under the other active filters
(one query for the facets not ticked, one more per facet ticked, whatever the number of
laureates); the options as checkboxes; and the active filters as removable chips. The rule of
what matches is the FilterSet's (`filters.py`).
"""

from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, Q, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

from .models import Laureate, Region
from .region_map import load_region_map


def regions_with_involved_count(laureates):
    """(code, name, count) for every region: how many of `laureates` (published ones, as a
    queryset of primary keys, `.values("pk")`) `has_region` selects there.

    Read from `Laureate.region_codes`, which holds that rule's answer for each laureate, in one
    pass over the published rows' index that counts every region of the map at once, each with
    its own constant pattern. Joining the regions to the laureates (and building "|code|" for
    each pair) took twice as long: 38 ms against 17 at 10,000 laureates. A region missing from
    the map, if one is ever added, is counted by a subquery of its own. Ordering is dropped: a
    sort of every match by name inside the subquery cost more than the count itself.
    """
    laureate_sql, params = laureates.order_by().query.sql_with_params()
    position = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
    codes = [region["code"] for region in load_region_map()["regions"]]
    # The codes come from the committed map, never from a request: safe to write inline.
    counts = ", ".join(
        f"COALESCE(SUM(CASE WHEN {position}(region_codes, '|{code}|') > 0 THEN 1 END), 0)"
        f" AS r{index}"
        for index, code in enumerate(codes)
    )
    cases = " ".join(f"WHEN '{code}' THEN counted.r{index}" for index, code in enumerate(codes))
    matching = (
        f"SELECT region_codes FROM {Laureate._meta.db_table} WHERE is_published AND id IN "
        f"({laureate_sql})"
    )
    sql = f"""
        SELECT region.code, region.name, CASE region.code {cases} ELSE (
            SELECT COUNT(*) FROM ({matching}) AS laureate
            WHERE {position}(laureate.region_codes, '|' || region.code || '|') > 0
        ) END
        FROM {Region._meta.db_table} AS region
        CROSS JOIN (SELECT {counts} FROM ({matching}) AS laureate) AS counted
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params * 2)
        return cursor.fetchall()


def option_counts(name, values):
    """One aggregate per option of facet `name`: the laureates that ticking it would select,
    by the FilterSet's rule, read from the laureate's own row wherever it can be."""
    if name == "secteur":
        through = Laureate.sectors.through.objects
        return [
            Q(pk__in=through.filter(sector__slug=value).values("laureate_id")) for value in values
        ]
    if name in ("region", "type_membre"):
        # `region_codes` holds `filters.involved_in_region`'s answer for every region,
        # `member_kinds` `filters.has_member_kind`'s. STRPOS rather than LIKE "%…%", which
        # PostgreSQL runs eight times slower.
        column = "region_codes" if name == "region" else "member_kinds"
        return [GreaterThan(StrIndex(column, Value(f"|{value}|")), 0) for value in values]
    field = {"portee": "scope", "statut": "status"}[name]
    return [Q(**{field: value}) for value in values]


class FacetCounts(dict):
    """{facet: {option: count}}, and `matching`: how many laureates every active filter
    selects, counted along with the facets not ticked (None when every facet is ticked)."""

    matching = None


def facet_counts(filterset):
    """For every facet option, how many laureates ticking it would give under the other active
    filters. The facets not ticked all count under the same filters: one query for them all
    and for the number of results, the filter evaluated once; each ticked facet counts without
    its own filter, one query more.
    """
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    groups = {}
    for name in filterset.FACETS:
        groups.setdefault(name if data.get(name) else None, []).append(name)
    counts = FacetCounts()
    for excluded, names in groups.items():
        # Ordering means nothing to a count, and sorting every match by name is costly.
        base = filterset.queryset_without(excluded).order_by().values("pk")
        options = {
            name: [value for value, _label in filterset.form.fields[name].choices] for name in names
        }
        aggregates = {
            f"{name}_{index}": Count("pk", filter=condition)
            for name in names
            for index, condition in enumerate(option_counts(name, options[name]))
        }
        if excluded is None:
            aggregates["matching"] = Count("pk")
        # Published: so that the partial index laureate_published_counts_idx covers the outer scan.
        result = Laureate.objects.published().filter(pk__in=base).aggregate(**aggregates)
        counts.matching = result.get("matching", counts.matching)
        for name in names:
            counts[name] = {
                value: result[f"{name}_{index}"] for index, value in enumerate(options[name])
            }
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


def facets(filterset, counts=None):
    """The list's facets, each option counted under the other active filters."""
    return facet_options(filterset, counts if counts is not None else facet_counts(filterset))


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
