"""What reading a file gives: a Table of text rows, or ImportFailed with Problems; and the
limits every reader checks on the rows it gives, whatever the file's kind."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .codecs import MAX_CELL_CHARS

MAX_ROWS = 5000
MAX_COLUMNS = 50
SEPARATORS = {
    ",": gettext_lazy("virgule"),
    ";": gettext_lazy("point-virgule"),
    "\t": gettext_lazy("tabulation"),
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self):
        where = _("ligne %(row)s") % {"row": self.row} if self.row else _("fichier")
        if self.column:
            where += _(", colonne « %(column)s »") % {"column": self.column}
        return f"{where} : {self.message}"


class ImportFailed(Exception):
    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def refuse(message):
    raise ImportFailed([Problem(0, "", message)])


@dataclass
class Table:
    """A file's header and data rows, as text, with where they came from."""

    header: list
    rows: list = field(default_factory=list)  # (spreadsheet row number, [cell text])
    format: str = "csv"
    encoding: str = ""
    separator: str = ""

    def describe(self):
        """ "CSV, UTF-8, séparateur point-virgule", for messages and reports."""
        parts = [self.format.upper()]
        if self.encoding:
            parts.append(self.encoding)
        if self.separator:
            parts.append(
                _("séparateur %(name)s « %(sep)s »")
                % {"name": SEPARATORS[self.separator], "sep": self.separator.replace("\t", "\\t")}
            )
        return ", ".join(str(part) for part in parts)


def check_cells(number, cells):
    for cell in cells:
        if len(cell) > MAX_CELL_CHARS:
            raise ImportFailed(
                [
                    Problem(
                        number,
                        "",
                        _("une cellule dépasse %(max)s caractères.") % {"max": MAX_CELL_CHARS},
                    )
                ]
            )
        if "\x00" in cell:
            raise ImportFailed([Problem(number, "", _("une cellule contient un caractère nul."))])


def check_header_width(cells):
    if len(cells) > MAX_COLUMNS:
        refuse(
            _("%(count)s colonnes : %(max)s au plus.") % {"count": len(cells), "max": MAX_COLUMNS}
        )


def too_many_rows():
    return _("plus de %(max)s lignes de lauréats : découpez le fichier.") % {"max": MAX_ROWS}
