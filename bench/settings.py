"""Production settings with the page-cache device named by BENCH_WITHOUT taken out
(bench/run.py --without; the devices are described in bench/README.md)."""

import os

from django.core.cache.backends.redis import RedisCacheClient

import cosn_global.settings as base
from cosn_global.settings import *  # noqa: F403 (production's settings, then one change)
from pagecache.backends import RedisCache

WITHOUT = os.environ.get("BENCH_WITHOUT", "")


class StockClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


class UnsharedVersionRedisCache(RedisCache):
    shared_across_processes = False


BACKENDS = {"client": StockClientRedisCache, "shared-version": UnsharedVersionRedisCache}
if WITHOUT in BACKENDS:
    backend = f"{__name__}.{BACKENDS[WITHOUT].__name__}"
    CACHES = {"default": {**base.CACHES["default"], "BACKEND": backend}}
elif WITHOUT == "local":
    PAGE_CACHE_LOCAL_MAX_BYTES = 0
elif WITHOUT == "middleware":
    MIDDLEWARE = [m for m in base.MIDDLEWARE if m != "pagecache.middleware.PageCacheMiddleware"]
elif WITHOUT:
    raise ValueError(f"BENCH_WITHOUT={WITHOUT!r}: not a device")
