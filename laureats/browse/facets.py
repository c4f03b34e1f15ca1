"""The list's facets and active filters, as the list page and the statistics page show them.

For each facet option, how many laureates ticking it would give under the other active filters
(one query for the facets not ticked, one more per facet ticked, whatever the number of
laureates); the options as checkboxes; and the active filters as removable chips. The rule of
what matches is the FilterSet's (`filters.py`).
"""

from urllib.parse import urlencode

from django.db import connection

from ..models import Region
from ..models.facet_bits import REGION_BITS
from ..text.languages import in_page_language
from .counting import count_published, counts_query


def regions_with_involved_count(laureates):
    """(code, name, count) for every region: how many of `laureates` (published ones, a
    queryset) the region filter selects there, the name in the page's language.

    One query: the regions' rows beside the counts of every region of the map; a region added
    since (without a bit, REGION_BITS) is counted by one query more."""
    counts_sql, params = counts_query(laureates, [("region", code) for code in REGION_BITS])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT region.code, region.name, region.name_en, counted.* "
            f"FROM {Region._meta.db_table} AS region CROSS JOIN ({counts_sql}) AS counted",
            params,
        )
        rows = cursor.fetchall()
    # The counts are the same on every row: read from the first.
    counts = dict(zip(REGION_BITS, rows[0][3:], strict=True)) if rows else {}
    added = [code for code, *_ in rows if code not in counts]
    if added:
        added_counts = count_published(laureates, [("region", code) for code in added])
        counts.update(zip(added, added_counts, strict=True))
    # Named in the page's language (laureats/text/languages.py).
    return [
        (code, in_page_language(name, english), counts[code]) for code, name, english, *_ in rows
    ]


class FacetCounts(dict):
    """{facet: {option: count}}, and `matching`: how many rows every active filter selects,
    counted along with the facets not ticked (None when every facet is ticked)."""

    matching = None


def facet_counts(filterset):
    """For every facet option of a FacetedFilterSet (laureates, resources), how many rows ticking
    it would give under the other active filters, by the filter's own rule. The facets not
    ticked all count under the same filters: one query for them all and for the number of
    results, the filter evaluated once; each ticked facet counts without its own filter, one
    query more.
    """
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    groups = {}
    for name in filterset.FACETS:
        groups.setdefault(name if data.get(name) else None, []).append(name)
    counts = FacetCounts()
    for excluded, names in groups.items():
        options = [
            (name, value) for name in names for value, _label in filterset.form.fields[name].choices
        ]
        every = [None] if excluded is None else []
        result = filterset.count_options(filterset.queryset_without(excluded), options + every)
        if excluded is None:
            counts.matching = result[-1]
        for name in names:
            counts[name] = {}
        for (name, value), count in zip(options, result[: len(options)], strict=True):
            counts[name][value] = count
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
