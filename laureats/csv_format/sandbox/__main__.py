"""Reads one spreadsheet in this process of its own, capped, and answers in JSON lines.

csv_format/spreadsheets.py runs this directory (`python -I <directory>`), writes one JSON line
(the limits, the file's size) then the file's bytes, and reads the answers:
  1. {"sheets": [the first row of each sheet], "filled": [whether a row after it has a value]},
     to which it replies {"sheet": index}
  2. {"sheet": name, "rows": [...], "more": bool, "offset": n, "formula_count": n,
     "formulas": [[row, column, "D2"]...]}
or, at any step, {"refused": reason, ...}. First of all this process caps its own address space
and CPU time: python-calamine is Rust, and an allocation that fails aborts the process, so the
bounds of bounds.py are checked before calamine opens a file, and whatever they miss ends here,
never in the web worker.

Imports the standard library, python_calamine and its sibling modules only: Django is not set
up here.
"""

import datetime
import io
import json
import os
import resource
import sys
import zipfile

from bounds import scan
from grid import Findings, Limits, Refused, cell_name
from python_calamine import CalamineWorkbook

# Cells of a sheet's first row sent to choose the sheet, and characters of each: a header is
# narrow (50 columns at most) and its names short.
HEAD_CELLS = 51
HEAD_CHARS = 200
# Exit status when Python itself runs out of the capped memory.
OUT_OF_MEMORY = 3


def main():
    request = json.loads(sys.stdin.buffer.readline(65536))
    for limit, value in ((resource.RLIMIT_AS, request["memory"]), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))
    resource.setrlimit(resource.RLIMIT_CPU, (request["seconds"], request["seconds"] + 1))
    data = sys.stdin.buffer.read(request["size"])
    try:
        read(data, request)
    except Refused as refused:
        send({"refused": refused.reason, **refused.details})
    except MemoryError:
        os._exit(OUT_OF_MEMORY)
    except Exception:
        # calamine's own errors (CalamineError, ZipError, XmlError...) for a damaged file
        send({"refused": "unreadable"})


def send(answer):
    answer["peak_kb"] = peak_kb()
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
    sys.stdout.buffer.flush()


def peak_kb():
    """This process's peak resident memory since it started (VmHWM: getrusage's would count
    the worker's pages, which this process shares between fork and exec)."""
    with open("/proc/self/status") as status:
        return next((int(line.split()[1]) for line in status if line.startswith("VmHWM")), 0)


def read(data, request):
    limits = Limits(**request["limits"])
    findings = Findings()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            findings = scan(archive, limits)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = workbook.sheet_names
    if len(names) > limits.sheets:
        raise Refused("sheets", count=len(names))
    # All kept: their grids together are within the limits (or the caps), and the chosen one
    # is not read twice.
    sheets = [workbook.get_sheet_by_index(index) for index in range(len(names))]
    heads, filled = [], []
    for sheet in sheets:
        rows = iter(sheet.iter_rows())
        first = next(rows, [])
        heads.append([cell_text(cell)[:HEAD_CHARS] for cell in first[:HEAD_CELLS]])
        # A workbook may hold an empty laureates' sheet next to a filled resources' one (the
        # blank model does): the sheet read is the one with data.
        filled.append(any(cell_text(cell).strip() for row in rows for cell in row))
    send({"sheets": heads, "filled": filled})
    index = json.loads(sys.stdin.buffer.readline(1024))["sheet"]
    sheet = sheets[index]
    rows, characters, more = [], 0, False
    for number, raw in enumerate(sheet.iter_rows(), start=1):
        if number > request["rows"]:
            more = True
            break
        cells = [cell_text(cell) for cell in raw]
        while cells and not cells[-1].strip():
            cells.pop()
        # The bound bounds.py checks on XLSX and ODS, for XLS, whose records it does not read.
        characters += sum(map(len, cells))
        if characters > limits.text:
            raise Refused("text", sheet=names[index])
        rows.append(cells)
    send(
        {
            "sheet": names[index],
            "rows": rows,
            "more": more,
            # iter_rows starts at the sheet's first filled column, formulas count from A
            "offset": sheet.start[1] if sheet.start else 0,
            "formulas": [
                [row, column, cell_name(row, column)]
                for row, column in findings.formulas.get(names[index], [])
            ],
            "formula_count": findings.formula_counts.get(names[index], 0),
        }
    )


def cell_text(value):
    """A spreadsheet cell as text, the way the CSV format writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


if __name__ == "__main__":
    main()
