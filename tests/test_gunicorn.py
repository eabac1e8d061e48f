"""gunicorn.conf.py's recycling policy: a worker is replaced when its memory passes
GUNICORN_MAX_WORKER_MB, not after a number of requests, and no request fails for it."""

import json
import runpy
from pathlib import Path

from tests.servers import ROOT, Gunicorn, http_status, production_env


def test_workers_are_not_replaced_after_a_number_of_requests_by_default(monkeypatch):
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    monkeypatch.delenv("GUNICORN_MAX_WORKER_MB", raising=False)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["max_requests"] == 0
    assert conf["max_worker_memory"] == 512 * 1024 * 1024
    assert 0 < conf["resident_memory"]() < conf["max_worker_memory"]


def test_a_worker_over_its_memory_limit_is_replaced_without_failing_a_request(
    collected_static, tmp_path
):
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        STATIC_ROOT=str(collected_static),
        WEB_CONCURRENCY="1",
        GUNICORN_MAX_WORKER_MB="1",  # every worker is over it: replaced every 100 requests
        GUNICORN_ACCESS_LOG="/dev/null",
    )
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    stylesheet = "/static/" + manifest["paths"]["css/site.css"]
    log = Path(tmp_path / "gunicorn.log")
    with Gunicorn(env, log, ready_path=stylesheet) as server:
        statuses = [http_status(server.url + stylesheet) for _ in range(250)]
    assert set(statuses) == {200}
    replaced = [line for line in log.read_text().splitlines() if "replacing it" in line]
    assert len(replaced) >= 2, log.read_text()
    assert "over GUNICORN_MAX_WORKER_MB" in replaced[0]
