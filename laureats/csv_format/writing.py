"""Every CSV the portal writes: safe to open in a spreadsheet, and readable back by the import.

A cell that a spreadsheet would run as a formula gets a leading apostrophe (the OWASP rule),
which the import removes again; lines end with CRLF (RFC 4180), so that the csv module quotes
any cell holding a CR or an LF, a bare CR included.
"""

import csv

from .values import neutralise

LINE_END = "\r\n"


def safe_cells(cells):
    return [neutralise(cell) if isinstance(cell, str) else cell for cell in cells]


class SafeWriter:
    """csv.writer with every text cell neutralised; rows may be lists or dicts (`fieldnames`)."""

    def __init__(self, stream, fieldnames=None):
        self.writer = csv.writer(stream, lineterminator=LINE_END)
        self.fieldnames = fieldnames

    def writeheader(self):
        return self.writer.writerow(self.fieldnames)

    def writerow(self, row):
        if isinstance(row, dict):
            row = [row.get(name, "") for name in self.fieldnames]
        return self.writer.writerow(safe_cells(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
