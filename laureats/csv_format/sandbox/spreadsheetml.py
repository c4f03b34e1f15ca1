"""XLSX parts measured as calamine reads them: a sheet's cells (positions given by their `r`
or following the previous one, as calamine places them), and the shared strings."""

import functools
import re

from grid import EXCEL_COLUMNS, EXCEL_ROWS, Grid, Refused, count

# References as calamine reads them: column letters then row digits; a row's own number may
# carry letters, which calamine skips.
CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
ROW_REFERENCE = re.compile(r"[A-Za-z]{0,3}([0-9]{1,7})")


class SpreadsheetML:
    """expat's handlers for <sheetData> and <sst>, wherever they are."""

    def __init__(self, sheet, limits, findings, shared, holds_shared):
        self.sheet, self.limits, self.findings = sheet, limits, findings
        self.shared = shared  # lengths of the shared strings, by index
        self.holds_shared = holds_shared  # this part is the one calamine reads them from
        self.grid = self.cell = self.characters = self.index = None
        self.row = self.column = self.strings = 0
        self.in_strings = False
        self.starts = {
            "sheetData": self.start_sheet,
            "row": self.start_row,
            "c": self.start_cell,
            "v": self.start_value,
            "is": self.start_value,
            "f": self.start_formula,
            "sst": self.start_strings,
            "si": self.start_string,
        }
        self.ends = {
            "sheetData": self.end_sheet,
            "row": self.end_row,
            "c": self.end_cell,
            "v": self.end_value,
            "si": self.end_string,
            "sst": self.end_strings,
        }

    def text(self, data):
        if self.characters is not None:
            self.characters += len(data)
        if self.index is not None and len(self.index) < 20:
            self.index += data

    def start_sheet(self, attributes):
        self.grid = Grid(self.sheet, self.limits, self.findings)
        self.row = self.column = 0

    def end_sheet(self):
        if self.grid:
            self.grid.close()
            self.grid = None

    def start_row(self, attributes):
        if self.grid and "r" in attributes:
            match = ROW_REFERENCE.fullmatch(attributes["r"])
            if not match or not 1 <= int(match[1]) <= EXCEL_ROWS:
                raise Refused("reference", sheet=self.sheet, reference=attributes["r"][:40])
            self.row = int(match[1]) - 1

    def end_row(self):
        if self.grid:
            self.row += 1
            self.column = 0

    def start_cell(self, attributes):
        if not self.grid:
            return
        row = self.row
        if "r" in attributes:
            row, self.column = self.position(attributes["r"])
        self.cell = (row, self.column)
        self.has_value = self.has_formula = False
        self.points_to_shared = attributes.get("t") == "s"
        self.characters = 0

    def position(self, reference):
        match = CELL_REFERENCE.fullmatch(reference)
        if match:
            column = column_index(match[1])
            row = int(match[2])
            if 1 <= row <= EXCEL_ROWS and column < EXCEL_COLUMNS:
                return row - 1, column
        raise Refused("reference", sheet=self.sheet, reference=reference[:40])

    def start_value(self, attributes):
        if self.cell:
            self.has_value = True
            if self.points_to_shared:
                self.index = ""

    def end_value(self):
        if self.index is not None:
            index = count(self.index, default=None)
            if index is not None and index < len(self.shared):
                # calamine copies the shared string into every cell that uses it
                self.characters += self.shared[index]
            self.index = None

    def start_formula(self, attributes):
        if self.cell:
            self.has_formula = True

    def end_cell(self):
        if not self.cell:
            return
        row, column = self.cell
        if self.has_value:
            self.grid.fill(row, column, row, column)
            self.grid.text += self.characters
            self.grid.check()
        elif self.has_formula:
            self.findings.formula_without_value(self.sheet, row, column)
        self.column = column + 1
        self.cell = self.characters = None

    def start_strings(self, attributes):
        self.in_strings = True
        # calamine reserves room for uniqueCount strings before reading one
        for name in ("count", "uniqueCount"):
            declared = count(attributes.get(name), default=0)
            if declared > self.limits.shared_strings:
                raise Refused("shared-strings", count=declared)

    def start_string(self, attributes):
        if self.in_strings:
            self.strings += 1
            if self.strings > self.limits.shared_strings:
                raise Refused("shared-strings", count=self.strings)
            self.characters = 0

    def end_string(self):
        if self.in_strings and self.characters is not None:
            if self.holds_shared:
                self.shared.append(min(self.characters, self.limits.text + 1))
            self.characters = None

    def end_strings(self):
        self.in_strings = False


@functools.lru_cache(maxsize=EXCEL_COLUMNS)
def column_index(letters):
    """0 for "A", 16383 for "XFD" (and past it for the three letters beyond)."""
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return column - 1
