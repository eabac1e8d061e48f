"""Django's Redis cache, keeping one redis-py client per connection pool, with the two
things the page cache needs beyond it: one atomic operation (version.share_version) and
a way to hear at once when a key changes (KeyWatch, for local.LocalCopy).

Django builds a new `redis.Redis` client around the pool for every cache call; building
one costs more than the GET it sends, and the page cache makes one call per page view.
Clients are thread-safe and share their pool, so one per pool is enough.
"""

import logging
import os
import select
import threading
import time

from django.core.cache.backends import redis

logger = logging.getLogger(__name__)


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
    if KEYS[2] then
        redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[2])
    end
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
        self.location = server

    def set_if_greater(self, key, value, timeout, also=None):
        """Set an integer key to `value` unless it already holds a greater one, atomically
        (two writers can never leave the smaller of their values); when it is set, set
        `also` (a key and an integer) with it, so that one MGET reads both as one write
        left them."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        if also is None:
            return bool(client.eval(SET_IF_GREATER, 1, key, int(value), int(timeout)))
        also_key = self.make_and_validate_key(also[0])
        return bool(
            client.eval(SET_IF_GREATER, 2, key, also_key, int(value), int(timeout), int(also[1]))
        )

    def watch(self, key):
        """A KeyWatch on `key` (a key as given to the cache, before its prefix)."""
        pool = self._cache._get_connection_pool(write=False)
        return KeyWatch(pool.connection_class, pool.connection_kwargs, self.make_key(key))


class KeyWatch:
    """A connection of this process's own on which Redis tells when a key changes.

    `CLIENT TRACKING ON BCAST PREFIX <key>` over RESP3: Redis pushes an invalidation on
    this connection whenever the key is written, expires, is evicted or its database is
    flushed, in the same pass of its event loop as it answers the command that changed
    it. Nothing is read from the key here: `changed()` only says whether a push has
    arrived since the last call. It asks the socket without waiting (no round trip), so
    it costs a system call, and any thread may ask.

    Until the connection is up, and while it is down, every call says "changed", so the
    caller goes to Redis for the truth; it is set up again at most every RETRY_AFTER
    seconds, so a Redis that is down costs no connection attempt per request.
    """

    RETRY_AFTER = 5

    def __init__(self, connection_class, connection_kwargs, key):
        self.connection_class = connection_class
        self.connection_kwargs = {**connection_kwargs, "protocol": 3}
        self.key = key
        self.lock = threading.Lock()
        self.connection = self.socket = None
        self.pid = None
        self.retry_at = 0.0

    def changed(self):
        """Whether the key may have changed since the last call (True when unsure)."""
        sock = self.socket
        if sock is None or self.pid != os.getpid():
            return self.connect() or True
        if not select.select([sock], [], [], 0)[0]:
            return False
        with self.lock:
            self.drain()
        return True

    def drain(self):
        """Read every push that has arrived: they all say the same thing."""
        connection = self.connection
        if connection is None:
            return
        try:
            while connection.can_read(timeout=0):
                connection.read_response(push_request=True, timeout=0, disconnect_on_error=False)
        except TimeoutError:
            pass  # the rest of a push still on its way: the next call reads it
        except Exception:
            logger.warning("Lost the page cache's watch on Redis; reconnecting.", exc_info=True)
            self.close()

    def connect(self):
        with self.lock:
            if (self.socket is not None and self.pid == os.getpid()) or (
                time.monotonic() < self.retry_at
            ):
                return
            self.retry_at = time.monotonic() + self.RETRY_AFTER
            # A connection inherited across fork() belongs to the parent: never read it.
            self.connection = self.socket = None
            connection = self.connection_class(**self.connection_kwargs)
            try:
                connection.connect()
                connection.send_command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", self.key)
                reply = connection.read_response()
                if reply not in (b"OK", "OK"):
                    raise RuntimeError(f"CLIENT TRACKING answered {reply!r}")
            except Exception:
                logger.warning("Page cache cannot watch Redis; asking it each time.", exc_info=True)
                connection.disconnect()
                return
            self.connection, self.socket, self.pid = connection, connection._sock, os.getpid()

    def close(self):
        connection, self.connection, self.socket = self.connection, None, None
        if connection is not None:
            connection.disconnect()
