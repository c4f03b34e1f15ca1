"""Django's Redis cache behind a circuit breaker: a Redis that fails is left alone for a while.

A Redis that hangs (process stopped, socket open) makes every call wait for the socket timeout;
pages, the API and proposals all carry on without the cache when a call fails (each caller
catches the error), but each of them waited first. After one failure, this process stops
calling that Redis for CACHE_BREAKER_SECONDS: calls fail at once with CacheUnavailable, which
callers treat as any cache error. Then one call tries again; if it succeeds, the cache is used
again, otherwise the breaker stays open for another period.

Only connection errors and timeouts open it: an error Redis answers (a full memory refusing a
write) proves that it is there.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends import redis as django_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Every public method of Django's RedisCache that talks to Redis; BaseCache's others (decr,
# get_or_set, incr_version, the async ones) go through these.
GUARDED_METHODS = [
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
]


class CacheUnavailable(RedisConnectionError):
    """Raised instead of calling a Redis whose breaker is open."""


class Breaker:
    """The state of one Redis for this process, shared by its threads (Django gives each
    thread a cache object of its own)."""

    def __init__(self, location):
        self.location = location
        self.lock = threading.Lock()
        # time.monotonic() until which calls fail at once; 0.0 while closed.
        self.open_until = 0.0

    def before_call(self):
        if not self.open_until:
            return
        with self.lock:
            now = time.monotonic()
            if not self.open_until:
                return
            if now < self.open_until:
                raise CacheUnavailable(f"{self.location} : cache écarté après une panne")
            # This call tries again; the others keep failing at once until it has answered.
            self.open_until = now + settings.CACHE_BREAKER_SECONDS

    def succeeded(self):
        if self.open_until:
            with self.lock:
                if self.open_until:
                    self.open_until = 0.0
                    logger.warning("Le cache %s répond de nouveau.", self.location)

    def failed(self):
        with self.lock:
            if not self.open_until:
                logger.warning(
                    "Le cache %s ne répond pas : écarté pendant %s s.",
                    self.location,
                    settings.CACHE_BREAKER_SECONDS,
                )
            self.open_until = time.monotonic() + settings.CACHE_BREAKER_SECONDS


breakers = {}
breakers_lock = threading.Lock()


def breaker_for(location):
    with breakers_lock:
        if location not in breakers:
            breakers[location] = Breaker(location)
        return breakers[location]


def guarded(name):
    unguarded = getattr(django_redis.RedisCache, name)

    def method(self, *args, **kwargs):
        self.breaker.before_call()
        try:
            result = unguarded(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            self.breaker.failed()
            raise
        except Exception:
            # An answer all the same: incr() of a missing key, a write refused when full.
            self.breaker.succeeded()
            raise
        self.breaker.succeeded()
        return result

    method.__name__ = method.__qualname__ = name
    method.__doc__ = unguarded.__doc__
    return method


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        location = server if isinstance(server, str) else ",".join(server)
        self.breaker = breaker_for(location)


for _name in GUARDED_METHODS:
    setattr(RedisCache, _name, guarded(_name))


def redis_cache(url, key_prefix, *, connect_timeout, socket_timeout):
    """The CACHES entry of a Redis at `url`, behind the breaker above. redis-py retries nothing
    on a connection of a pool such as Django's: a hung Redis costs one timeout per call."""
    return {
        "BACKEND": "deffinum.redis_cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {"socket_connect_timeout": connect_timeout, "socket_timeout": socket_timeout},
    }
