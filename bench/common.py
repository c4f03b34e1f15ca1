"""What every part of the benchmark shares: its settings, the pages and data sets it measures,
the environment of the processes it starts (manage.py, gunicorn) and the Redis cache they use."""

import os
import subprocess
import sys
import time
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
# Shared productions of the synthetic base (issue 26): /ressources/ measured at 10,000.
SYNTHETIC_RESOURCES = int(os.environ.get("BENCH_RESOURCES", "10000"))
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
    ("organisations", "liste des organisations"),
    ("statistics", "statistiques"),
    ("export_csv", "export CSV (tout)"),
    ("api", "API, liste"),
    ("resources", "productions partagées"),
]
FILTERS = "secteur=construction-btp&portee=nationale"
SEARCH = "q=r%C3%A9alit%C3%A9+virtuelle"  # « réalité virtuelle »


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


def page_queries(captured):
    """The page's own queries: not the data version's poll, which a process makes at most once
    per PAGE_CACHE_VERSION_TTL seconds whatever it serves (deffinum/pagecache/local.py), and
    which otherwise lands in whichever page was rendered when the delay ran out."""
    return sum("pagecache_dataversion" not in query["sql"] for query in captured.captured_queries)
