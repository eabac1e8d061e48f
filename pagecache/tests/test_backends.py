"""The Redis backend keeps one redis-py client per connection pool.

It leans on Django's private RedisCache API (`_class`, `_cache`, and the client's
`_get_connection_pool` and `_client`): if Django changes it, these tests fail, instead of
the site silently going back to a new client per call or failing at the first request.
"""

import socket

import pytest
from django.core.cache.backends import redis as django_redis

from pagecache.backends import RedisCache, RedisCacheClient

LOCATION = "redis://127.0.0.1:6379/12"


@pytest.fixture
def redis_cache():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    cache = RedisCache(LOCATION, {})
    yield cache
    cache.clear()


def test_django_still_has_the_private_api_the_backend_builds_on():
    client = django_redis.RedisCacheClient([LOCATION])
    assert callable(client._get_connection_pool)
    assert client._client is not None
    cache = django_redis.RedisCache(LOCATION, {})
    assert cache._class is django_redis.RedisCacheClient


def test_one_client_serves_every_call_and_the_cache_works(redis_cache):
    assert isinstance(redis_cache._cache, RedisCacheClient)
    redis_cache.set("reuse", "yes")
    assert redis_cache.get("reuse") == "yes"
    assert redis_cache._cache.get_client() is redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client()


def test_set_if_greater_never_lowers_a_number(redis_cache):
    assert redis_cache.set_if_greater("n", 5, 60)
    assert not redis_cache.set_if_greater("n", 4, 60)
    assert redis_cache.get("n") == 5
    assert redis_cache.set_if_greater("n", 6, 60)
    assert redis_cache.get("n") == 6
