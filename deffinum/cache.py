"""Django's Redis cache backend, without a new redis-py client object for every cache call."""

from django.core.cache.backends import redis as django_redis


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
