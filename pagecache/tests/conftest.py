import os

import pytest

from tests.helpers import page_cache_in_redis

# A database of its own; PAGECACHE_TEST_REDIS_URL gives another.
REDIS_URL = os.environ.get("PAGECACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


@pytest.fixture
def shared_cache(settings):
    """The page cache in Redis, as in production."""
    with page_cache_in_redis(settings, REDIS_URL) as cache:
        yield cache
