"""The database connection, from DATABASE_URL, with the defaults each engine needs here.

Options given in DATABASE_URL (?timeout=..., ?options=...) win over these defaults."""

from pathlib import Path

import dj_database_url

from deffinum.environment import env_int


def database_from_environment(sqlite_path):
    """The "default" database: DATABASE_URL, or SQLite at `sqlite_path`."""
    database = dj_database_url.config(
        default=f"sqlite:///{sqlite_path}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    options = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Persistent connections buy nothing on SQLite and keep the file locked between tests.
        database["CONN_MAX_AGE"] = 0
        sqlite_defaults(options)
        # SQLite creates the file but not its folder: var/ does not exist in a fresh clone.
        if database["NAME"] not in ("", ":memory:"):
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    elif database["ENGINE"] == "django.db.backends.postgresql":
        postgresql_defaults(options)
    return database


def sqlite_defaults(options):
    # Several gunicorn workers write to one file: a writer waits up to 20 s for the lock
    # (busy_timeout) instead of failing with "database is locked", and a transaction takes the
    # write lock when it begins, so that it never has to upgrade (and deadlock) halfway through.
    options.setdefault("timeout", 20)
    options.setdefault("transaction_mode", "IMMEDIATE")
    # Write-ahead logging: readers read the last committed state while a writer works, where
    # the default rollback journal locks the whole file once an import outgrows the page cache
    # (every uncached page then waited for its commit). NORMAL is the durability WAL is meant to
    # run with: a power cut may lose the last commits, never corrupt the file.
    options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")


def postgresql_defaults(options):
    # PostgreSQL compiles a query whose estimated cost is high (facet counts, statistics); with
    # 10,000 laureates that compilation cost 100 to 400 ms a page, more than it saved.
    # random_page_cost: the default 4 prices a random read as a spinning disk's; this data
    # set is held in memory, and at 4 PostgreSQL read every row's search vector rather than the
    # search index (32 ms against 6.5 for a search matching 6,500 of 10,000 laureates).
    # A setting given in DATABASE_URL's `options` wins.
    given = options.get("options", "")
    for name, value in [("jit", "off"), ("random_page_cost", "1.1")]:
        if name not in given:
            given = f"{given} -c {name}={value}".strip()
    options["options"] = given
