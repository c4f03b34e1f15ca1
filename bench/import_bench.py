"""The import measured: preview (plan) and apply time and SQL queries for a list of N laureates
with about 7 members each, then for the same list with every laureate renamed (the update
path), the peak memory of refusing a zip-bomb-ish XLSX, and what the crafted spreadsheets of
issue 22 (tests/crafted_sheets.py) cost the worker and the process that reads them.

Synthetic data only, written into a database of its own that is created from scratch:

    .venv/bin/python bench/import_bench.py                       # SQLite, var/bench-import.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deffinum_bench_import \\
        .venv/bin/python bench/import_bench.py                   # PostgreSQL (dropped, re-created)

BENCH_IMPORT_ROWS (62,5000) sets the sizes. Prints one Markdown table.

    .venv/bin/python bench/import_bench.py crafted               # the crafted spreadsheets only
"""

import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deffinum.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-import.sqlite3'}")
MEMBERS_PER_LAUREATE = 7
KINDS = ["cfa", "entreprise", "laboratoire", "association", "universite-ecole", "acteur-public"]


def reset_database():
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        base, name = url.rsplit("/", 1)
        for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", f"{base}/postgres", "-qc", sql], check=True)


def laureate_file(count):
    """A CSV of `count` synthetic laureates, ~7 members each, organisations shared by several."""
    lines = ["slug,nom,statut,secteurs,regions,cout_total_eur,aide_etat_eur,membres,publie"]
    for n in range(count):
        partners = [(n * 7 + m) % (count * 3) + count for m in range(1, MEMBERS_PER_LAUREATE)]
        members = [f"porteur:cfa::Organisation synthétique {n}"] + [
            f"partenaire:{KINDS[index % len(KINDS)]}::Organisation synthétique {index}"
            for index in partners
        ]
        lines.append(
            f'laureat-{n},"Lauréat synthétique {n}",retenu,sante-social,{("11", "84")[n % 2]},'
            f'1000000,700000,"{" | ".join(members)}",oui'
        )
    return ("\n".join(lines) + "\n").encode()


def bomb():
    """About 1 MB of XLSX whose shared string unzips to 1 GB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
            stream.write(b"<sst><si><t>")
            chunk = b"a" * 2**20
            for _ in range(1024):
                stream.write(chunk)
            stream.write(b"</t></si></sst>")
    return buffer.getvalue()


class Timed:
    """Wall time and number of SQL queries of a block (not capped, unlike the debug log)."""

    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self.wrapper = connection.execute_wrapper(self)
        self.wrapper.__enter__()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.wrapper.__exit__(*exc)


def measure(count):
    from laureats.importer import apply_plan, plan_file
    from laureats.models import Laureate, Membership, Organisation

    Membership.objects.all().delete()
    Laureate.objects.all().delete()
    Organisation.objects.all().delete()
    data = laureate_file(count)
    with Timed() as preview:
        plan = plan_file("bench.csv", data)
    with Timed() as apply:
        apply_plan(plan)
    with Timed() as unchanged:
        plan_file("bench.csv", data)
    # Every laureate renamed: the update path (one history entry each, search text rebuilt).
    plan = plan_file("bench.csv", data.replace("Lauréat synthétique".encode(), b"Projet"))
    with Timed() as renamed:
        apply_plan(plan)
    steps = {
        "preview (new)": preview,
        "apply": apply,
        "preview (unchanged)": unchanged,
        "apply (every row renamed)": renamed,
    }
    return len(data), Membership.objects.count(), steps


def main():
    reset_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("loaddata", "regions", "sectors", verbosity=0)
    sizes = [int(n) for n in os.environ.get("BENCH_IMPORT_ROWS", "62,5000").split(",")]
    print(f"{connection.vendor}, Python {sys.version.split()[0]}\n")
    print("| rows | file | members | step | time | queries |\n|---|---|---|---|---|---|")
    for count in sizes:
        size, members, results = measure(count)
        for step, timed in results.items():
            print(
                f"| {count} | {size / 1024:.0f} KB | {members} | {step} "
                f"| {timed.seconds:.2f} s | {timed.queries} |"
            )

    # The bomb in a fresh process, so that its peak memory is its own.
    subprocess.run([sys.executable, __file__, "bomb"], check=True)


def peak_rss_mb():
    """This process's peak resident memory (VmHWM: unlike getrusage, not inherited on exec)."""
    status = Path("/proc/self/status").read_text()
    return (
        int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])
        // 1024
    )


