"""`make bench`: the portal measured against the speed limit of the machine it runs on.

What it does, end to end (about ten minutes on two cores):

1. Installs wrk (Debian's package) if it is missing, and collects the static files (hashed,
   compressed) into var/bench/static.
2. Prepares two PostgreSQL databases from scratch: deffinum_bench_real (migrate, load_real_data)
   and deffinum_bench_synth (migrate, generate_synthetic --laureates 10000), then ANALYZE.
3. For each, measures in-process (Django test client) every page's status, size, render time
   and SQL queries, without the cache and on a cache hit.
4. Starts the production server (gunicorn.conf.py, DEBUG off, whitenoise, Redis cache) and runs
   wrk on each page: with the page cache, then again with CACHE_DISABLED=1 (8 connections, and
   one connection for the latency targets). In the same server, a static file of the list page's
   size served by whitenoise gives the speed limit: throughputs are shown as a share of it.
   Each worker's peak RSS (VmHWM, reset before each run) is read from /proc.
   Then Datasette, in an environment of the benchmark's own, serves the real data's laureates
   with two facets, measured by the same wrk (datasette_bench.py).
5. A soak: 64 connections for 60 s on a mix of pages (a Lua script cycles through them), with
   the cache on; errors and the workers' memory before and after.
6. Prints one Markdown table and writes it, with the machine and the versions, to
   bench/results/latest.md, followed by the curve of bench/curve.py: every page rendered
   in-process at 1,000 and at 10,000 laureates, and the ratio of the two.

`BENCH_QUICK=1` (or `--quick`) runs that curve alone: a minute or two, no server, no wrk.

Settings (environment): BENCH_PG (postgres://postgres@127.0.0.1:5432), BENCH_REDIS_URL
(redis://127.0.0.1:6379/14, a database number that is emptied before each server start),
BENCH_PORT (8027), BENCH_SECONDS (5), BENCH_SOAK_SECONDS (60), BENCH_REUSE_DB=1 (keep databases
that already exist), BENCH_LAUREATES (10000). The report goes to bench/results/latest.md only.

One module per job, all run from this directory as plain scripts: common.py (settings, pages,
environment), prepare.py (static files, databases), probe.py (the in-process measurements),
server.py (gunicorn), load.py (wrk, the soak), report.py (the table, the targets).
"""

import os
import sys
import time

from common import DATASETS, LOAD, RESULTS, ROOT, log
from datasette_bench import bench_datasette
from load import bench_dataset, ensure_wrk
from prepare import collect_static, prepare_database
from probe import probe_pages
from report import report


def main():
    started = time.monotonic()
    LOAD.append(os.getloadavg()[0])
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT / "bench"))
    import curve

    if "--quick" in sys.argv or os.environ.get("BENCH_QUICK") == "1":
        curve.main()
        return
    ensure_wrk()
    collect_static()
    for dataset in DATASETS:
        prepare_database(dataset)
    for dataset in DATASETS:
        bench_dataset(dataset)
        if dataset["key"] == "real":
            # Right after our own list on the same data, with the same wrk (issue 24).
            dataset["datasette"] = bench_datasette()
    LOAD.append(os.getloadavg()[0])
    text = report(DATASETS, started)
    log("courbe 1 000 → 10 000 lauréats (bench/curve.py)")
    text += "\n## Sans cache, en processus, à 1 000 et à 10 000 lauréats\n\n" + curve.main() + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    print()
    print(text)
    log(f"écrit dans {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    # Still accepted: the probe's former command, which must never start the whole benchmark.
    if "--probe" in sys.argv:
        probe_pages()
    else:
        main()
