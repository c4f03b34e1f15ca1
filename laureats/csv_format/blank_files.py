"""The empty files an administrator fills in to import laureates: the header row the import
reads, from the same column declarations (columns.py), so that the model cannot drift from it.

The CSV is the one French Excel saves ("CSV UTF-8 (délimité par des points-virgules)"): a BOM,
";" between cells, CRLF line ends. The XLSX holds the same header on its first sheet, which the
import reads, and the description of each column on a second one.
"""

import csv
import io

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .columns import COLUMN_NAMES, COLUMNS
from .writing import LINE_END

BOM = "\ufeff"


def blank_csv():
    """The model CSV's bytes: a header row and nothing else."""
    out = io.StringIO()
    out.write(BOM)
    csv.writer(out, delimiter=";", lineterminator=LINE_END).writerow(COLUMN_NAMES)
    return out.getvalue().encode("utf-8")


def blank_xlsx():
    """The model workbook's bytes: the header row on the sheet the import reads, and the
    columns described on a second sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Lauréats")
    sheet.append(COLUMN_NAMES)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.name) + 4)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Colonnes"))
    guide.append([_("Colonne"), _("Libellé accepté"), _("Pour créer un lauréat"), _("Contenu")])
    for column in COLUMNS:
        guide.append(
            [
                column.name,
                column.french_label,
                _("obligatoire") if column.required else _("facultatif"),
                str(column.description),
            ]
        )
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (18, 30, 20, 90), strict=True):
        guide.column_dimensions[letter].width = width
    for (cell,) in guide.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
