"""An edit is visible on the very next request on every process, whatever the cache.

Two gunicorn servers share one database (and, for the Redis case, one Redis); each
keeps its own page cache in the local-memory case. Both are warmed, content is edited
from a third process, and both must show the edit at once.
"""

import contextlib
import os
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

from tests.servers import Gunicorn, manage

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def reachable(host, port):
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode(), response.headers["ETag"]


@pytest.fixture
def static_root(collected_static):
    return collected_static


@pytest.fixture
def database_url(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}"
        return
    import psycopg2

    base, own = url.rsplit("/", 1)
    name = f"{own}_cross_process"  # beside the test database, so runs side by side never meet
    admin = psycopg2.connect(base + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    yield f"{base}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture(params=["local memory", "redis"])
def site_env(request, static_root, database_url):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "cross-process-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(static_root),
        "ENV_FILE": os.devnull,
        "GUNICORN_ACCESS_LOG": os.devnull,
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
    }
    env.pop("REDIS_URL", None)
    if request.param == "redis":
        if not reachable("127.0.0.1", 6379):
            pytest.skip("no Redis at 127.0.0.1:6379")
        import redis

        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
        env["REDIS_URL"] = REDIS_TEST_URL
    manage("migrate", "--no-input", "-v0", env=env)
    manage("load_seed_content", "-v0", env=env)
    return env


@pytest.fixture
def servers(site_env, tmp_path):
    with contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(Gunicorn(site_env, tmp_path / f"gunicorn-{n}.log")).url
            for n in range(2)
        ]


def edit(site_env, code):
    manage("shell", "-c", code, env=site_env)


def test_an_edit_reaches_every_server_on_the_next_request(servers, site_env):
    page = "/delegations/portugal-2013/"
    for url in servers:
        for _ in range(2):  # the second answer comes from each server's cache
            body, _ = fetch(url + page)
            assert "Reinventing Learning in Portugal" in body
    etags = {fetch(url + page)[1] for url in servers}
    assert len(etags) == 1, "servers disagree on the page's version"

    edit(
        site_env,
        "from delegations.models import Delegation\n"
        "trip = Delegation.objects.get(slug='portugal-2013')\n"
        "trip.title = 'Portugal and the Azores'\n"
        "trip.save()",
    )
    for url in servers:
        body, etag = fetch(url + page)
        assert "Portugal and the Azores" in body
        assert etag not in etags

    edit(site_env, "from delegations.models import Report\nReport.objects.all().delete()")
    for url in servers:
        assert "Reinventing Learning in Portugal" not in fetch(url + page)[0]
        assert "Reinventing Learning in Portugal" not in fetch(url + "/")[0]

    # Wording an editor changes: each server keeps the changes it loaded, for one version.
    edit(
        site_env,
        "from core.models import Wording\n"
        "Wording.objects.create(key='site.footer.privacy', text='Your details and us')",
    )
    for url in servers:
        assert ">Your details and us</a>" in fetch(url + page)[0]
        assert ">Your details and us</a>" in fetch(url + "/")[0]


# Scheduled changes: nothing is saved at the moment itself, and each server turns over by
# its own clock (the same machine's as this test's).
GOES_LIVE = "Quokka diary"
COMES_DOWN = "Wombat notes"


@dataclass
class Answer:
    server: str
    sent: float  # wall clock just before sending
    received: float  # and just after the whole answer arrived
    status: int
    body: str  # empty for a 304
    etag: str
    revalidated_with: str | None  # the ETag sent, for a conditional request


def ask(server, page, etag=None):
    request = urllib.request.Request(server + page)
    if etag:
        request.add_header("If-None-Match", etag)
    sent = time.time()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, body, headers = response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        status, body, headers = error.code, "", error.headers
    return Answer(server, sent, time.time(), status, body, headers["ETag"], etag)


def test_scheduled_changes_reach_every_server_at_their_moment(servers, site_env):
    """A dispatch goes live and another comes down a few seconds from now, with no save
    at either moment. Both servers are asked without pause, plainly and as a browser
    revalidating the last ETag it got, until after both moments: no answer completed
    before a moment shows what it changes, every request sent from it does, and no 304
    is given from it for an ETag of before it."""
    page = "/delegations/portugal-2013/"
    go_live = time.time() + 5
    expiry = go_live + 2.5
    edit(
        site_env,
        "import datetime\n"
        "from delegations.models import Delegation, Dispatch\n"
        "def at(seconds):\n"
        "    return datetime.datetime.fromtimestamp(seconds, datetime.UTC)\n"
        "trip = Delegation.objects.get(slug='portugal-2013')\n"
        f"Dispatch.objects.create(delegation=trip, title={GOES_LIVE!r}, slug='quokka',"
        f" body='<p>Day one.</p>', go_live_at=at({go_live!r}))\n"
        f"Dispatch.objects.create(delegation=trip, title={COMES_DOWN!r}, slug='wombat',"
        f" body='<p>Day two.</p>', expires_at=at({expiry!r}))\n",
    )
    assert time.time() < go_live - 1, "the edit took too long to leave time to warm up"

    answers = []
    last_etag = {}
    for server in servers:
        for _ in range(2):  # the second from the server's cache
            answer = ask(server, page)
            assert answer.status == 200
            assert COMES_DOWN in answer.body and GOES_LIVE not in answer.body
            last_etag[server] = answer.etag
        answers.append(answer)
    before_go_live = dict(last_etag)

    while time.time() < expiry + 1.5:
        for server in servers:
            answers.append(ask(server, page))
            revalidated = ask(server, page, last_etag[server])
            answers.append(revalidated)
            if revalidated.status == 200:
                last_etag[server] = revalidated.etag

    for answer in answers:
        assert answer.status in (200, 304), answer
        if answer.status == 304:
            # Only right while the copy it revalidates is still the page: a 304 is
            # decided before the answer completes, so it must have been asked for
            # before any moment its copy does not show.
            shown = next(
                a for a in answers if a.status == 200 and a.etag == answer.revalidated_with
            )
            assert_right_for(shown.body, answer.sent, go_live, expiry, answer)
        else:
            if answer.received < go_live:
                assert GOES_LIVE not in answer.body, answer
            if answer.sent >= go_live:
                assert GOES_LIVE in answer.body, answer
            if answer.received < expiry:
                assert COMES_DOWN in answer.body, answer
            if answer.sent >= expiry:
                assert COMES_DOWN not in answer.body, answer

    # The browsers' copies of before each moment are not revalidated after it.
    before_expiry = {
        a.server: a.etag
        for a in answers
        if a.status == 200 and go_live <= a.sent and a.received < expiry
    }
    for server in servers:
        for etag in (before_go_live[server], before_expiry.get(server)):
            answer = ask(server, page, etag)
            assert answer.status == 200, answer
            assert GOES_LIVE in answer.body and COMES_DOWN not in answer.body


def assert_right_for(body, sent, go_live, expiry, answer):
    """A 304 sent at `sent` confirmed the copy `body`: it must be the page as it was then
    or as it became while the request was under way."""
    if sent >= go_live:
        assert GOES_LIVE in body, answer
    if sent >= expiry:
        assert COMES_DOWN not in body, answer
