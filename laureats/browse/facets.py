"""The list's facets and active filters, as the list page and the statistics page show them.

For each facet option, how many laureates ticking it would give under the other active filters
(one query for the facets not ticked, one more per facet ticked, whatever the number of
laureates); the options as checkboxes; and the active filters as removable chips. The rule of
what matches is the FilterSet's (`filters.py`).
"""

from urllib.parse import urlencode

from django.db import connection

from ..models import Laureate, Region
from ..models.facet_bits import MEMBER_KIND_BITS, REGION_BITS, sector_bit
from ..text.languages import in_page_language

SECTORS = Laureate.sectors.through._meta.db_table


def bit_set(column, bit):
    # Bits are small integers from models/facet_bits.py, never from a request: safe inline.
    return f"({column} & {1 << bit}) <> 0"


def contains(column, value):
    """`column` ("|11|84|") holds `value`: the rule for a value without a bit."""
    position = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
    return f"{position}({column}, %s) > 0", [f"|{value}|"]


def region_condition(code):
    """SQL true for the laureates `filters.has_region([code])` selects, from their row."""
    if code in REGION_BITS:
        return bit_set("region_bits", REGION_BITS[code]), []
    return contains("region_codes", code)


def option_condition(filterset, name, value):
    """SQL true for the laureates that ticking `value` of facet `name` selects, by the
    FilterSet's rule, read from the laureate's own row wherever it can be: (sql, params)."""
    sector_pk = filterset.choice_lists["sector_ids"][value] if name == "secteur" else None
    return value_condition(name, value, sector_pk)


def value_condition(name, value, sector_pk=None):
    """`option_condition` for one value, a sector given by its primary key: what the
    announced counts (announced.py) count with, outside any FilterSet."""
    if name == "secteur":
        if sector_bit(sector_pk) is not None:
            return bit_set("sector_bits", sector_bit(sector_pk)), []
        return f"id IN (SELECT laureate_id FROM {SECTORS} WHERE sector_id = %s)", [sector_pk]
    if name == "region":
        return region_condition(value)
    if name == "type_membre":
        if value in MEMBER_KIND_BITS:
            return bit_set("member_kind_bits", MEMBER_KIND_BITS[value]), []
        return contains("member_kinds", value)
    column = {"portee": "scope", "statut": "status"}[name]
    return f"{column} = %s", [value]


# What the conditions below read: all in the published rows' counts index.
COUNTED_COLUMNS = [
    "id",
    "scope",
    "status",
    "region_codes",
    "member_kinds",
    "region_bits",
    "member_kind_bits",
    "sector_bits",
]


def counted_rows(laureates):
    """The published rows of `laureates` (a queryset), as SQL selecting COUNTED_COLUMNS: a
    subquery that PostgreSQL and SQLite fold into the outer count, so that the filter is
    evaluated once, in one scan of the counts index (laureate_published_counts_idx)."""
    rows = laureates.filter(is_published=True).order_by().values(*COUNTED_COLUMNS)
    return rows.query.sql_with_params()


def count_published(laureates, conditions):
    """For each (sql, params) condition, how many of `laureates` published meet it.

    Written as SQL rather than forty `Count(filter=...)`: Django took ~9 ms to compile those,
    more than PostgreSQL took to count them at the real data's size."""
    rows_sql, rows_params = counted_rows(laureates)
    columns, params = [], []
    for sql, condition_params in conditions:
        columns.append(f"COUNT(*) FILTER (WHERE {sql})")
        params += condition_params
    query = f"SELECT {', '.join(columns)} FROM ({rows_sql}) AS laureate"
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, *rows_params])
        return cursor.fetchone()


def regions_with_involved_count(laureates):
    """(code, name, count) for every region: how many of `laureates` (published ones, a
    queryset) `has_region` selects there, the name in the page's language.

    One query: each region with a bit is counted in a single pass over the published rows'
    counts index; a region without one, if one is ever added, by a subquery of its own."""
    rows_sql, params = counted_rows(laureates)
    counts = ", ".join(
        f"COUNT(*) FILTER (WHERE {bit_set('region_bits', bit)}) AS r{bit}"
        for bit in REGION_BITS.values()
    )
    # The codes come from models/facet_bits.py, never from a request: safe to write inline.
    cases = " ".join(f"WHEN '{code}' THEN counted.r{bit}" for code, bit in REGION_BITS.items())
    position = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
    sql = f"""
        SELECT region.code, region.name, region.name_en, CASE region.code {cases} ELSE (
            SELECT COUNT(*) FROM ({rows_sql}) AS laureate
            WHERE {position}(laureate.region_codes, '|' || region.code || '|') > 0
        ) END
        FROM {Region._meta.db_table} AS region
        CROSS JOIN (SELECT {counts} FROM ({rows_sql}) AS laureate) AS counted
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params * 2)
        rows = cursor.fetchall()
    # Named in the page's language (laureats/text/languages.py).
    return [(code, in_page_language(name, english), n) for code, name, english, n in rows]


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
        options = [
            (name, value) for name in names for value, _label in filterset.form.fields[name].choices
        ]
        conditions = [option_condition(filterset, name, value) for name, value in options]
        if excluded is None:
            conditions.append(("1 = 1", []))
        result = count_published(filterset.queryset_without(excluded), conditions)
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
