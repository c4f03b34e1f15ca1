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
5. A soak: 64 connections for 60 s on a mix of pages (a Lua script cycles through them), with
   the cache on; errors and the workers' memory before and after.
6. Prints one Markdown table and writes it, with the machine and the versions, to
   bench/results/latest.md, followed by the curve of bench/curve.py: every page rendered
   in-process at 1,000 and at 10,000 laureates, and the ratio of the two.

`BENCH_QUICK=1` (or `--quick`) runs that curve alone: a minute or two, no server, no wrk.

Settings (environment): BENCH_PG (postgres://postgres@127.0.0.1:5432), BENCH_REDIS_URL
(redis://127.0.0.1:6379/14, a database number that is emptied before each server start),
BENCH_PORT (8027), BENCH_SECONDS (5), BENCH_SOAK_SECONDS (60), BENCH_REUSE_DB=1 (keep databases
that already exist), BENCH_LAUREATES (10000), BENCH_README=1 (also quote the table in README.md,
which is otherwise left untouched).
"""

import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
RESULTS = ROOT / "bench" / "results" / "latest.md"
STATIC_ROOT = ROOT / "var" / "bench" / "static"
SPEED_LIMIT_PATH = "/static/bench/speed-limit.html"

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PORT = int(os.environ.get("BENCH_PORT", "8027"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
TURN = max(2, SECONDS * 3 // 5)  # each of the alternating static / cached page measures
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "60"))
SYNTHETIC_LAUREATES = int(os.environ.get("BENCH_LAUREATES", "10000"))
CONNECTIONS = 8
LOAD = []  # the machine's load average at the start and at the end
SOAK_CONNECTIONS = 64
# A page whose render takes longer than this is loaded one connection at a time: eight at once
# on two cores would only measure the queue.
SLOW_SECONDS = 0.5

DATASETS = [
    {"key": "real", "label": "réelles", "database": "deffinum_bench_real"},
    {
        "key": "synth",
        "label": f"{SYNTHETIC_LAUREATES:,} synth.".replace(",", " "),
        "database": "deffinum_bench_synth",
    },
]
PAGES = [
    ("home", "accueil"),
    ("list", "liste"),
    ("list_filters", "liste, 2 filtres"),
    ("list_search", "liste, recherche"),
    ("list_filters_search", "liste, 2 filtres + recherche"),
    ("list_page_50", "liste, page 50"),
    ("laureate", "un lauréat"),
    ("organisation", "une organisation"),
    ("statistics", "statistiques"),
    ("export_csv", "export CSV (tout)"),
    ("api", "API, liste"),
]
FILTERS = "secteur=construction-btp&portee=nationale"
SEARCH = "q=r%C3%A9alit%C3%A9+virtuelle"  # « réalité virtuelle »


# Helpers -------------------------------------------------------------------------------------


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def base_env(dataset, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL", "REDIS_URL", "CACHE_DISABLED", "PORT"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-only-key-never-used-elsewhere-" + "x" * 20,
        DATABASE_URL=f"{PG}/{dataset['database']}",
        STATIC_ROOT=str(STATIC_ROOT),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        CACHE_KEY_PREFIX=f"bench-{dataset['key']}",
        # The API's per-client rate limit would turn a load test into a stream of 429s.
        API_THROTTLE_RATE="1000000000/second",
        CONN_MAX_AGE="600",
        LOG_LEVEL="ERROR",
        PYTHONUNBUFFERED="1",
    )
    if redis_available():
        env["REDIS_URL"] = REDIS_URL
    env.update(extra)
    return env


def manage(dataset, *args, **env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=base_env(dataset, **env), check=True)


_redis = None


def redis_available():
    global _redis
    if _redis is None:
        try:
            import redis

            redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
            _redis = True
        except Exception:
            _redis = False
    return _redis


def flush_redis():
    if redis_available():
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("wrk manque : apt-get install -y wrk")
    if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"]).returncode:
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)


def collect_static():
    manifest = STATIC_ROOT / "staticfiles.json"
    sources = [ROOT / "static", ROOT / "pyproject.toml"]
    newest = max(
        (path.stat().st_mtime for source in sources for path in [source, *source.rglob("*")]),
        default=0,
    )
    if manifest.exists() and manifest.stat().st_mtime > newest:
        log("fichiers statiques déjà collectés")
        return
    log("collectstatic (hachage et compression gzip/brotli)")
    manage(DATASETS[0], "collectstatic", "--noinput", "--verbosity", "0")


def prepare_database(dataset):
    import psycopg

    name = dataset["database"]
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and os.environ.get("BENCH_REUSE_DB"):
            log(f"base {name} gardée (BENCH_REUSE_DB)")
            return
        log(f"base {name} : création")
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    manage(dataset, "migrate", "--noinput", "--verbosity", "0")
    started = time.monotonic()
    if dataset["key"] == "real":
        manage(dataset, "load_real_data")
    else:
        manage(dataset, "generate_synthetic", "--laureates", str(SYNTHETIC_LAUREATES))
    dataset["load_seconds"] = time.monotonic() - started
    with psycopg.connect(f"{PG}/{name}", autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def probe(dataset):
    """Run this script inside Django (--probe) for the pages' URLs, sizes and query counts."""
    result = subprocess.run(
        [PYTHON, __file__, "--probe"],
        cwd=ROOT,
        env=base_env(dataset),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def port_is_free(port):
    with socket.socket() as probe_socket:
        return probe_socket.connect_ex(("127.0.0.1", port)) != 0


class Server:
    """gunicorn as `make serve` runs it, in its own process group."""

    def __init__(self, dataset, cache):
        self.dataset, self.cache = dataset, cache

    def __enter__(self):
        if not port_is_free(PORT):
            sys.exit(f"Le port {PORT} est pris : choisissez-en un autre avec BENCH_PORT.")
        flush_redis()
        env = base_env(self.dataset, PORT=str(PORT), CACHE_DISABLED="" if self.cache else "1")
        name = f"gunicorn-{self.dataset['key']}-{'cache' if self.cache else 'sans-cache'}.log"
        self.log = (ROOT / "var" / "bench" / name).open("w+")
        self.process = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py", "deffinum.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url(SPEED_LIMIT_PATH), timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        else:
            self.__exit__()
            sys.exit("gunicorn n'a pas démarré : " + self.log_text())
        time.sleep(1)  # every worker booted
        return self

    def workers(self):
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def log_text(self):
        self.log.seek(0)
        return self.log.read()[-3000:]

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


def memory_kb(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peaks(pids):
    for pid in pids:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to VmRSS


def url(path):
    return f"http://127.0.0.1:{PORT}{path}"


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1, "s": 1000}


def wrk(target, connections, seconds, script=None):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "60s"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, target], capture_output=True, text=True, check=True).stdout
    latency = {
        percentile: float(value) * UNITS[unit]
        for percentile, value, unit in LATENCY.findall(output)
    }
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if socket_errors or non_2xx:
        log(f"  wrk {target} :\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def measured_run(server, path, connections, seconds, script=None):
    """One wrk run, with each worker's peak RSS during it and its growth over the run."""
    pids = server.workers()
    reset_peaks(pids)
    before = {pid: memory_kb(pid, "VmRSS") for pid in pids}
    result = wrk(url(path), connections, seconds, script)
    peaks = {pid: memory_kb(pid, "VmHWM") for pid in pids}
    result["peak_rss_mb"] = max(peaks.values(), default=0) / 1024
    result["rss_growth_mb"] = max((peaks[pid] - before[pid] for pid in pids), default=0) / 1024
    return result


def fetch(path):
    with urllib.request.urlopen(url(path), timeout=120) as response:
        return response.status, len(response.read())


# The benchmark -------------------------------------------------------------------------------


def bench_dataset(dataset):
    pages = probe(dataset)
    dataset["pages"] = pages
    list_bytes = pages["list"]["bytes"]
    speed_limit = STATIC_ROOT / SPEED_LIMIT_PATH.removeprefix("/static/")
    speed_limit.parent.mkdir(parents=True, exist_ok=True)
    filler = "<p>Fichier de la même taille que la page de liste, servi par whitenoise.</p>\n"
    speed_limit.write_text((filler * (list_bytes // len(filler) + 1))[:list_bytes])

    results = {}
    for cache in (True, False):
        mode = "cache" if cache else "sans cache"
        log(f"{dataset['database']} : serveur {mode}")
        with Server(dataset, cache) as server:
            if cache:
                wrk(url(SPEED_LIMIT_PATH), CONNECTIONS, 1)  # every worker started and warm
                dataset["static"] = measured_run(server, SPEED_LIMIT_PATH, CONNECTIONS, SECONDS)
                dataset["static_runs"] = [dataset["static"]["rps"]]
                log(f"  fichier statique : {dataset['static']['rps']:.0f} req/s")
            for key, _label in PAGES:
                page = pages[key]
                if page["status"] != 200:
                    continue
                if cache and page["hit"]:
                    # One render fills the shared cache; eight at once on a cold cache would
                    # keep every worker busy rendering the same page for the whole measure.
                    fetch(page["path"])
                slow = page["seconds"] > SLOW_SECONDS and not (cache and page["hit"])
                if not slow:
                    # Every worker imports, compiles its templates and, with the cache, keeps
                    # its copy of the page before the measure.
                    wrk(url(page["path"]), CONNECTIONS, 1)
                seconds = max(SECONDS, min(40, round(3 * page["seconds"]))) if slow else SECONDS
                static_rps = None
                if cache and not slow:
                    # The machine's other load moves during a run: a cached page and the static
                    # file are measured in turn, twice, and compared over the same minute.
                    statics, pages_rps = [], []
                    for _turn in range(2):
                        statics.append(wrk(url(SPEED_LIMIT_PATH), CONNECTIONS, TURN)["rps"])
                        run = measured_run(server, page["path"], CONNECTIONS, TURN)
                        pages_rps.append(run["rps"])
                    static_rps = statistics.mean(statics)
                    run["rps"] = statistics.mean(pages_rps)
                    dataset["static_runs"] += statics
                else:
                    run = measured_run(server, page["path"], 1 if slow else CONNECTIONS, seconds)
                run["connections"] = 1 if slow else CONNECTIONS
                run["static_rps"] = static_rps
                if not cache:
                    run["single"] = (
                        run if slow else measured_run(server, page["path"], 1, max(3, SECONDS - 2))
                    )
                results[(key, cache)] = run
                log(
                    f"  {key:<20} {mode:<10} {run['rps']:>8.1f} req/s  p50 {run['p50']} ms  "
                    f"p99 {run['p99']} ms  erreurs {run['errors'] + run['non_2xx']}"
                )
            if cache:
                dataset["static"]["rps"] = statistics.median(dataset["static_runs"])
            if cache and dataset["key"] == "synth":
                dataset["soak"] = soak(server, pages)
            errors = server.log_text().count("Traceback")
            dataset.setdefault("server_errors", 0)
            dataset["server_errors"] += errors
    dataset["results"] = results


def soak(server, pages):
    """64 connections on a mix of pages: hits and, for the first visit of each URL, misses."""
    paths = [pages[key]["path"] for key, _label in PAGES if key != "export_csv"]
    paths += pages["soak_paths"]
    lua_paths = ", ".join(json.dumps(path) for path in paths)
    script = Path(tempfile.gettempdir()) / f"deffinum-bench-soak-{os.getpid()}.lua"
    script.write_text(
        f"local paths = {{{lua_paths}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        '  return wrk.format("GET", paths[(i % #paths) + 1])\n'
        "end\n"
    )
    log(f"  endurance : {len(paths)} adresses, 10 s de mise en route puis {SOAK_SECONDS} s")
    wrk(url("/"), SOAK_CONNECTIONS, 10, str(script))
    pids = server.workers()
    rss = [{pid: memory_kb(pid, "VmRSS") for pid in pids}]
    halves = []
    for _half in range(2):
        halves.append(wrk(url("/"), SOAK_CONNECTIONS, SOAK_SECONDS // 2, str(script)))
        rss.append({pid: memory_kb(pid, "VmRSS") for pid in pids})
    result = {key: sum(half[key] for half in halves) for key in ("requests", "errors", "non_2xx")}
    result["rps"] = statistics.mean(half["rps"] for half in halves)
    result["p99"] = max(half["p99"] or 0 for half in halves)
    script.unlink()
    result["urls"] = len(paths)
    result["rss_mb"] = [max(sample.values(), default=0) / 1024 for sample in rss]
    # A leak shows as growth under the same load: the first half may still fill the per-process
    # page copies (bounded); the largest worker must not grow in the second.
    result["rss_growth_mb"] = result["rss_mb"][2] - result["rss_mb"][1]
    result["workers_alive"] = sum(1 for pid in pids if Path(f"/proc/{pid}").exists())
    result["workers"] = len(pids)
    log(
        f"  endurance : {result['rps']:.0f} req/s, erreurs {result['errors']}, non-2xx "
        f"{result['non_2xx']}, RSS max "
        + " → ".join(f"{value:.0f}" for value in result["rss_mb"])
        + " Mo"
    )
    return result


# Report ---------------------------------------------------------------------------------------


def versions():
    import psycopg

    with psycopg.connect(f"{PG}/postgres") as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    found = {
        "Python": platform.python_version(),
        "Django": subprocess.run(
            [PYTHON, "-c", "import django; print(django.get_version())"],
            capture_output=True,
            text=True,
        ).stdout.strip(),
        "PostgreSQL": postgres,
        "gunicorn": subprocess.run(
            [PYTHON, "-c", "import gunicorn; print(gunicorn.__version__)"],
            capture_output=True,
            text=True,
        ).stdout.strip(),
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1],
    }
    if redis_available():
        import redis

        found["Redis"] = redis.Redis.from_url(REDIS_URL).info()["redis_version"]
    return found


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def ms(value):
    if value is None:
        return "—"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def number(value, digits=0):
    return "—" if value is None else f"{value:,.{digits}f}".replace(",", " ")


def table(datasets):
    lines = [
        "| données | page | octets | SQL | SQL (hit) | cache : req/s | % statique | p50 | p99 "
        "| sans cache : req/s | % statique | p50 | p99 | p50, 1 conn. | erreurs, non-2xx "
        "| RSS max d'un worker (Mo) | hausse RSS (Mo) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: | ---: |",
    ]
    for dataset in datasets:
        static = dataset["static"]
        lines.append(
            f"| {dataset['label']} | **fichier statique (limite)** "
            f"(médiane de {len(dataset['static_runs'])} mesures, de "
            f"{number(min(dataset['static_runs']))} à {number(max(dataset['static_runs']))} req/s) "
            f"| {number(dataset['pages']['list']['bytes'])} "
            f"| — | — | {number(static['rps'])} | 100 % | {ms(static['p50'])} | {ms(static['p99'])} "
            f"| — | — | — | — | — | {static['errors'] + static['non_2xx']} "
            f"| {static['peak_rss_mb']:.0f} | {static['rss_growth_mb']:.1f} |"
        )
        for key, label in PAGES:
            page = dataset["pages"][key]
            if page["status"] != 200:
                lines.append(
                    f"| {dataset['label']} | {label} | — | — | — | HTTP {page['status']} "
                    "| — | — | — | — | — | — | — | — | — | — | — |"
                )
                continue
            cached = dataset["results"][(key, True)]
            uncached = dataset["results"][(key, False)]
            one = "" if cached["connections"] == CONNECTIONS else " (1 conn.)"
            one_off = "" if uncached["connections"] == CONNECTIONS else " (1 conn.)"
            errors = sum(run["errors"] + run["non_2xx"] for run in (cached, uncached))
            lines.append(
                f"| {dataset['label']} | {label} | {number(page['bytes'])} | {page['queries']} "
                f"| {page['hit_queries'] if page['hit'] else '—'} "
                f"| {number(cached['rps'])}{one} "
                f"| {100 * cached['rps'] / (cached['static_rps'] or static['rps']):.0f} % "
                f"| {ms(cached['p50'])} | {ms(cached['p99'])} "
                f"| {number(uncached['rps'], 1)}{one_off} | {100 * uncached['rps'] / static['rps']:.0f} % "
                f"| {ms(uncached['p50'])} | {ms(uncached['p99'])} | {ms(uncached['single']['p50'])} "
                f"| {errors} | {max(cached['peak_rss_mb'], uncached['peak_rss_mb']):.0f} "
                f"| {max(cached['rss_growth_mb'], uncached['rss_growth_mb']):.1f} |"
            )
    return "\n".join(lines)


def targets(datasets):
    real, synth = datasets
    lines = []

    def line(ok, text):
        lines.append(f"- {'atteint' if ok else '**manqué**'} : {text}")

    ratios = [
        (
            label,
            100
            * synth["results"][(key, True)]["rps"]
            / (synth["results"][(key, True)]["static_rps"] or synth["static"]["rps"]),
        )
        for key, label in PAGES
        if synth["pages"][key]["status"] == 200 and synth["pages"][key]["hit"]
    ]
    if ratios:
        worst = min(ratios, key=lambda item: item[1])
        line(
            worst[1] >= 75,
            f"pages en cache ≥ 75 % du fichier statique (la plus lente, {worst[0]} : "
            f"{worst[1]:.0f} % ; médiane {statistics.median(r for _, r in ratios):.0f} %)",
        )
    for key, limit in [("list_filters_search", 50), ("laureate", 20)]:
        run = synth["results"].get((key, False))
        if run:
            p50 = run["single"]["p50"]
            label = dict(PAGES)[key]
            if p50 is None:
                line(False, f"{label} : aucune requête terminée")
                continue
            verdict = f"{ms(p50)} ms" + (
                "" if p50 <= limit else f", {ms(p50 - limit)} ms de trop (× {p50 / limit:.1f})"
            )
            line(
                p50 <= limit,
                f"sans cache, 10 000 lauréats, 1 connexion, {label} : p50 ≤ {limit} ms → {verdict}",
            )
    # The export reads its laureates in chunks: its query count grows with them by design, so
    # that its memory does not.
    changed = [
        dict(PAGES)[key]
        for key, _label in PAGES
        if key != "export_csv"
        and real["pages"][key]["status"] == 200
        and real["pages"][key]["queries"] != synth["pages"][key]["queries"]
    ]
    line(
        not changed,
        "requêtes SQL par page identiques entre 62 et 10 000 lauréats"
        + (f" (sauf : {', '.join(changed)})" if changed else ""),
    )
    export = synth["results"].get(("export_csv", False))
    if export:
        growth = max(
            export["rss_growth_mb"], synth["results"][("export_csv", True)]["rss_growth_mb"]
        )
        line(
            growth < 50,
            f"export CSV de tout ({number(synth['pages']['export_csv']['bytes'])} octets) : hausse "
            f"du RSS d'un worker {growth:.1f} Mo (< 50 Mo), p50 {ms(export['single']['p50'])} ms",
        )
    soak_run = synth.get("soak")
    if soak_run:
        failures = soak_run["errors"] + soak_run["non_2xx"] + synth["server_errors"]
        line(
            failures == 0 and soak_run["rss_growth_mb"] < 5,
            f"endurance {SOAK_SECONDS} s à {SOAK_CONNECTIONS} connexions sur {soak_run['urls']} "
            f"adresses : {soak_run['requests']} requêtes ({number(soak_run['rps'])} req/s, p99 "
            f"{ms(soak_run['p99'])} ms), {soak_run['errors']} erreurs, {soak_run['non_2xx']} "
            f"non-2xx, {synth['server_errors']} exceptions au journal ; RSS max d'un worker "
            "après la mise en route, à mi-parcours et à la fin : "
            + " → ".join(f"{value:.0f}" for value in soak_run["rss_mb"])
            + f" Mo (seconde moitié : {soak_run['rss_growth_mb']:+.1f} Mo) ; workers "
            f"vivants {soak_run['workers_alive']}/{soak_run['workers']}",
        )
    return "\n".join(lines)


def report(datasets, started):
    found = versions()
    workers = os.environ.get("WEB_CONCURRENCY") or min(2 * (os.cpu_count() or 1) + 1, 12)
    header = [
        "# Banc d'essai du portail",
        "",
        f"{datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cœurs ({cpu_model()}), "
        + ", ".join(f"{name} {version}" for name, version in found.items())
        + ".",
        f"Charge moyenne de la machine (1 min) : {LOAD[0]:.1f} au début, {LOAD[-1]:.1f} à la fin "
        "(le banc lui-même en ajoute).",
        "",
        f"gunicorn : {workers} workers sync (gunicorn.conf.py), DEBUG désactivé, cache "
        f"{'Redis' if redis_available() else 'fichiers'}; wrk 1 thread, {CONNECTIONS} connexions, "
        f"{SECONDS} s par mesure ({TURN} s pour les pages en cache) ; « 1 conn. » : une seule connexion (pages de plus de "
        f"{SLOW_SECONDS * 1000:.0f} ms, et colonne p50 des objectifs). Latences en ms. "
        "« SQL » : requêtes d'une page rendue ; « SQL (hit) » : d'une page servie par le cache. "
        "« % statique » : débit rapporté à celui d'un fichier statique de la taille de la page "
        "de liste servi par whitenoise dans le même serveur, mesuré en alternance avec chaque "
        "page en cache (deux fois chacun) ; la médiane de ces mesures pour les pages sans cache.",
        "",
        table(datasets),
        "",
        "## Objectifs",
        "",
        targets(datasets),
        "",
        f"Durée totale : {(time.monotonic() - started) / 60:.1f} min.",
    ]
    return "\n".join(header) + "\n"


README_BLOCK = re.compile(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)", re.DOTALL)


def quote_in_readme(text):
    """The README's performance section quotes the latest results, between its two markers."""
    readme = ROOT / "README.md"
    current = readme.read_text()
    body = text.split("\n", 2)[2].replace("\n## Objectifs", "\n#### Objectifs")
    updated = README_BLOCK.sub(lambda match: match.group(1) + body + match.group(2), current)
    if updated != current:
        readme.write_text(updated)


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
    LOAD.append(os.getloadavg()[0])
    text = report(DATASETS, started)
    log("courbe 1 000 → 10 000 lauréats (bench/curve.py)")
    text += "\n## Sans cache, en processus, à 1 000 et à 10 000 lauréats\n\n" + curve.main() + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    # The README is a tracked document: it quotes new figures only when asked
    # (`make bench BENCH_README=1`), so that a measurement run leaves the tree as it was.
    if os.environ.get("BENCH_README") == "1":
        quote_in_readme(text)
    print()
    print(text)
    log(f"écrit dans {RESULTS.relative_to(ROOT)}")


# In-process measurements (python bench/run.py --probe, inside Django) ---------------------------


def probe_pages():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deffinum.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from laureats.models import Laureate, Organisation

    published = Laureate.objects.published()
    laureate = published.annotate(n=Count("memberships")).order_by("-n", "slug").first()
    organisation = (
        Organisation.objects.annotate(
            n=Count("memberships", filter=Q(memberships__laureate__is_published=True))
        )
        .order_by("-n", "slug")
        .first()
    )
    paths = {
        "home": "/",
        "list": "/laureats/",
        "list_filters": f"/laureats/?{FILTERS}",
        "list_search": f"/laureats/?{SEARCH}",
        "list_filters_search": f"/laureats/?{FILTERS}&{SEARCH}",
        "list_page_50": "/laureats/?page=50",
        "laureate": laureate.get_absolute_url(),
        "organisation": organisation.get_absolute_url(),
        "statistics": "/statistiques/",
        "export_csv": "/laureats/export.csv",
        "api": "/api/laureats/",
    }
    client = Client()

    def get(path):
        response = client.get(path)
        size = (
            sum(len(chunk) for chunk in response.streaming_content)
            if response.streaming
            else len(response.content)
        )
        return response, size

    pages = {}
    for key, path in paths.items():
        settings.PAGE_CACHE_ENABLED = False
        get(path)  # the first render of a process pays for imports and template loading
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            response, size = get(path)
        seconds = time.monotonic() - started
        # captured_queries reads the connection's log, which the next request empties.
        query_count = len(queries.captured_queries)
        settings.PAGE_CACHE_ENABLED = True
        cache.clear()
        get(path)
        with CaptureQueriesContext(connection) as hit_queries:
            hit, _ = get(path)
        hit_query_count = len(hit_queries.captured_queries)
        pages[key] = {
            "path": path,
            "status": response.status_code,
            "bytes": size,
            "seconds": seconds,
            "queries": query_count,
            "hit": not hit.streaming and not hit.templates and hit.status_code == 200,
            "hit_queries": hit_query_count,
        }
    cache.clear()
    slugs = list(published.order_by("slug").values_list("slug", flat=True)[:150])
    organisations = list(
        Organisation.objects.with_published_memberships()
        .order_by("slug")
        .values_list("slug", flat=True)[:50]
    )
    pages["soak_paths"] = (
        [f"/laureats/{slug}/" for slug in slugs]
        + [f"/organisations/{slug}/" for slug in organisations]
        + [f"/laureats/?page={number}" for number in range(1, 31)]
        + [f"/laureats/?secteur={slug}" for slug in ["agriculture", "transports", "transversal"]]
        + ["/laureats/export.csv?secteur=agriculture&region=84", "/api/laureats/?page=2"]
    )
    print(json.dumps(pages))


if __name__ == "__main__":
    if "--probe" in sys.argv:
        probe_pages()
    else:
        main()
