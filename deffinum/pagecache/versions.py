"""What a stored page depends on besides its URL: the data version and the code's release.

The data version is one row of the database (models.DataVersion). The watched apps' writes
rewrite it on the same connection, so it takes part in their transaction:

- a rolled-back transaction (an import's dry run, an admin preview) leaves it unchanged, and
  other processes only see it change when the data does, at the commit: once per transaction;
- it cannot fail to change while the data does: if rewriting it fails, the write fails. No
  cache outage can leave a page of older data served (the cache holds pages only).

Within one transaction the row is rewritten once, at its first write that changes rows, and
again only if the version was read in between (a request in a test's transaction).

Each process trusts its copy of the version for PAGE_CACHE_VERSION_TTL seconds (see
middleware.LocalPages) and forgets it at once after a write of its own. The thread that wrote
uses the version it wrote while its transaction is open (own_version): only its connection can
see it, and reading it back would cost a query.
"""

import hashlib
import re
import threading
import time
import uuid
import weakref
from datetime import UTC
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import DataVersion

VERSION_ROW = 1
WRITE_STATEMENT = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE
)
RELEASE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo", ".json"}

# Per thread (one database connection each): the transactions that already rewrote the row.
state = threading.local()
# Called with no argument after this process changed the version (middleware.LocalPages).
listeners = []


def read_version(using="default"):
    """(token, timestamp) of the data as this connection sees it.

    In SQL rather than through the ORM: a worker reads it up to ten times a second, and the
    query measured 0.2 ms of CPU this way against 1 ms through a QuerySet.
    """
    connection = connections[using]
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token, changed_at FROM {table} WHERE id = %s", [VERSION_ROW])
        found = cursor.fetchone()
    # A transaction that rewrote the row must rewrite it again on its next write: this
    # connection may now store pages under the version it just read.
    state.pending = {}
    if found is None:
        return "", 0.0
    token, changed_at = found
    if isinstance(changed_at, str):  # SQLite: an ISO date in UTC
        changed_at = parse_datetime(changed_at)
    if timezone.is_naive(changed_at):
        changed_at = changed_at.replace(tzinfo=UTC)
    return token, changed_at.timestamp()


def bump(using="default"):
    """A new data version, written in the connection's current transaction."""
    changed_at = timezone.now()
    values = {"token": uuid.uuid4().hex, "changed_at": changed_at}
    if not DataVersion.objects.using(using).filter(pk=VERSION_ROW).update(**values):
        # Only after `flush`, which empties every table.
        DataVersion.objects.using(using).create(pk=VERSION_ROW, **values)
    for listener in listeners:
        listener()
    return values["token"], changed_at.timestamp()


class Rewritten:
    """Registered with on_commit: Django drops it at the commit or at a rollback (of the
    transaction or of the savepoint it was registered in), which ends its weak references."""

    def __call__(self):
        pass


def own_version(ttl):
    """The version this thread's connection wrote in its open transaction, which only it can
    see, trusted for `ttl` seconds like a process's copy; None once that transaction has ended
    (committed: others read it from the database; rolled back: it never was)."""
    own = getattr(state, "own", None)
    if own is None:
        return None
    version, rewritten, written = own
    if rewritten() is None or (ttl is not None and time.monotonic() - written >= ttl):
        state.own = None
        return None
    state.pending = {}
    return version


def data_changed(connection):
    """A statement changed rows of a watched table on this connection."""
    pending = getattr(state, "pending", None)
    if pending is None:
        pending = state.pending = {}
    rewritten = pending.get(connection.alias)
    if rewritten is not None and rewritten() is not None:
        return
    version = bump(connection.alias)
    if connection.in_atomic_block:
        marker = Rewritten()
        transaction.on_commit(marker, using=connection.alias)
        pending[connection.alias] = weakref.ref(marker)
        if connection.alias == "default":
            state.own = (version, pending[connection.alias], time.monotonic())


def watched_tables():
    ignored = {label.lower() for label in settings.PAGE_CACHE_IGNORED_MODELS}
    tables = set()
    for label in settings.PAGE_CACHE_WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label_lower not in ignored:
                tables.add(model._meta.db_table.lower())
    return frozenset(tables)


def write_watcher(tables):
    """A database execute wrapper: every INSERT, UPDATE or DELETE that changes rows of a
    watched table, whether from save(), update(), bulk_create(), an m2m change or loaddata."""

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and sql[:1] in "IUDiud ":
            match = WRITE_STATEMENT.match(sql)
            # rowcount is 0 for an UPDATE or DELETE that matched nothing; -1 when unknown.
            if match and match.group(1).lower() in tables and context["cursor"].rowcount != 0:
                data_changed(context["connection"])
        return result

    return wrapper


def migrated(sender, using="default", **kwargs):
    # A migration may change what a page shows without writing a watched table.
    try:
        with transaction.atomic(using=using):
            bump(using)
    except DatabaseError:
        pass  # the table is not there yet (`migrate pagecache zero`)


def watch_writes():
    """Installs the execute wrapper on every connection (called from PageCacheConfig.ready())."""
    wrapper = write_watcher(watched_tables())

    def install(connection, **kwargs):
        if wrapper not in connection.execute_wrappers:
            connection.execute_wrappers.append(wrapper)

    connection_created.connect(install, dispatch_uid="pagecache-watch-writes", weak=False)
    # Connections opened before ready() (there are none in a server; a shell may have one).
    for connection in connections.all(initialized_only=True):
        install(connection)
    post_migrate.connect(
        migrated, sender=apps.get_app_config("pagecache"), dispatch_uid="pagecache-migrate"
    )


@cache
def release():
    """The code's version: PAGE_CACHE_RELEASE (the RELEASE variable) when set, otherwise a hash
    of the files that make a page (code, templates, compiled catalogues, static manifest).

    Part of every page key, so that a deploy, or an old instance during a rolling one, never
    serves a page rendered by other code.
    """
    if settings.PAGE_CACHE_RELEASE:
        return settings.PAGE_CACHE_RELEASE
    digest = hashlib.blake2b(digest_size=8)
    for source in map(Path, settings.PAGE_CACHE_RELEASE_SOURCES):
        files = sorted(source.rglob("*")) if source.is_dir() else [source]
        for path in files:
            if path.suffix in RELEASE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(source.parent)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
