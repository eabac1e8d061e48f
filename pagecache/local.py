"""The page cache's copy in this process's memory, in front of Redis.

With Redis, a cached page used to cost one round trip: the page and the shared copy of
the content version, fetched together. The pages themselves never go stale (each is
stored with the version it was rendered from, see lookup.py): only the version can. So
this process keeps the version it last read, and its cached pages, in memory, and uses
them for as long as Redis has not said the version changed (backends.KeyWatch: a push
from Redis on a connection of the process's own, looked for without waiting on every
request). A hit then costs no round trip at all.

Why that cannot serve a page older than an edit: version.bump raises Redis's copy
before the edit's transaction commits, and Redis pushes the change to every watching
process as it answers that write. The editor's process then commits, which takes a round
trip to the database, and only then can anyone see the edit. So by the time an edit is
visible, the push is already on its way to every server; the one window left is a push
still in flight, i.e. when the network from Redis to a server is slower than the commit
(on one machine, or a LAN, it never is). Should pushes stop arriving unnoticed, the
version is trusted for TRUST_SECONDS at most, the time Redis's own copy lives; a
connection that drops is noticed at once and the version asked for each time until it
is back. Nor is it trusted past its next scheduled change (version.py): from that
moment the database is asked, which moves the version on.

Memory: pages are kept up to PAGE_CACHE_LOCAL_MAX_BYTES per process (their compressed
size plus their headers; the oldest go first), and all are dropped when the version
moves on, since none of them can be served after that.
"""

import threading
import time

from django.conf import settings

from .version import VERSION_COPY_TIMEOUT, VERSION_KEY

TRUST_SECONDS = VERSION_COPY_TIMEOUT
# What a kept page costs beyond its bytes: the key, the tuple, the headers' dict.
ENTRY_OVERHEAD = 400


class LocalCopy:
    def __init__(self, watch, max_bytes):
        self.watch = watch
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.known = None  # (version, trusted until, next scheduled change in ms), or None
        self.generation = 0  # moves on with every change Redis reports
        self.pages = {}
        self.pages_version = None
        self.size = 0

    def version(self):
        """(the version if this process may trust its own, else None; a token for learn)."""
        if self.watch.changed():
            with self.lock:
                self.generation += 1
                self.known = None
            return None, self.generation
        known = self.known
        if known is None or time.monotonic() > known[1] or time.time() * 1000 >= known[2]:
            return None, self.generation
        return known[0], self.generation

    def learn(self, version, next_change, token):
        """Trust `version`, just read from Redis or the database, until its next scheduled
        change (`next_change`, in milliseconds), unless Redis reported a change since
        `token` was handed out (the value read may be the older one)."""
        with self.lock:
            if token == self.generation:
                self.known = (version, time.monotonic() + TRUST_SECONDS, next_change)

    def page(self, key, version):
        kept = self.pages.get(key)
        return kept[0] if kept is not None and kept[0][0] == version else None

    def keep(self, key, entry):
        """Keep a page, (version, compressed, headers), unless memory is full."""
        version, compressed, headers = entry
        cost = len(compressed) + ENTRY_OVERHEAD + sum(map(len, (*headers, *headers.values())))
        with self.lock:
            if version != self.pages_version:
                self.pages, self.pages_version, self.size = {}, version, 0
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= old[1]
            while self.pages and self.size + cost > self.max_bytes:
                self.size -= self.pages.pop(next(iter(self.pages)))[1]
            if cost <= self.max_bytes:
                self.pages[key] = (entry, cost)
                self.size += cost


# One copy per process and cache: Django gives each thread a cache object of its own.
copies = {}
copies_lock = threading.Lock()


def copy_for(cache):
    """The local copy in front of `cache`, or None if it cannot be told of changes."""
    try:
        return cache.page_cache_local_copy
    except AttributeError:
        pass
    copy = None
    max_bytes = settings.PAGE_CACHE_LOCAL_MAX_BYTES
    if hasattr(cache, "watch") and max_bytes > 0:
        name = (cache.location, cache.make_key(VERSION_KEY), max_bytes)
        with copies_lock:
            copy = copies.get(name)
            if copy is None:
                copy = copies[name] = LocalCopy(cache.watch(VERSION_KEY), max_bytes)
    cache.page_cache_local_copy = copy
    return copy
