"""A fingerprint of everything a plan depends on, read in one statement.

A confirmed plan is applied as it is only if this has not moved since the preview: every write
adds a history row or a primary key, and every change of a laureate, an organisation or a
resource a version. One SELECT of scalar subqueries rather than a query per table, so that the
preview and the confirmation cost the same whatever tables the import reads.
"""

from django.db import connection

from ..models import Laureate, Membership, Organisation, Region, Resource, ResourceSource, Sector
from ..models import Source as LaureateSource

MODELS = [
    Laureate,
    Organisation,
    Membership,
    LaureateSource,
    Sector,
    Region,
    Resource,
    ResourceSource,
]
VERSIONED = {Laureate, Organisation, Resource}
THROUGH = [
    Laureate.sectors.through,
    Laureate.regions.through,
    Resource.laureates.through,
    Resource.sectors.through,
]


def totals(model, *, history=True):
    """The subqueries of one table: its rows, its last key, its versions, its last history."""
    name = connection.ops.quote_name
    table, pk = name(model._meta.db_table), name(model._meta.pk.column)
    parts = [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX({pk}) FROM {table})"]
    if model in VERSIONED:
        parts.append(f"(SELECT SUM({name('version')}) FROM {table})")
    if history:
        entries = name(model.history.model._meta.db_table)
        parts.append(f"(SELECT MAX({name('history_id')}) FROM {entries})")
    return parts


def database_state():
    parts = [part for model in MODELS for part in totals(model)]
    parts += [part for through in THROUGH for part in totals(through, history=False)]
    with connection.cursor() as cursor:
        # Table and column names from the models, quoted: no value of anyone's in it.
        cursor.execute("SELECT " + ", ".join(parts))
        return str(cursor.fetchone())