def refuse_bomb():
    import django

    django.setup()
    from laureats.importer import ImportFailed, plan_file

    data = bomb()
    before = peak_rss_mb()
    start = time.perf_counter()
    try:
        plan_file("bombe.xlsx", data)
        message = "ACCEPTED"
    except ImportFailed as failure:
        message = str(failure.problems[0])
    after = peak_rss_mb()
    print(
        f"\nBomb: {len(data) / 2**20:.2f} MB xlsx, refused in {time.perf_counter() - start:.2f} s; "
        f"peak RSS {before} MB before reading it, {after} MB after: {message}"
    )


# A crafted file read by the code of an older commit may take gigabytes: its measuring process
# is stopped at this address space, so that the benchmark cannot starve the machine.
CRAFTED_CAP_BYTES = 4 * 2**30


def crafted():
    """One row per crafted file and per 5,000-row list (XLSX, ODS), each planned by plan_file in
    a fresh process, so that the peak memory measured is the file's own."""
    reset_database()
    import django

    django.setup()
    from django.core.management import call_command

    from tests.crafted_sheets import FORMULA_WITHOUT_VALUE, HUGE

    call_command("migrate", verbosity=0)
    call_command("loaddata", "regions", "sectors", verbosity=0)
    files = {name: build() for name, build in {**HUGE, **FORMULA_WITHOUT_VALUE}.items()}
    files.update(spreadsheet_lists(5000))
    print("| file | size | time | worker peak | reader peak | outcome |\n|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            path = Path(folder) / name
            path.write_bytes(data)
            done = subprocess.run(
                [sys.executable, __file__, "plan-one", str(path)],
                capture_output=True,
                text=True,
                preexec_fn=cap_address_space,
                timeout=600,
            )
            print(done.stdout.strip() or f"| {name} | | | | | died: exit {done.returncode} |")


def spreadsheet_lists(count):
    """The synthetic list of `count` laureates as an XLSX and an ODS."""
    import csv

    import openpyxl

    from tests.crafted_sheets import ods, ods_row, ods_text

    rows = list(csv.reader(io.StringIO(laureate_file(count).decode())))
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Lauréats")
    for row in rows:
        sheet.append(row)
    saved = io.BytesIO()
    workbook.save(saved)
    table = "".join(ods_row(*(ods_text(cell) for cell in row)) for row in rows)
    return {f"liste-{count}.xlsx": saved.getvalue(), f"liste-{count}.ods": ods(table)}


def cap_address_space():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CRAFTED_CAP_BYTES, CRAFTED_CAP_BYTES))


def plan_one(path):
    import django

    django.setup()
    from laureats.importer import ImportFailed, plan_file

    peaks = record_reader_peaks()
    data = Path(path).read_bytes()
    start = time.perf_counter()
    try:
        outcome = f"accepted: {plan_file(Path(path).name, data).summary()}"
    except ImportFailed as failure:
        outcome = f"refused: {failure.problems[0]}"
    seconds = time.perf_counter() - start
    reader = f"{max(peaks) // 1024} MB" if peaks else "(none)"
    print(
        f"| {Path(path).name} | {len(data):,} B | {seconds:.2f} s | {peak_rss_mb()} MB "
        f"| {reader} | {outcome[:160]} |"
    )


def record_reader_peaks():
    """The peak memory (kB) each answer of the spreadsheet reading process gives; none from an
    older commit, which read spreadsheets in the worker itself."""
    peaks = []
    try:
        from laureats.csv_format.spreadsheets import Reader
    except ImportError:
        return peaks
    answer = Reader.answer

    def recorded(reader):
        given = answer(reader)
        if "peak_kb" in given:
            peaks.append(given["peak_kb"])
        return given

    Reader.answer = recorded
    return peaks


if __name__ == "__main__":
    if sys.argv[1:] == ["bomb"]:
        refuse_bomb()
    elif sys.argv[1:] == ["crafted"]:
        crafted()
    elif sys.argv[1:2] == ["plan-one"]:
        plan_one(sys.argv[2])
    else:
        main()
