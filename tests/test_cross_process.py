"""An edit is visible on the very next request on every process, whatever the cache.

Two gunicorn servers share one database (and, for the Redis case, one Redis); each
keeps its own page cache in the local-memory case. Both are warmed, content is edited
from a third process, and both must show the edit at once.
"""

import contextlib
import os
import socket
import urllib.request

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

    base = url.rsplit("/", 1)[0]
    name = "cosn_global_cross_process"
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
