"""Cache backends: Django's Redis one without a new client per call, and an atomic file cache."""

import fcntl
from contextlib import contextmanager
from pathlib import Path

from django.core.cache.backends import filebased
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT


class RedisCacheClient(django_redis.RedisCacheClient):
    """Django builds a `redis.Redis` per call, and building one copies redis-py's table of
    response callbacks: measured here, that cost more than the round trip to Redis itself on a
    cached page. One client per connection pool instead; redis-py clients are thread-safe and
    their pools reconnect after a fork."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


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
