"""Faults: the database or the cache goes away, and the site behaves and recovers."""

import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import InterfaceError, OperationalError

from tests.servers import Gunicorn, free_port, manage

CLOSED_REDIS = {
    "default": {
        "BACKEND": "pagecache.backends.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


@pytest.mark.django_db
class TestInProcess:
    @pytest.mark.parametrize("error", [OperationalError, InterfaceError])
    def test_database_errors_give_a_friendly_503_with_retry_after(self, client, monkeypatch, error):
        def fail(*args, **kwargs):
            raise error("could not connect to server: Connection refused")

        monkeypatch.setattr("pagecache.version.state", fail)
        client.raise_request_exception = False
        response = client.get("/")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        body = response.content.decode()
        assert "Back in a moment" in body
        assert "Connection refused" not in body and "Traceback" not in body

    def test_other_errors_are_still_a_500(self, client, monkeypatch):
        def fail(*args, **kwargs):
            raise ValueError("boom")

        monkeypatch.setattr("pagecache.version.state", fail)
        client.raise_request_exception = False
        assert client.get("/").status_code == 500

    def test_health_reports_database_and_cache(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
        assert response.cookies == {}
        assert "no-cache" in response["Cache-Control"]

    def test_health_with_the_cache_down_is_degraded_but_up(self, client, settings):
        settings.CACHES = CLOSED_REDIS
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["status"] == "degraded"
        assert response.json()["cache"].startswith("error")

    def test_health_with_the_database_down_is_503(self, client, monkeypatch):
        def fail(*args, **kwargs):
            raise OperationalError("server closed the connection unexpectedly")

        monkeypatch.setattr("pagecache.version.read", fail)
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["database"].startswith("error")

    def test_pages_keep_serving_with_the_cache_down(self, client, settings, seeded):
        settings.CACHES = CLOSED_REDIS
        assert client.get("/").status_code == 200
        assert client.get("/delegations/portugal-2013/").status_code == 200


# --- A real server, a real database going away and coming back --------------------------


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class Forwarder:
    """A TCP proxy to PostgreSQL that the test can cut and restore, like a network fault."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = free_port()
        self.sockets = []
        self.server = None

    def start(self):
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self.accept, args=(self.server,), daemon=True).start()

    def accept(self, server):
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def pipe(source, destination):
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, destination):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        try:
            self.server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.server.close()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass
        self.sockets = []


@pytest.fixture
def real_site(tmp_path, collected_static):
    """A migrated, seeded database and a way to break it; yields (env, break, mend)."""
    url = os.environ.get("DATABASE_URL", "")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "faults-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "ENV_FILE": os.devnull,
        "STATIC_ROOT": str(collected_static),
        "GUNICORN_ACCESS_LOG": os.devnull,
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "LOG_LEVEL": "CRITICAL",
    }
    env.pop("REDIS_URL", None)
    if url.startswith("postgres"):
        import psycopg2

        base, name = url.rsplit("/", 1)[0], "cosn_global_faults"
        admin = psycopg2.connect(base + "/postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {name}")
        forwarder = Forwarder(5432)
        forwarder.start()
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{forwarder.port}/{name}"
        yield env, forwarder.stop, forwarder.start
        forwarder.stop()
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
    else:
        db = tmp_path / "site.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{db}"
        env["CONN_MAX_AGE"] = "0"  # an open SQLite file would outlive its rename
        hidden = tmp_path / "moved-away.sqlite3"

        def break_it():
            db.rename(hidden)

        def mend_it():
            db.unlink(missing_ok=True)  # SQLite creates an empty file when it is missing
            hidden.rename(db)

        yield env, break_it, mend_it


def test_a_lost_database_gives_503_and_the_site_recovers_by_itself(real_site, tmp_path):
    env, break_database, mend_database = real_site
    manage("migrate", "-v0", env=env)
    manage("load_seed_content", "-v0", env=env)
    with Gunicorn(env, tmp_path / "gunicorn.log") as server:
        base = server.url
        assert status(base + "/")[0] == 200

        break_database()
        code, headers, body = status(base + "/delegations/portugal-2013/")
        assert code == 503
        assert headers["Retry-After"] == "30"
        assert "Back in a moment" in body
        code, _, body = status(base + "/healthz")
        assert code == 503
        assert json.loads(body)["database"].startswith("error")

        mend_database()
        deadline = time.monotonic() + 15
        while status(base + "/")[0] != 200:
            assert time.monotonic() < deadline, "the site did not recover"
            time.sleep(0.5)
        assert json.loads(status(base + "/healthz")[2])["database"] == "ok"
