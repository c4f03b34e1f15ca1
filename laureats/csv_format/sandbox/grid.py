"""What the measure of a workbook (bounds.py) counts, and how it refuses: the limits, the running
totals, and one sheet's grid as calamine allocates it."""

import re
from dataclasses import dataclass, field

EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
COUNT = re.compile(r"[0-9]{1,18}")
# Formula cells kept per sheet for the message; the others are only counted.
KEPT_FORMULAS = 100


class Refused(Exception):
    """A reason the parent process words in French, with what its message names."""

    def __init__(self, reason, **details):
        super().__init__(reason, details)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class Limits:
    sheets: int
    cells: int  # the grids of all the sheets together
    text: int  # characters in those cells, each copy counted
    shared_strings: int
    cell_chars: int


@dataclass
class Findings:
    """The running totals, and what the reader needs once it has chosen its sheet."""

    formulas: dict = field(default_factory=dict)  # sheet name -> [(row, column)], 0-based
    formula_counts: dict = field(default_factory=dict)
    sheets: int = 0
    cells: int = 0
    text: int = 0

    def formula_without_value(self, sheet, row, column):
        self.formula_counts[sheet] = self.formula_counts.get(sheet, 0) + 1
        kept = self.formulas.setdefault(sheet, [])
        if len(kept) < KEPT_FORMULAS:
            kept.append((row, column))


class Grid:
    """One sheet as calamine allocates it: the rectangle from its first to its last filled
    cell, or (ODS) the cells it holds row by row before making that rectangle if more."""

    def __init__(self, sheet, limits, findings):
        self.sheet, self.limits, self.findings = sheet, limits, findings
        self.top = self.left = None
        self.bottom = self.right = 0
        self.area = self.held = self.text = 0

    def fill(self, top, left, bottom, right):
        if self.top is None:
            self.top, self.left, self.bottom, self.right = top, left, bottom, right
        elif (
            top >= self.top and left >= self.left and bottom <= self.bottom and right <= self.right
        ):
            return
        else:
            self.top, self.left = min(self.top, top), min(self.left, left)
            self.bottom, self.right = max(self.bottom, bottom), max(self.right, right)
        self.area = (self.bottom - self.top + 1) * (self.right - self.left + 1)

    def check(self):
        cells = self.findings.cells + max(self.area, self.held)
        if cells > self.limits.cells:
            raise Refused(
                "cells",
                sheet=self.sheet,
                first=cell_name(self.top or 0, self.left or 0),
                last=cell_name(self.bottom, self.right),
                cells=cells,
            )
        if self.findings.text + self.text > self.limits.text:
            raise Refused("text", sheet=self.sheet)

    def close(self):
        self.check()
        self.findings.cells += max(self.area, self.held)
        self.findings.text += self.text


def cell_name(row, column):
    """ "XFD1048576" for (1048575, 16383)."""
    letters, number = "", column + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def count(text, default=1):
    """A repeat or count attribute; an absurd one stays absurd (a long number is huge)."""
    if text is None:
        return default
    text = text.strip()
    if COUNT.fullmatch(text):
        return int(text)
    return 10**18 if text.isdigit() else default


def local(attributes):
    """Attributes by their local names: calamine matches ODS names with their usual prefix,
    this measure with any prefix, so that it sees at least what calamine sees."""
    return {name.rpartition(":")[2]: value for name, value in attributes.items()}
