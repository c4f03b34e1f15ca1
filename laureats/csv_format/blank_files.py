"""The empty files an administrator fills in to import laureates or shared productions: the
header row the import reads, from the same column declarations (columns.py,
resource_columns.py), so that the model cannot drift from it.

The CSV is the one French Excel saves ("CSV UTF-8 (délimité par des points-virgules)"): a BOM,
";" between cells, CRLF line ends; one file per kind of row. The XLSX holds the laureates'
header on its first sheet and the productions' on the second (the import reads the one filled
in), and the description of each column after them.
"""

import csv
import io

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .columns import COLUMNS
from .resource_columns import RESOURCE_COLUMNS
from .writing import LINE_END

BOM = "\ufeff"


def blank_csv(columns=COLUMNS):
    """The model CSV's bytes: a header row and nothing else (of laureates, or of the columns
    given: RESOURCE_COLUMNS for the shared productions' file)."""
    out = io.StringIO()
    out.write(BOM)
    names = [column.name for column in columns]
    csv.writer(out, delimiter=";", lineterminator=LINE_END).writerow(names)
    return out.getvalue().encode("utf-8")


def blank_resources_csv():
    return blank_csv(RESOURCE_COLUMNS)


def blank_xlsx():
    """The model workbook's bytes: the laureates' header row on the sheet the import reads,
    the shared productions' on a sheet of their own (the import reads the one filled in), and
    the columns of each described on a sheet after them."""
    workbook = openpyxl.Workbook()
    header_sheet(workbook.active, _("Lauréats"), COLUMNS)
    header_sheet(workbook.create_sheet(), _("Productions partagées"), RESOURCE_COLUMNS)
    guide_sheet(workbook.create_sheet(), _("Colonnes"), COLUMNS, _("Pour créer un lauréat"))
    guide_sheet(
        workbook.create_sheet(),
        _("Colonnes des productions"),
        RESOURCE_COLUMNS,
        _("Pour créer une production"),
    )
    return saved(workbook)


def blank_resources_xlsx():
    """A workbook of the shared productions only: their header row and its guide."""
    workbook = openpyxl.Workbook()
    header_sheet(workbook.active, _("Productions partagées"), RESOURCE_COLUMNS)
    guide_sheet(workbook.create_sheet(), _("Colonnes"), RESOURCE_COLUMNS, _("Pour en créer une"))
    return saved(workbook)


def header_sheet(sheet, title, columns):
    sheet.title = title
    sheet.append([column.name for column in columns])
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.name) + 4)
    sheet.freeze_panes = "A2"


def guide_sheet(guide, title, columns, required_title):
    guide.title = title
    guide.append([_("Colonne"), _("Libellé accepté"), required_title, _("Contenu")])
    for column in columns:
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


def saved(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
