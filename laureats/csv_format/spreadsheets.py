"""XLSX, XLS and ODS files, read in a process of their own that a crafted file cannot get out of.

python-calamine is Rust: a file of a few hundred bytes can make it ask for gigabytes (one cell at
XFD1048576, four billion declared shared strings, ODS rows repeated thousands of times), and an
allocation that fails aborts the process, beyond any `except`. So the web worker never runs it:
it starts sandbox/ in a fresh interpreter (`python -I`; a fork would be unsafe in gunicorn's
threaded workers), which caps its own address space and CPU time, measures the archive's XML
against the limits below before calamine opens it (sandbox/bounds.py), and answers in JSON
lines. The measure gives the administrator a message that names the problem; the cap and the
timeout hold for whatever it misses (XLS, XLSB, a crash): that process ends, the worker carries
on, and the administrator is told.
"""

import contextlib
import json
import logging
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .codecs import MAX_CELL_CHARS
from .columns import column_for_header
from .resource_columns import is_resource_header
from .resource_export import is_resource_export
from .tables import (
    MAX_ROWS,
    ImportFailed,
    Problem,
    Table,
    check_cells,
    check_header_width,
    refuse,
    too_many_rows,
)

logger = logging.getLogger(__name__)

SANDBOX = Path(__file__).with_name("sandbox")
# The reading process's address space, so its peak memory too, whatever the file (a 5,000-row
# workbook takes about 30 MB); past it, calamine aborts or Python raises MemoryError.
READER_MEMORY_BYTES = 200 * 10**6
# Wall-clock and CPU seconds of one read (a 5,000-row workbook takes about one second).
READER_SECONDS = 30
# What a workbook may ask calamine to build (sandbox/bounds.py): all its sheets' grids, from the
# first to the last filled cell of each (5,000 rows of 50 columns are 250,000), the characters
# in those cells, each copy counted, the shared strings it declares, and its sheets.
MAX_CELLS = 1_000_000
MAX_TEXT_CHARS = 10_000_000
MAX_SHARED_STRINGS = 1_000_000
MAX_SHEETS = 100
# The longest answer read from the process: the rows' text, escaped, is well under it.
MAX_ANSWER_BYTES = 8 * MAX_TEXT_CHARS
# Exit status of the process when Python itself ran out of memory (sandbox/__main__.py).
OUT_OF_MEMORY = 3


def read_spreadsheet(data, kind):
    """The Table of the sheet `choose` picks by its row 1 (an export adds an "À propos" sheet;
    the blank model has a sheet of laureates and one of resources); ImportFailed with a clear
    message otherwise."""
    with Reader(data) as reader:
        answer = reader.answer()
        if "sheets" in answer:
            answer = reader.ask({"sheet": choose(answer["sheets"], answer.get("filled"))})
    if "refused" in answer:
        refuse(refusal(answer))
    rows = answer["rows"]
    if not rows:
        refuse(_("le fichier est vide."))
    table = Table(header=rows[0], format=kind)
    check_cells(1, rows[0])
    check_header_width(rows[0])
    for number, cells in enumerate(rows[1:], start=2):
        check_cells(number, cells)
        table.rows.append((number, cells))
    if answer["more"]:
        refuse(too_many_rows())
    if answer["formula_count"]:
        raise ImportFailed(formula_problems(answer, table.header))
    return table


def choose(heads, filled=None):
    """The sheet to read: the first of laureates or of resources (by its header) that holds
    data, else the first of them, else the first sheet. A workbook whose laureates' sheet and
    resources' sheet both hold data is refused: one import writes one kind of row, and
    reading one sheet would leave the other's rows out without a word."""
    if not heads:
        refuse(_("le classeur ne contient aucune feuille."))
    filled = filled or [True] * len(heads)
    kinds = [table_kind(head) for head in heads]
    recognised = [index for index, kind in enumerate(kinds) if kind]
    with_rows = [index for index in recognised if filled[index]]
    if len({kinds[index] for index in with_rows}) > 1:
        laureates = next(index for index in with_rows if kinds[index] == "laureates")
        resources = next(index for index in with_rows if kinds[index] == "resources")
        refuse(
            _(
                "le classeur contient des lignes de lauréats (feuille n°%(laureates)s) et des "
                "lignes de productions partagées (feuille n°%(resources)s) : importez-les "
                "l'une après l'autre, en vidant ou en supprimant l'autre feuille."
            )
            % {"laureates": laureates + 1, "resources": resources + 1}
        )
    return (with_rows or recognised or [0])[0]


def table_kind(cells):
    """ "resources" for a header naming the `ressource` column or the productions' export's,
    "laureates" for one naming `slug`, else None."""
    if is_resource_header(cells) or is_resource_export(cells):
        return "resources"
    if is_header(cells):
        return "laureates"
    return None


def is_header(cells):
    return any(
        (column := column_for_header(cell.strip())) and column.name == "slug" for cell in cells
    )


def formula_problems(answer, header):
    problems = []
    for row, column, cell in answer["formulas"]:
        index = column - answer["offset"]
        name = header[index] if 0 <= index < len(header) else ""
        problems.append(
            Problem(
                row + 1,
                name,
                _(
                    "la cellule %(cell)s de la feuille « %(sheet)s » contient une formule dont "
                    "la valeur n'est pas enregistrée dans le fichier : ouvrez-le dans Excel ou "
                    "LibreOffice et enregistrez-le (les valeurs calculées sont alors "
                    "enregistrées), ou remplacez les formules par leurs valeurs (copier, puis "
                    "« Collage spécial » > « Valeurs uniquement »)."
                )
                % {"cell": cell, "sheet": answer["sheet"]},
            )
        )
    hidden = answer["formula_count"] - len(problems)
    if hidden:
        problems.append(
            Problem(0, "", _("et %(count)s autres formules sans valeur.") % {"count": hidden})
        )
    return problems


