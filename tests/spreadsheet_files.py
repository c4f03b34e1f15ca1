"""Files as French Excel and LibreOffice save them, built from rows of cells (text, numbers,
dates): the import tests of the laureates and of the productions write their files with these."""

import datetime
import io
import zipfile
from xml.sax.saxutils import escape

import openpyxl

ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def csv_text(rows, separator=";"):
    """Rows of text as Excel writes them: quoted only where needed, CRLF line ends."""

    def cell(value):
        return f'"{value}"' if separator in value or '"' in value else value

    return "\r\n".join(separator.join(cell(value) for value in row) for row in rows) + "\r\n"


def xlsx_file(sheets):
    """A workbook of (title, rows) sheets, as Excel saves it."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    saved = io.BytesIO()
    workbook.save(saved)
    return saved.getvalue()


def ods_cell(value):
    if isinstance(value, datetime.datetime):
        day = value.date().isoformat()
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{day}">'
            f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if not value:
        return "<table:table-cell/>"
    return (
        '<table:table-cell office:value-type="string">'
        f"<text:p>{escape(value)}</text:p></table:table-cell>"
    )


def ods_file(title, rows):
    """The smallest ODS that LibreOffice writes the same way: mimetype first and stored."""
    table = "".join(
        "<table:table-row>" + "".join(ods_cell(value) for value in row) + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(title)}">'
        f"{table}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST, zipfile.ZIP_DEFLATED)
    return saved.getvalue()
