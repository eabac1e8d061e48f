import os

import pytest
import redis

# A database of its own; PAGECACHE_TEST_REDIS_URL gives another, for runs side by side.
REDIS_URL = os.environ.get("PAGECACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


@pytest.fixture
def shared_cache(settings):
    """The page cache in Redis, as in production (a database of its own)."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {"BACKEND": "pagecache.backends.RedisCache", "LOCATION": REDIS_URL}
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()
