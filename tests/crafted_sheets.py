"""Crafted spreadsheets of a few hundred bytes, built here from XML strings: each one made
python-calamine abort its process or take gigabytes (issue 22), or read a formula as an empty
cell. tests/test_import_crafted_sheets.py imports them; bench/import_bench.py measures them."""

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx(rows, *, sheet="Lauréats", shared_strings=None, sst_attributes=""):
    """A workbook of one sheet whose <sheetData> holds `rows` (XML), as Excel lays it out."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
            f'Type="{DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOCUMENT}"><sheets>'
            f'<sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
            f'Type="{DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/>'
            + (
                f'<Relationship Id="rId2" Type="{DOCUMENT}/sharedStrings" '
                'Target="sharedStrings.xml"/>'
                if shared_strings is not None
                else ""
            )
            + "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
        ),
    }
    if shared_strings is not None:
        items = "".join(f"<si><t>{escape(text)}</t></si>" for text in shared_strings)
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}" {sst_attributes}>{items}</sst>'
    return zipped(parts)


def text(reference, value):
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def row(number, *cells):
    return f'<row r="{number}">{"".join(cells)}</row>'


XLSX_HEADER = row(1, text("A1", "slug"), text("B1", "nom"), text("C1", "statut"))
XLSX_LAUREATE = row(
    2, text("A2", "projet-essai"), text("B2", "Projet d'essai"), text("C2", "retenu")
)

ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods(rows, *, sheet="Lauréats"):
    """A spreadsheet of one table whose rows are `rows` (XML), as LibreOffice lays it out."""
    return zipped(
        {
            "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": (
                f'<office:document-content {ODS_NAMESPACES} office:version="1.3">'
                f"<office:body><office:spreadsheet><table:table table:name={quoteattr(sheet)}>"
                f"{rows}</table:table></office:spreadsheet></office:body>"
                "</office:document-content>"
            ),
            "META-INF/manifest.xml": (
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
                'manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>'
            ),
        }
    )


def ods_text(value, columns=1):
    repeated = f' table:number-columns-repeated="{columns}"' if columns > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{repeated}>'
        f"<text:p>{escape(value)}</text:p></table:table-cell>"
    )


def ods_row(*cells, repeated=1):
    times = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-row{times}>{''.join(cells)}</table:table-row>"


ODS_HEADER = ods_row(ods_text("slug"), ods_text("nom"), ods_text("statut"))


def zipped(parts):
    """The archive, mimetype first and stored as ODF asks; the rest deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, method)
    return buffer.getvalue()


# The files of issue 22, item 1: what unguarded python-calamine 0.9 did with each.
HUGE = {
    # A dense grid from A1 to XFD1048576: 549 GB asked, SIGABRT.
    "cellule-XFD1048576.xlsx": lambda: xlsx(XLSX_HEADER + row(1048576, text("XFD1048576", "x"))),
    # Room reserved for four billion shared strings: 96 GB asked, SIGABRT.
    "chaines-4-milliards.xlsx": lambda: xlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        shared_strings=["slug"],
        sst_attributes='count="4000000000" uniqueCount="4000000000"',
    ),
    # A grid of 49 million cells: 1.9 GB and 11 s for one preview.
    "cellule-XFD3000.xlsx": lambda: xlsx(XLSX_HEADER + row(3000, text("XFD3000", "x"))),
    # Past the last row of any sheet: 117 GB asked, SIGABRT.
    "ligne-99999999999.xlsx": lambda: xlsx(XLSX_HEADER + f"<row>{text('A99999999999', 'x')}</row>"),
    # Past the last column: the reader spins for minutes.
    "colonne-AAAAAAA.xlsx": lambda: xlsx(XLSX_HEADER + f"<row>{text('AAAAAAA1', 'x')}</row>"),
    # One row of 4,000 cells repeated 4,990 times: 2.6 GB and 9 s, and the file was accepted.
    "repetitions-4000-colonnes.ods": lambda: ods(
        ODS_HEADER + ods_row(ods_text("x", columns=4000), repeated=4990)
    ),
    # The same with 16,000 columns: 10 GB and 46 s.
    "repetitions-16000-colonnes.ods": lambda: ods(
        ODS_HEADER + ods_row(ods_text("x", columns=16000), repeated=4990)
    ),
    # Two billion spaces in one cell (<text:s text:c=...>), built by the reader: 2 GB.
    "espaces-2-milliards.ods": lambda: ods(
        ODS_HEADER
        + ods_row(
            ods_text("projet-essai"),
            '<table:table-cell office:value-type="string">'
            '<text:p>a<text:s text:c="2000000000"/>b</text:p></table:table-cell>',
            ods_text("retenu"),
        )
    ),
    # A shared string of 100,000 characters in 100,000 cells: the reader copies it into
    # each, 10 GB.
    "texte-partage-repete.xlsx": lambda: xlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        + "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>1</v></c></row>' for n in range(2, 100_002)),
        shared_strings=["slug", "x" * 100_000],
    ),
}

# Issue 22, item 2: a formula with no stored value in the "acronyme" column (D2), which a
# program writes (openpyxl does) and calamine read as an empty cell.
FORMULA_WITHOUT_VALUE = {
    "formule-sans-valeur.xlsx": lambda: xlsx(
        row(1, text("A1", "slug"), text("B1", "nom"), text("C1", "statut"), text("D1", "acronyme"))
        + row(
            2,
            text("A2", "projet-essai"),
            text("B2", "Projet d'essai"),
            text("C2", "retenu"),
            '<c r="D2"><f>"PE"&amp;"1"</f></c>',
        )
    ),
    "formule-sans-valeur.ods": lambda: ods(
        ods_row(ods_text("slug"), ods_text("nom"), ods_text("statut"), ods_text("acronyme"))
        + ods_row(
            ods_text("projet-essai"),
            ods_text("Projet d'essai"),
            ods_text("retenu"),
            '<table:table-cell table:formula="of:=&quot;PE&quot;&amp;&quot;1&quot;"/>',
        )
    ),
}
