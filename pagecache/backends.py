"""Django's Redis cache, keeping one redis-py client per connection pool, with the one
atomic operation the page cache needs (version.share_version).

Django builds a new `redis.Redis` client around the pool for every cache call; building
one costs more than the GET it sends, and the page cache makes one call per page view.
Clients are thread-safe and share their pool, so one per pool is enough.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


# Numbers are stored as plain integers by Django's Redis serializer, so the script can
# compare them and `get` reads them back as ints.
SET_IF_GREATER = """
local current = tonumber(redis.call('GET', KEYS[1]))
if current == nil or current < tonumber(ARGV[1]) then
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
    return 1
end
return 0
"""


class RedisCache(redis.RedisCache):
    # Every process sees the same entries: an entry written by one is read by all.
    shared_across_processes = True

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def set_if_greater(self, key, value, timeout):
        """Set an integer key to `value` unless it already holds a greater one, atomically
        (two writers can never leave the smaller of their values)."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        return bool(client.eval(SET_IF_GREATER, 1, key, int(value), int(timeout)))
