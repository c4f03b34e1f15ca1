"""Reading a table's header and rows into values, the same for both kinds of file (laureates,
shared productions): a subclass says which columns it knows, which column identifies a row,
and the wording that names its kind of row; the comparison with the database is its own."""

from django.utils.translation import gettext as _

from ..csv_format import ImportFailed, Problem
from ..csv_format.values import CellError, quote


class TablePlanner:
    # Set by each subclass: the model its rows write, its columns and how a header names one,
    # the column that identifies a row (its value is the object's slug), and what to prefetch
    # per column present in the file.
    model = None
    columns = ()
    identifier = "slug"
    prefetch = {}
    # The wording that differs by kind of file (lazy: translated when a problem is reported).
    # `missing_identifier` is None where the header itself says which kind the file is.
    missing_identifier = None
    header_help = None
    no_rows = None
    missing_for_creation = None

    def __init__(self, lookups):
        self.lookups = lookups
        self.problems = []

    @staticmethod
    def column_for_header(text):
        raise NotImplementedError

    def problem(self, row, column, message):
        self.problems.append(Problem(row, column, message))

    def raise_problems(self):
        if self.problems:
            raise ImportFailed(sorted(self.problems, key=lambda problem: problem.row))

    def read(self, table):
        """The rows read without a problem, as (row number, values, headers), and the existing
        objects they name, by slug, with the relations of the file's columns prefetched."""
        columns = self.read_header(table)
        records = self.read_rows(table, columns)
        if not records and not self.problems:
            self.problem(0, "", str(self.no_rows))
        # Rows with a bad cell are left out; the others still get their row checks, so that
        # one reading reports every problem of the file.
        columns_read = {column.name for column in columns.values()}
        existing = self.model.objects.filter(
            slug__in=[values[self.identifier] for _row, values, _headers in records]
        ).prefetch_related(*(self.prefetch[name] for name in columns_read if name in self.prefetch))
        return records, {obj.slug: obj for obj in existing}

    def read_header(self, table):
        """{index in the row: Column}; header problems say what separator and encoding were seen."""
        columns, seen = {}, {}
        for index, text in enumerate(table.header):
            if not text.strip():
                continue
            column = self.column_for_header(text)
            if column is None:
                self.problem(1, text, _("colonne inconnue."))
            elif column.name in seen:
                self.problem(
                    1,
                    text,
                    _("colonne en double (déjà « %(other)s »).") % {"other": seen[column.name]},
                )
            else:
                columns[index] = column
                seen[column.name] = text
        if self.missing_identifier and self.identifier not in seen:
            self.problem(1, self.identifier, str(self.missing_identifier))
        if self.problems:
            self.problem(
                1,
                "",
                str(self.header_help)
                % {
                    "header": quote(" | ".join(table.header)),
                    "format": table.describe(),
                    "columns": ", ".join(f"{c.name} ({c.label})" for c in self.columns),
                },
            )
            raise ImportFailed(self.problems)
        return columns

    def read_rows(self, table, columns):
        records, first_row = [], {}
        width = max(columns) + 1
        for number, cells in table.rows:
            if not any(cell.strip() for cell in cells):
                continue
            if any(cell.strip() for cell in cells[width:]) and len(cells) > len(table.header):
                self.problem(number, "", _("plus de valeurs que de colonnes dans l'en-tête."))
                continue
            values, headers = {}, {}
            for index, column in columns.items():
                raw = cells[index].strip() if index < len(cells) else ""
                headers[column.name] = table.header[index]
                try:
                    values[column.name] = column.read(raw, self.lookups)
                except CellError as error:
                    for message in error.args:
                        self.problem(number, table.header[index], message)
            slug = values.get(self.identifier)
            if slug in first_row:
                self.problem(
                    number,
                    headers[self.identifier],
                    _("%(value)s figure déjà ligne %(row)s.")
                    % {"value": quote(slug), "row": first_row[slug]},
                )
            elif slug:
                first_row[slug] = number
            if slug and len(values) == len(columns):
                records.append((number, values, headers))
        return records

    def check_required(self, number, values):
        """A row that creates its object has every column its creation needs."""
        for column in self.columns:
            if column.required and column.name not in values:
                self.problem(
                    number,
                    column.name,
                    str(self.missing_for_creation) % {"value": quote(values[self.identifier])},
                )
