"""What bench/run.py and bench/load.py share: wrk, their own database, Django in process."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
# What a browser sends: whitenoise then serves the pre-compressed stylesheet.
ACCEPT_ENCODING = "br, gzip"


def log(message):
    print(message, file=sys.stderr, flush=True)


def wrk(url, paths, seconds, connections, timeout=5):
    """One wrk run going round `paths` on the server at `url`: wrk.lua's RESULT."""
    command = [
        *("wrk", "--threads=1", f"--connections={connections}", f"--duration={seconds}s"),
        *(f"--timeout={timeout}s", f"--script={ROOT / 'bench' / 'wrk.lua'}"),
        *(f"--header=Accept-Encoding: {ACCEPT_ENCODING}", url, "--", *paths),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    raise RuntimeError(f"wrk failed:\n{done.stdout}{done.stderr}")


def create_database(url, *, must_say, drop=False):
    """Create the database of a PostgreSQL URL if it is missing (first dropping it if `drop`)."""
    import psycopg2
    from psycopg2.sql import SQL, Identifier

    server, name = url.rsplit("/", 1)
    if not url.startswith("postgres") or must_say not in name:
        sys.exit(f"Refusing {url}: PostgreSQL only, and the name must contain {must_say!r}.")
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True  # CREATE and DROP DATABASE refuse to run in a transaction
    try:
        with admin.cursor() as cursor:
            if drop:
                cursor.execute(
                    SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(Identifier(name))
                )
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not cursor.fetchone():
                cursor.execute(SQL("CREATE DATABASE {}").format(Identifier(name)))
    finally:
        admin.close()


def start_django(env):
    """Django in this process, with exactly the environment the server gets."""
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def run_script(main, *, needs_wrk=True):
    """Run a script's main(); its servers are stopped on Ctrl-C and on `kill` too."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if needs_wrk and not shutil.which("wrk"):
        log("wrk is missing: sudo apt-get install -y wrk (make does it when run as root).")
        sys.exit(2)
    WORK.mkdir(parents=True, exist_ok=True)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("Interrupted; the servers have been stopped.")
        sys.exit(130)
