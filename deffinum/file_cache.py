"""Django's file cache with an atomic add() and incr(), for servers without Redis."""

import fcntl
from contextlib import contextmanager
from pathlib import Path

from django.core.cache.backends import filebased
from django.core.cache.backends.base import DEFAULT_TIMEOUT

# A counter's key names its window (django-ratelimit), so it only has to outlive the longest
# window used (an hour); Django's incr() would instead reset it to the default 5 minutes.
COUNTER_TIMEOUT = 24 * 3600


class FileBasedCache(filebased.FileBasedCache):
    """Django's file cache, whose add() and incr() read then write: two processes counting at
    once could both read 4 and both write 5. Here they hold an exclusive lock on one file of the
    cache folder meanwhile, so that counters (the proposal limit) are exact across workers, and
    incr() does not shorten the counter's life."""

    def __init__(self, directory, params):
        super().__init__(directory, params)
        self.lock_path = Path(directory) / "counters.lock"

    @contextmanager
    def counter_lock(self):
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self.counter_lock():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self.counter_lock():
            value = self.get(key, version=version)
            if value is None:
                raise ValueError(f"Key '{key}' not found")
            self.set(key, value + delta, COUNTER_TIMEOUT, version=version)
            return value + delta


def file_cache(location, max_entries):
    """The CACHES entry of this backend. A server without Redis still runs several worker
    processes, and management commands (import, fixtures) run in others: they must all see one
    cache, or an edit would not invalidate the pages another worker holds. One machine only:
    several need REDIS_URL. add() and incr() are atomic, which the proposal limit counts on;
    beyond max_entries Django's file cache deletes a third of its files at random."""
    return {
        "BACKEND": "deffinum.file_cache.FileBasedCache",
        "LOCATION": location,
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }
