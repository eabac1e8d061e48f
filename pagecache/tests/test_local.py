"""Each process's own copy of the version and pages (local.py), in front of Redis: a hit
costs no round trip, and an edit anywhere is never missed."""

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext

from delegations.models import Delegation
from pagecache import local, version
from pagecache.local import LocalCopy
from pagecache.version import VERSION_KEY

from .conftest import REDIS_URL

pytestmark = pytest.mark.usefixtures("seeded")
FAR = version.milliseconds(version.NO_CHANGE_AHEAD)


def another_process(cache):
    """A copy with a watch of its own, as another worker or server has."""
    copy = LocalCopy(cache.watch(VERSION_KEY), 1024 * 1024)
    copy.version()  # connects the watch
    return copy


def trusted(copy):
    """The version `copy` trusts after learning the current one, as a request would.

    Redis reports changes to the key's name in every database, and other tests may be
    using another one: such a report costs a second try, as it costs a request a miss.
    """
    for _ in range(5):
        found, token = copy.version()
        if found is not None:
            return found
        copy.learn(version.read(), FAR, token)
    return copy.version()[0]


class RedisCommands:
    """Counts the commands this process's cache client sends to Redis."""

    def __init__(self, cache, monkeypatch):
        self.count = 0
        client = cache._cache.get_client()
        execute = client.execute_command

        def counted(*args, **kwargs):
            self.count += 1
            return execute(*args, **kwargs)

        monkeypatch.setattr(client, "execute_command", counted)


def get(client, url="/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    response.queries = len(queries)
    return response


def test_a_cached_page_costs_no_round_trip_at_all(client, shared_cache, monkeypatch):
    first = get(client)
    get(client)  # the version is now trusted, the page kept in memory
    redis_commands = RedisCommands(shared_cache, monkeypatch)
    again = get(client)
    assert again.queries == 0
    assert redis_commands.count == 0
    assert again.content == first.content


def test_an_edit_in_another_process_is_seen_on_the_next_request(client, shared_cache):
    page = Delegation.objects.get(slug="portugal-2013").get_absolute_url()
    get(client, page)
    get(client, page)
    # Another process edits: it raises Redis's copy (here through its own client), and
    # Redis tells this process's watch.
    other = redis.Redis.from_url(REDIS_URL)
    Delegation.objects.filter(slug="portugal-2013").update(title="Portugal and the Azores")
    version_now = version.read() + 1
    version.ContentVersion.objects.filter(pk=1).update(version=version_now)
    other.set(shared_cache.make_key(VERSION_KEY), version_now)
    response = get(client, page)
    assert "Portugal and the Azores" in response.content.decode()
    assert f"-{version_now}-" in response["ETag"]


def test_every_bump_reaches_every_process_before_the_next_read(shared_cache):
    others = [another_process(shared_cache) for _ in range(3)]
    stale = 0
    for _ in range(200):
        before = [trusted(copy) for copy in others]
        assert None not in before
        version.bump()
        stale += sum(copy.version()[0] is not None for copy in others)
    assert stale == 0


def test_a_flush_or_an_expiry_is_reported_too(shared_cache):
    copy = another_process(shared_cache)
    assert trusted(copy) is not None
    shared_cache.clear()
    assert copy.version()[0] is None
    assert trusted(copy) is not None
    version.share_version(version.state()._replace(version=version.read() + 5))
    shared_cache._cache.get_client().pexpire(shared_cache.make_key(VERSION_KEY), 1)
    for _ in range(100):  # Redis deletes expired keys ten times a second
        if copy.version()[0] is None:
            break
        shared_cache._cache.get_client().exists(shared_cache.make_key(VERSION_KEY))
    else:
        pytest.fail("the copy's expiry was never reported")


def test_a_change_reported_while_reading_is_not_trusted(shared_cache):
    copy = another_process(shared_cache)
    _, token = copy.version()
    old = version.read()
    version.bump()  # between the read and learning what it read
    assert copy.version()[0] is None  # the change is reported...
    copy.learn(old, FAR, token)  # ...so what the earlier read found is not trusted
    assert copy.version()[0] is None


def test_the_version_is_trusted_for_a_bounded_time(shared_cache, monkeypatch):
    copy = another_process(shared_cache)
    assert trusted(copy) is not None
    now = local.time.monotonic()
    monkeypatch.setattr(local.time, "monotonic", lambda: now + local.TRUST_SECONDS + 1)
    assert copy.version()[0] is None


def test_a_lost_connection_is_noticed_and_made_again(shared_cache):
    copy = another_process(shared_cache)
    assert trusted(copy) is not None
    host, port = copy.watch.socket.getsockname()
    shared_cache._cache.get_client().client_kill(f"{host}:{port}")
    assert copy.version()[0] is None
    copy.watch.retry_at = 0  # don't wait RETRY_AFTER seconds to connect again
    assert trusted(copy) is not None


def test_a_redis_that_is_down_costs_no_connection_attempt_per_request(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    from django.core.cache import cache

    copy = local.copy_for(cache)
    assert copy.version()[0] is None
    attempts = copy.watch.retry_at
    for _ in range(10):
        assert copy.version()[0] is None
    assert copy.watch.retry_at == attempts


def test_every_thread_of_a_process_shares_one_copy(shared_cache):
    from pagecache.backends import RedisCache

    # Django gives each thread its own cache object, made like these.
    one, other = RedisCache(REDIS_URL, {}), RedisCache(REDIS_URL, {})
    assert local.copy_for(one) is local.copy_for(other) is not None
    assert local.copy_for(RedisCache("redis://127.0.0.1:6379/10", {})) is not local.copy_for(one)


class TestMemory:
    def entry(self, version_, size):
        return (version_, b"x" * size, {"Content-Type": "text/html"})

    def test_pages_are_kept_up_to_the_limit_oldest_first_out(self, shared_cache):
        copy = LocalCopy(shared_cache.watch(VERSION_KEY), 10_000)
        for n in range(20):
            copy.keep(f"page-{n}", self.entry(7, 1_000))
        assert copy.size <= 10_000
        assert copy.page("page-19", 7) is not None
        assert copy.page("page-0", 7) is None
        assert copy.size == sum(cost for _, cost in copy.pages.values())

    def test_a_new_version_drops_every_page(self, shared_cache):
        copy = LocalCopy(shared_cache.watch(VERSION_KEY), 10_000)
        copy.keep("a", self.entry(7, 1_000))
        copy.keep("b", self.entry(8, 1_000))
        assert copy.page("a", 7) is None
        assert list(copy.pages) == ["b"]

    def test_a_page_larger_than_the_limit_is_not_kept(self, shared_cache):
        copy = LocalCopy(shared_cache.watch(VERSION_KEY), 10_000)
        copy.keep("big", self.entry(7, 20_000))
        assert copy.page("big", 7) is None and copy.size == 0

    def test_off_when_the_limit_is_zero(self, shared_cache, settings):
        from pagecache.backends import RedisCache

        settings.PAGE_CACHE_LOCAL_MAX_BYTES = 0
        assert local.copy_for(RedisCache(REDIS_URL, {})) is None
