"""SQLite as `make run` and a small production use it (issue 22): a public page is read while an
import's transaction is open, from the last committed data, instead of waiting for the import
to commit. Two processes on one database file, configured by deffinum/settings.py alone."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Members enough for the import to outgrow SQLite's page cache before it commits: a writer in
# the rollback journal then locks the whole file until its commit.
IMPORTED = 600
# The reader's busy timeout: without write-ahead logging, it waits this long, then fails.
READER_TIMEOUT = 3

WRITER = """
import sys
import django

django.setup()
from django.core.management import call_command
from django.db import transaction

from laureats.importer import apply_plan, plan_file


def laureates(first, count):
    lines = ["slug,nom,statut,publie,membres"]
    for n in range(first, first + count):
        members = " | ".join(
            f"partenaire:cfa::Organisation fictive {n}-{m}" for m in range(6)
        )
        lines.append(f'laureat-fictif-{n},Lauréat fictif {n},retenu,oui,"{members}"')
    return ("\\n".join(lines) + "\\n").encode()


call_command("migrate", verbosity=0)
call_command("loaddata", "regions", "sectors", verbosity=0)
apply_plan(plan_file("premier-lot.csv", laureates(0, 20)))
with transaction.atomic():
    apply_plan(plan_file("grand-lot.csv", laureates(20, int(sys.argv[1]))))
    print("written", flush=True)
    sys.stdin.readline()
print("committed", flush=True)
"""

READER = """
import time

import django

django.setup()
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
start = time.monotonic()
response = Client().get("/laureats/?q=fictif")
print(response.status_code, response.context["filter"].qs.count(), time.monotonic() - start)
"""


def environment(database, **extra):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "deffinum.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "1",
        "CACHE_DISABLED": "1",
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def test_a_public_page_reads_the_committed_data_while_an_import_writes(tmp_path):
    database = tmp_path / "portail.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(IMPORTED)],
        cwd=ROOT,
        env=environment(database),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "written", writer.stderr.read()
        reader = subprocess.run(
            [sys.executable, "-c", READER],
            cwd=ROOT,
            env=environment(
                database, DATABASE_URL=f"sqlite:///{database}?timeout={READER_TIMEOUT}"
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
        writer_open = writer.poll() is None
        # What deffinum/settings.py asks of every connection: write-ahead logging.
        assert Path(f"{database}-wal").exists()
    finally:
        if writer.poll() is None:
            writer.communicate("\n", timeout=120)
    assert writer_open  # the import had not committed when the page was read
    assert reader.returncode == 0, reader.stderr[-2000:]
    status, count, seconds = reader.stdout.split()
    # The page answers at once, with the 20 laureates committed before the import.
    assert (status, count) == ("200", "20")
    assert float(seconds) < READER_TIMEOUT
