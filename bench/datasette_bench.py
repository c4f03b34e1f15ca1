"""Side by side with Datasette (issue 24): the same real data, its laureates' table with two
facets, as Datasette serves it, measured by the same wrk as our uncached /laureats/.

Datasette is installed in a virtual environment of the benchmark's own (var/bench/datasette),
never among the project's dependencies. It serves a SQLite copy of the real data (migrate and
load_real_data into var/bench/real.sqlite3), read-only and immutable (-i), the laureates' table
faceted by scope and status, as the list's facets show them.
"""

import subprocess
import time
import urllib.request

from common import CONNECTIONS, PORT, PYTHON, ROOT, SECONDS, base_env, log
from load import wrk

VENV = ROOT / "var" / "bench" / "datasette"
DATABASE = ROOT / "var" / "bench" / "real.sqlite3"
DATASETTE_PORT = PORT + 1
PATH = f"/{DATABASE.stem}/laureats_laureate?_facet=scope&_facet=status"


def datasette_url(path):
    return f"http://127.0.0.1:{DATASETTE_PORT}{path}"


def ensure_datasette():
    datasette = VENV / "bin" / "datasette"
    if not datasette.exists():
        log("Datasette : environnement virtuel du banc (var/bench/datasette)")
        subprocess.run([PYTHON, "-m", "venv", str(VENV)], check=True)
        subprocess.run([VENV / "bin" / "pip", "install", "--quiet", "datasette"], check=True)
    return datasette


def prepare_sqlite():
    """The real data in a SQLite file, as `make run` loads it."""
    DATABASE.unlink(missing_ok=True)
    env = base_env({"key": "real", "database": ""}, DATABASE_URL=f"sqlite:///{DATABASE}")
    for command in (["migrate", "--noinput", "--verbosity", "0"], ["load_real_data"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def wait_until_up(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Datasette ne répond pas sur {url}")


def bench_datasette():
    """Datasette's faceted table: {rps, p50, single} as `load.bench_dataset` measures a page."""
    datasette = ensure_datasette()
    prepare_sqlite()
    version = subprocess.run(
        [datasette, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    log(f"{version} : {PATH}")
    process = subprocess.Popen(
        [datasette, "serve", "-i", str(DATABASE), "--port", str(DATASETTE_PORT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        target = datasette_url(PATH)
        wait_until_up(target)
        with urllib.request.urlopen(target, timeout=30) as response:
            size = len(response.read())
        wrk(target, CONNECTIONS, 1)  # warm
        run = wrk(target, CONNECTIONS, SECONDS)
        run["single"] = wrk(target, 1, max(3, SECONDS - 2))
        run["version"], run["bytes"] = version, size
        log(f"  Datasette : {run['rps']:.0f} req/s ({CONNECTIONS} connexions)")
        return run
    finally:
        process.terminate()
        process.wait(timeout=10)
