"""The rows of every laureate CSV and XLSX export (the open data files and the admin's export
actions), read as plain values and written by each column's codec (csv_format), so that
export then import is lossless.

Reading the 10,000 laureates of the whole list as model instances took over a second (issue
16). Here each chunk of laureates is one list of `values_list` tuples, its relations four more
queries of tuples, and each column's cell comes from a function chosen once per export from
the column's codec. tests/test_exports_rows.py holds the cells to a fixed file.
"""

from collections import defaultdict
from itertools import islice

from django.db.models import F, Lookup

from ..csv_format import COLUMNS
from ..csv_format import codecs as c
from ..models import Laureate, Membership, Source

# Laureates whose related rows are read together: within SQLite's 999 parameters a query, and
# a few megabytes of tuples.
ROWS_CHUNK_SIZE = 900
# The relations a laureate row holds, in the order `related_values` returns them.
RELATIONS = ("sectors", "regions", "memberships", "sources")
# The laureate's own fields that the columns hold, read after its pk.
FIELDS = [column.field for column in COLUMNS if column.field not in RELATIONS]


def chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def laureate_rows(queryset, typed=False):
    """The laureates of `queryset`, in its order, as lists of cells in COLUMNS' order: text, as
    the CSV writes it, or with amounts and dates as numbers and dates (`typed`, for a
    spreadsheet), None where they are unknown."""
    makers = [cell_maker(column, typed) for column in COLUMNS]
    values = queryset.prefetch_related(None).values_list("pk", *FIELDS)
    for chunk in chunks(values.iterator(chunk_size=ROWS_CHUNK_SIZE), ROWS_CHUNK_SIZE):
        groups = related_values([laureate[0] for laureate in chunk])
        for laureate in chunk:
            pk = laureate[0]
            related = [group.get(pk, ()) for group in groups]
            yield [make(laureate, related) for make in makers]


class AmongIds(Lookup):
    """`field IN (ids)`, the ids a list of integers. On PostgreSQL one array parameter rather
    than one parameter each: for the 900 ids of a chunk, Django prepared 900 values and
    psycopg split a query of 900 placeholders too long for its cache, in each of the four
    queries of every chunk (~0.2 s of the 10,000 laureates' export)."""

    lookup_name = "among_ids"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*params, *self.rhs]

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        array_type = self.lhs.output_field.db_type(connection)
        return f"{lhs} = ANY(%s::{array_type}[])", [*params, list(self.rhs)]


def related_values(laureate_ids):
    """For each of RELATIONS, {laureate id: its rows as tuples}, in four queries."""
    sectors, regions, members, sources = (defaultdict(list) for _relation in RELATIONS)
    among = AmongIds(F("laureate_id"), laureate_ids)
    through = Laureate.sectors.through.objects.filter(among)
    for pk, slug in through.values_list("laureate_id", "sector__slug"):
        sectors[pk].append(slug)
    through = Laureate.regions.through.objects.filter(among)
    for pk, code in through.values_list("laureate_id", "region_id"):
        regions[pk].append(code)
    memberships = Membership.objects.filter(among).order_by()
    for row in memberships.values_list(
        "laureate_id", "role", "organisation__kind", "organisation__siren", "organisation__name"
    ):
        members[row[0]].append(row)
    rows = Source.objects.filter(among).order_by("laureate_id", "pk")
    for row in rows.values_list("laureate_id", "url", "title"):
        sources[row[0]].append(row)
    return sectors, regions, members, sources


# Cells -------------------------------------------------------------------------------------
# The relations' cells, from the rows read above, as their codec's `current` reads them.


def codes_cell(codec, codes):
    return codec.format(sorted(codes))


def members_cell(codec, rows):
    return codec.format(c.Member(role, kind, siren, name) for _pk, role, kind, siren, name in rows)


def sources_cell(codec, rows):
    # In the order of their pks.
    return codec.format((url, title) for _pk, url, title in rows)


RELATION_CELLS = {c.Codes: codes_cell, c.Members: members_cell, c.Sources: sources_cell}
# Codecs whose value a spreadsheet gets as it is stored: a number, a date, or None.
TYPED = (c.Amount, c.Date)


def cell_maker(column, typed):
    """The function (laureate values, related rows) -> the column's cell, chosen once."""
    kind = type(column.codec)
    if column.field in RELATIONS:
        index, cell, codec = RELATIONS.index(column.field), RELATION_CELLS[kind], column.codec
        return lambda laureate, related: cell(codec, related[index])
    index = 1 + FIELDS.index(column.field)
    if kind is c.AidKind:
        # An amount that is not known has no kind.
        amount = 1 + FIELDS.index("state_aid")
        return lambda laureate, related: "" if laureate[amount] is None else laureate[index]
    if kind.format is c.Codec.format or (typed and kind in TYPED):
        # Text, slugs, addresses, choices: the value as it is stored.
        return lambda laureate, related: laureate[index]
    format_value = column.codec.format
    return lambda laureate, related: format_value(laureate[index])
