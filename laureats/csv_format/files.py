"""Files as administrators have them, read into rows of text, within limits checked first.

CSV (comma, semicolon or tab, detected; UTF-8 with or without BOM, UTF-16 with BOM, or
Windows-1252, detected and said), XLSX, XLS and ODS (read by spreadsheets.py). Row numbers are
the spreadsheet's: the header is row 1, whatever line breaks the cells hold.
"""

import csv
import io
import re
import zipfile

from django.utils.translation import gettext as _

from .codecs import MAX_CELL_CHARS
from .spreadsheets import read_spreadsheet
from .tables import (
    MAX_ROWS,
    SEPARATORS,
    ImportFailed,
    Problem,
    Table,
    check_cells,
    check_header_width,
    refuse,
    too_many_rows,
)
from .values import restore

MAX_BYTES = 5 * 1024 * 1024
# What a spreadsheet may unzip to: a legitimate 5,000-row workbook is a few MB; a zip bomb is
# refused by this count before any XML is parsed.
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024
# Excel's separator hint, a first line "sep=;": Excel reads it and does not show it as a row.
SEPARATOR_HINT = re.compile(r"^sep=([,;\t])\r?\n")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def read_file(name, data):
    """The Table of an uploaded or given file; ImportFailed with a clear message otherwise."""
    if not data:
        refuse(_("le fichier est vide."))
    if len(data) > MAX_BYTES:
        refuse(
            _("le fichier pèse %(size)s Mo : 5 Mo au plus.") % {"size": round(len(data) / 2**20, 1)}
        )
    if data.startswith(ZIP_MAGIC):
        check_unzipped_size(data)
        return read_spreadsheet(data, "ods" if name.lower().endswith(".ods") else "xlsx")
    if data.startswith(OLE_MAGIC):
        return read_spreadsheet(data, "xls")
    if name.lower().endswith((".xlsx", ".ods", ".xls")):
        refuse(_("ce fichier n'est pas un classeur XLSX, XLS ou ODS lisible."))
    return read_csv(data)


def check_unzipped_size(data):
    """Refuses an archive that unzips past MAX_UNZIPPED_BYTES, reading it in small pieces.

    The declared sizes are checked first; then every member is inflated 64 KB at a time and
    counted, since a crafted archive may declare less than it holds (zipfile stops at the
    declared size and the CRC check then fails).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
                refuse(too_big_when_unzipped())
            total = 0
            for member in members:
                with archive.open(member) as stream:
                    while piece := stream.read(65536):
                        total += len(piece)
                        if total > MAX_UNZIPPED_BYTES:
                            refuse(too_big_when_unzipped())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        refuse(_("ce fichier n'est pas un classeur XLSX, XLS ou ODS lisible."))


def too_big_when_unzipped():
    return _("le classeur décompressé dépasse %(max)s Mo : ce n'est pas une liste de lauréats.") % {
        "max": MAX_UNZIPPED_BYTES // 2**20
    }


def decode(data):
    """(text, encoding name): UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        refuse(_("le fichier contient des octets nuls : ce n'est pas un fichier texte CSV."))
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        refuse(
            _(
                "encodage non reconnu (octet invalide à la position %(position)s) : enregistrez le fichier au format « CSV UTF-8 »."
            )
            % {"position": error.start}
        )


def detect_separator(text):
    """The separator the header line uses most: ",", ";" or tab (Excel's French CSV uses ";")."""
    counts, quoted = dict.fromkeys(SEPARATORS, 0), False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(data):
    text, encoding = decode(data)
    if "\x00" in text:
        refuse(_("le fichier contient des caractères nuls : ce n'est pas un fichier texte CSV."))
    if hint := SEPARATOR_HINT.match(text):
        text, separator = text[hint.end() :], hint.group(1)
    else:
        separator = detect_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    table, number = None, 0
    try:
        for number, raw in enumerate(reader, start=1):
            if number > MAX_ROWS + 1:
                refuse(too_many_rows())
            cells = [restore(cell) for cell in raw]
            while cells and not cells[-1].strip():
                cells.pop()
            check_cells(number, cells)
            if table is None:
                table = Table(header=cells, encoding=encoding, separator=separator)
                check_header_width(cells)
            else:
                table.rows.append((number, cells))
    except csv.Error as error:
        # Python's csv refuses a cell past 131,072 characters; ours are shorter anyway.
        message = str(error)
        if "field larger" in message:
            message = _("une cellule dépasse %(max)s caractères.") % {"max": MAX_CELL_CHARS}
        else:
            message = _("fichier CSV mal formé (%(error)s).") % {"error": message}
        raise ImportFailed([Problem(number + 1, "", message)]) from None
    if table is None or not any(table.header):
        refuse(_("le fichier est vide."))
    return table