class Reader:
    """The reading process: started on entering, stopped (killed if need be) on leaving; killed
    too when READER_SECONDS have passed, whatever it was doing."""

    def __init__(self, data):
        self.data = data
        self.expired = threading.Event()

    def __enter__(self):
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(SANDBOX)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            # Nothing of the worker's environment (database address, secret key) goes there.
            env={},
        )
        self.timer = threading.Timer(READER_SECONDS, self.expire)
        self.timer.daemon = True
        self.timer.start()
        limits = {
            "sheets": MAX_SHEETS,
            "cells": MAX_CELLS,
            "text": MAX_TEXT_CHARS,
            "shared_strings": MAX_SHARED_STRINGS,
            "cell_chars": MAX_CELL_CHARS,
        }
        request = {
            "memory": READER_MEMORY_BYTES,
            "seconds": READER_SECONDS,
            "rows": MAX_ROWS + 1,
            "limits": limits,
            "size": len(self.data),
        }
        self.write(json.dumps(request).encode() + b"\n" + self.data)
        return self

    def expire(self):
        self.expired.set()
        self.process.kill()

    def write(self, message):
        # when it has stopped, answer() says why
        with contextlib.suppress(OSError):
            self.process.stdin.write(message)
            self.process.stdin.flush()

    def ask(self, question):
        self.write(json.dumps(question).encode() + b"\n")
        return self.answer()

    def answer(self):
        line = self.process.stdout.readline(MAX_ANSWER_BYTES)
        if line.endswith(b"\n"):
            return json.loads(line)
        self.process.kill()
        self.process.wait()
        return {"refused": self.failure()}

    def failure(self):
        """Why the process stopped without answering, as a reason refusal() words."""
        self.errors.seek(0)
        errors = self.errors.read(4096).decode(errors="replace")
        logger.warning(
            "The spreadsheet reader stopped (exit %s%s): %s",
            self.process.returncode,
            ", timed out" if self.expired.is_set() else "",
            errors.strip()[-1000:],
        )
        if self.expired.is_set() or self.process.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            return "timeout"
        if self.process.returncode == OUT_OF_MEMORY or "memory allocation" in errors:
            return "memory"
        return "unreadable"

    def __exit__(self, *exc_info):
        self.timer.cancel()
        if self.process.poll() is None:
            self.process.kill()
        for stream in (self.process.stdin, self.process.stdout, self.errors):
            # what could not be written to a stopped process is dropped
            with contextlib.suppress(OSError):
                stream.close()
        self.process.wait()


def refusal(answer):
    """The French message of a reason the reading process gave."""
    reason, sheet = answer["refused"], answer.get("sheet", "")
    rewrite = _(
        "ce fichier n'a pas été enregistré par un tableur ; ouvrez-le dans Excel ou LibreOffice, "
        "copiez les seules données dans un nouveau classeur et importez celui-ci."
    )
    if reason == "cells":
        return _(
            "la feuille « %(sheet)s » va de %(first)s à %(last)s : le classeur compterait "
            "%(cells)s cellules à lire, %(max)s au plus. Supprimez les lignes et colonnes "
            "au-delà des données, ou copiez les seules données dans un nouveau classeur."
        ) % {
            "sheet": sheet,
            "first": answer["first"],
            "last": answer["last"],
            "cells": grouped(answer["cells"]),
            "max": grouped(MAX_CELLS),
        }
    if reason == "reference":
        return _(
            "la feuille « %(sheet)s » nomme la cellule « %(reference)s », hors de la grille "
            "d'un tableur (XFD1048576 au plus) : %(rewrite)s"
        ) % {"sheet": sheet, "reference": answer["reference"], "rewrite": rewrite}
    if reason == "shared-strings":
        return _("le classeur annonce %(count)s textes partagés, %(max)s au plus : %(rewrite)s") % {
            "count": grouped(answer["count"]),
            "max": grouped(MAX_SHARED_STRINGS),
            "rewrite": rewrite,
        }
    if reason == "long-cell":
        return _("la cellule %(cell)s de la feuille « %(sheet)s » dépasse %(max)s caractères.") % {
            "cell": answer["cell"],
            "sheet": sheet,
            "max": MAX_CELL_CHARS,
        }
    if reason == "text":
        return _(
            "le texte des cellules du classeur dépasse %(max)s caractères (feuille "
            "« %(sheet)s ») : découpez le fichier."
        ) % {"max": grouped(MAX_TEXT_CHARS), "sheet": sheet}
    if reason == "sheets":
        return _("le classeur contient %(count)s feuilles : %(max)s au plus.") % {
            "count": answer["count"],
            "max": MAX_SHEETS,
        }
    if reason == "memory":
        return _(
            "lire ce classeur demanderait plus de %(max)s Mo de mémoire (des cellules très "
            "éloignées ou très répétées, sans doute) : copiez les seules données dans un "
            "nouveau classeur et importez celui-ci."
        ) % {"max": READER_MEMORY_BYTES // 10**6}
    if reason == "timeout":
        return _(
            "lire ce classeur prend plus de %(max)s secondes : copiez les seules données dans "
            "un nouveau classeur et importez celui-ci."
        ) % {"max": READER_SECONDS}
    return _("ce fichier n'est pas un classeur XLSX, XLS ou ODS lisible.")


def grouped(number):
    return number_format(number, force_grouping=True)
