"""ODS tables measured as calamine reads them: rows and cells repeated by their
number-rows-repeated and number-columns-repeated (capped at a sheet's last row and column, as
calamine caps them), and the cells that hold a value, a string or a formula."""

from grid import EXCEL_COLUMNS, EXCEL_ROWS, Grid, Refused, cell_name, count, local

# The attributes that give a cell its value (office:value, office:string-value...).
VALUES = frozenset(["value", "string-value", "date-value", "time-value", "boolean-value"])


class OpenDocument:
    """expat's handlers for <table:table> and what it holds, wherever it is."""

    def __init__(self, sheet, limits, findings):
        self.sheet, self.limits, self.findings = sheet, limits, findings
        self.grid = self.cell = self.characters = None
        self.in_row = False
        self.row = self.column = 0
        self.starts = {
            "table": self.start_table,
            "table-row": self.start_row,
            "table-cell": self.start_cell,
            "covered-table-cell": self.start_cell,
            "s": self.start_spaces,
        }
        self.ends = {
            "table": self.end_table,
            "table-row": self.end_row,
            "table-cell": self.end_cell,
            "covered-table-cell": self.end_cell,
        }

    def text(self, data):
        if self.characters is not None:
            self.characters += len(data)

    def start_table(self, attributes):
        self.findings.sheets += 1
        if self.findings.sheets > self.limits.sheets:
            raise Refused("sheets", count=self.findings.sheets)
        self.sheet = local(attributes).get("name", self.sheet)
        self.grid = Grid(self.sheet, self.limits, self.findings)
        self.row = 0
        self.in_row = False

    def end_table(self):
        if self.grid:
            self.grid.close()
            self.grid = None

    def start_row(self, attributes):
        if not self.grid:
            return
        repeat = count(local(attributes).get("number-rows-repeated"))
        self.repeat = min(repeat, max(EXCEL_ROWS - self.row, 0))
        self.in_row = True
        self.column = 0
        self.first = self.last = None  # filled columns of this row
        self.row_text = 0

    def start_cell(self, attributes):
        if not (self.grid and self.in_row):
            return
        attributes = local(attributes)
        repeat = min(count(attributes.get("number-columns-repeated")), EXCEL_COLUMNS - self.column)
        has_value = not VALUES.isdisjoint(attributes) or attributes.get("value-type") == "string"
        has_formula = "formula" in attributes
        if has_formula and not has_value:
            self.findings.formula_without_value(self.sheet, self.row, self.column)
        self.cell = (self.column, repeat) if has_value or has_formula else None
        self.characters = len(attributes.get("string-value", ""))
        self.spaces = 0
        self.column += repeat

    def start_spaces(self, attributes):
        # <text:s text:c="2000000000"/>: two billion spaces in one cell
        if self.characters is None:
            return
        spaces = count(local(attributes).get("c"))
        self.spaces += spaces
        self.characters += spaces
        if self.spaces > self.limits.cell_chars:
            column = self.cell[0] if self.cell else self.column - 1
            raise Refused("long-cell", sheet=self.sheet, cell=cell_name(self.row, column))

    def end_cell(self):
        if self.cell:
            column, repeat = self.cell
            self.first = column if self.first is None else self.first
            self.last = column + repeat - 1
            # calamine copies the cell's text into each repeated column
            self.row_text += self.characters * repeat
        self.cell = self.characters = None

    def end_row(self):
        if not (self.grid and self.in_row):
            return
        if self.first is not None:
            # an empty row between two filled ones is expanded too; after the last, it is not
            repeat = max(self.repeat, 1)
            self.grid.fill(self.row, self.first, self.row + repeat - 1, self.last)
            self.grid.held += self.last + 1
            self.grid.text += self.row_text * repeat
            self.grid.check()
        self.row += self.repeat
        self.in_row = False
