"""The owner of derived data measured (laureats/derived/): check_derived over every row, and
the same with every row stale and rewritten (--fix), at the size of the benchmark's database.

Synthetic data only, in a database of its own (filled by generate_synthetic if it is empty):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deffinum_bench_derived \\
        .venv/bin/python bench/derived_bench.py

BENCH_DERIVED_LAUREATES (10000) sets the size of an empty database. Prints one Markdown table:
wall time, and CPU time (this process, and PostgreSQL's backend when it runs on this machine):
on a machine shared with other work, the CPU time is what the work costs, the wall time what it
waited as well.
"""

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deffinum.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-derived.sqlite3'}")


def server_cpu():
    """CPU seconds the PostgreSQL backend of this connection has used, when it runs on this
    machine (its /proc entry); 0 otherwise."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(function):
    wall, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
    result = function()
    cpu = time.process_time() - cpu + server_cpu() - server
    return result, time.perf_counter() - wall, cpu


def main():
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from laureats import derived
    from laureats.models import Laureate

    call_command("migrate", verbosity=0)
    if not Laureate.objects.exists():
        size = os.environ.get("BENCH_DERIVED_LAUREATES", "10000")
        call_command("generate_synthetic", "--laureates", size, stdout=io.StringIO())
    count = Laureate.objects.count()
    rows = [("| Mesure | Lignes signalées | Durée | CPU (Python et base) |"), "|---|---|---|---|"]
    report, wall, cpu = measured(derived.check)
    rows.append(
        f"| check_derived, tout à jour | {len(report.rows('laureate'))} | {wall:.1f} s | {cpu:.1f} s |"
    )
    # Every laureate's member kinds and completeness wrong, as a raw SQL edit would leave them.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE laureats_laureate SET member_kinds = '', known_mask = 0")
    report, wall, cpu = measured(derived.check)
    rows.append(
        f"| check_derived, tout périmé | {len(report.rows('laureate'))} | {wall:.1f} s | {cpu:.1f} s |"
    )
    _none, wall, cpu = measured(lambda: derived.rebuild(None, None, None))
    rows.append(f"| check_derived --fix (réécriture) | — | {wall:.1f} s | {cpu:.1f} s |")
    print(f"{count} lauréats, {connection.vendor}\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
