"""The derived columns recomputed from the rows and compared with what is stored: rewritten
where they differ (`rebuild`), or only reported (`check`, which check_derived runs).

One code path for both, and for one row or all of them: 500 laureates at a time, five queries
a batch to read and compare them (their own row, their regions, sectors and members, and one
per SQL column), and writes only for the rows that differ; 500 organisations at a time, two
(their own row, and the SQL column); 500 resources at a time, two (their own row, and their
published laureates).
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import Exact

from .columns import COLUMNS
from .rows import SOURCES, Tables

# Within SQLite's 999 parameters a statement.
BATCH = 500


@dataclass
class Report:
    """{column key ("model.column"): the primary keys of the rows whose stored value
    differed}."""

    differing: dict = field(default_factory=dict)

    def add(self, column, pks):
        pks = set(pks)
        if pks:
            self.differing.setdefault(column.key, set()).update(pks)

    def rows(self, model_name):
        """The primary keys of the rows of `model_name` with at least one column differing."""
        return {
            pk
            for column in COLUMNS
            if column.model._meta.model_name == model_name
            for pk in self.differing.get(column.key, ())
        }

    def __bool__(self):
        return bool(self.differing)


def kept_here(column):
    return not column.vendor or column.vendor == connection.vendor


def batches(pks):
    pks = sorted(pks)
    for start in range(0, len(pks), BATCH):
        yield pks[start : start + BATCH]


def compare_values(tables, model, columns, pks, report, fix):
    """The Python `columns` of the rows `pks` of `model`; returns the pks of those that exist."""
    own_fields, gather = SOURCES[model._meta.model_name]
    names = [column.name for column in columns]
    read = [*own_fields, *names] if columns else []
    own = {row.pop("pk"): row for row in tables.rows(model).filter(pk__in=pks).values("pk", *read)}
    if not own or not columns:
        return list(own)
    expected, fields = {}, set()
    for pk, rows in gather(tables, own).items():
        values = {column.name: column.value(rows) for column in columns}
        wrong = [column for column in columns if own[pk][column.name] != values[column.name]]
        for column in wrong:
            report.add(column, [pk])
            fields.add(column.name)
        if wrong:
            expected[pk] = values
    if fix and expected:
        objects = [model(pk=pk, **values) for pk, values in expected.items()]
        tables.rows(model).bulk_update(objects, sorted(fields), batch_size=BATCH)
    return list(own)


def differs(column, model):
    """SQL true where the stored value is not its recomputation."""
    expression = column.expression(model)
    if column.name == "search_vector":
        # A vector's "=" is a full-text match in Django: compare the vectors' text.
        stored = Cast(column.name, TextField())
        return Q(search_vector__isnull=True) | ~Q(Exact(stored, Cast(expression, TextField())))
    return ~Q(Exact(F(column.name), expression))


def compare_expression(tables, column, pks, report, fix):
    """An SQL column of the rows `pks` (None: all of them): the rows that differ reported, or
    with `fix`, rewritten in one UPDATE."""
    model = getattr(tables, column.model._meta.object_name)
    rows = tables.rows(model)
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    wrong = rows.filter(differs(column, model))
    if fix:
        wrong.update(**{column.name: column.expression(model)})
    else:
        report.add(column, wrong.values_list("pk", flat=True))


def named(column, names):
    """Whether `names` (None: all) holds the column, by its name or by its key
    ("resource.search_text", where two models keep a column of the same name)."""
    return names is None or column.name in names or column.key in names


def compare(laureates=None, organisations=None, resources=None, fix=False, apps=None, names=None):
    """Recompute the derived columns of these laureates, organisations and resources (ids;
    None: every row) and compare them with what is stored; with `fix`, rewrite those that
    differ. `names` limits it to these columns (a migration that adds one). Returns a Report of
    the rows that differed (with `fix`, of the Python columns only: the SQL ones are rewritten
    in the same statement that finds them)."""
    tables = Tables(apps)
    report = Report()
    columns = [c for c in COLUMNS if kept_here(c) and named(c, names)]
    for model, pks in [
        (tables.Laureate, laureates),
        (tables.Organisation, organisations),
        (tables.Resource, resources),
    ]:
        # A migration older than the model has none of its rows.
        if model is not None:
            compare_rows(tables, model, columns, pks, report, fix)
    return report


def compare_rows(tables, model, columns, pks, report, fix):
    """`compare` for the rows `pks` of one model (None: all of them)."""
    own = [c for c in columns if c.model._meta.model_name == model._meta.model_name]
    values = [column for column in own if column.value]
    # After the values they are computed from (a vector from its document).
    expressions = [column for column in own if column.expression]
    if pks is None:
        # Every row: the SQL columns in one statement each, over the whole table.
        if values:
            for batch in batches(tables.rows(model).values_list("pk", flat=True)):
                compare_values(tables, model, values, batch, report, fix)
        for column in expressions:
            compare_expression(tables, column, None, report, fix)
        return
    for batch in batches(pks):
        # Deleted ones are not there to compare.
        existing = compare_values(tables, model, values, batch, report, fix)
        for column in expressions if existing else []:
            compare_expression(tables, column, existing, report, fix)


def rebuild(laureates=(), organisations=(), resources=(), apps=None, names=None):
    """Rewrite the derived columns of these rows (ids; None: all) that differ from their
    recomputation."""
    compare(laureates, organisations, resources, fix=True, apps=apps, names=names)


def check():
    """Every derived column of every row, recomputed and compared, nothing written: the
    Report of the rows that differ, which check_derived prints."""
    return compare(None, None, None)
