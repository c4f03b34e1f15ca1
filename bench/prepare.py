"""Before measuring: the static files collected and the two PostgreSQL databases filled."""

import os
import time

from common import (
    DATASETS,
    PG,
    ROOT,
    STATIC_ROOT,
    SYNTHETIC_LAUREATES,
    SYNTHETIC_RESOURCES,
    log,
    manage,
)


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
        manage(
            dataset,
            "generate_synthetic",
            "--laureates",
            str(SYNTHETIC_LAUREATES),
            "--resources",
            str(SYNTHETIC_RESOURCES),
        )
    dataset["load_seconds"] = time.monotonic() - started
    with psycopg.connect(f"{PG}/{name}", autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
