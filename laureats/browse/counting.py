"""How many laureates each value of a facet selects, by the filters' own rule (FACET_RULES in
`rules.py`), counted in one query.

Each rule is a Q. Django took about 0.6 ms to compile each `Count(filter=Q)` (25 ms for the
forty options of the list page, forty times what the database took to count them), so each
value's condition is compiled to SQL once per process, from that Q, and the counts are one
SELECT of `COUNT(*) FILTER (WHERE ...)` over the published rows.
"""

from functools import lru_cache

from django.db import connection

from ..models import Laureate
from .rules import FACET_RULES

# What the rules read: all in the published rows' counts index (laureate_published_counts_idx),
# so that the counts read the index alone.
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

EVERY_LAUREATE = None


@lru_cache(maxsize=4096)
def compiled_condition(name, value, vendor):
    """(sql, params) true for the laureates that `value` of facet `name` selects: the Q of
    FACET_RULES compiled against the laureates' table. The rule of a value never changes
    while the process runs, so neither does its SQL."""
    query = Laureate.objects.filter(FACET_RULES[name]([value])).query
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, tuple(params)


def counted_rows(laureates):
    """The published rows of `laureates` (a queryset), as SQL selecting COUNTED_COLUMNS: a
    subquery that PostgreSQL and SQLite fold into the outer count, so that the filter is
    evaluated once, in one scan of the counts index."""
    rows = laureates.filter(is_published=True).order_by().values(*COUNTED_COLUMNS)
    return rows.query.sql_with_params()


def counts_query(laureates, conditions):
    """The SELECT (sql, params) of one row: for each condition, how many of `laureates` (a
    queryset) published meet it. A condition is a (facet, value) pair, or EVERY_LAUREATE."""
    rows_sql, rows_params = counted_rows(laureates)
    columns, params = [], []
    for index, condition in enumerate(conditions):
        if condition is EVERY_LAUREATE:
            columns.append(f"COUNT(*) AS c{index}")
            continue
        sql, condition_params = compiled_condition(*condition, connection.vendor)
        columns.append(f"COUNT(*) FILTER (WHERE {sql}) AS c{index}")
        params += condition_params
    # Aliased as the table itself, which the compiled conditions name their columns by.
    table = connection.ops.quote_name(Laureate._meta.db_table)
    return f"SELECT {', '.join(columns)} FROM ({rows_sql}) AS {table}", [*params, *rows_params]


def count_published(laureates, conditions):
    """For each condition, how many of `laureates` published meet it (`counts_query`)."""
    with connection.cursor() as cursor:
        cursor.execute(*counts_query(laureates, conditions))
        return cursor.fetchone()
