"""The Redis a test starts is its own: a frozen one stops answering, a stopped one is gone."""

import pytest
import redis


def test_a_redis_started_by_a_test_answers_then_hangs_when_frozen(redis_server):
    client = redis.Redis.from_url(redis_server.url, socket_timeout=0.3)
    assert client.ping()
    redis_server.freeze()
    with pytest.raises(redis.exceptions.TimeoutError):
        client.ping()
    redis_server.thaw()
    assert client.ping()
    redis_server.stop()
    with pytest.raises(redis.exceptions.ConnectionError):
        redis.Redis.from_url(redis_server.url, socket_connect_timeout=0.3).ping()
