"""Load under abuse: every public page under wrk while visitors send inquiries (bench/README.md).

1. Drops and creates the PostgreSQL database cosn_global_load, migrates it, loads the
   seed content and adds one upcoming trip (so that a page has the inquiry form), then
   collects the static files into bench/.work/load/static.
2. Starts gunicorn as in production (DEBUG off, Redis db 13 as the cache, the inquiry
   rate limit off) on a free loopback port and checks that every path answers 200.
3. For --duration seconds, at the same time: wrk with --connections connections cycling
   through every public page (bench/load.lua), and --submitters threads that each act
   as one new visitor after another: open the upcoming trip's page, send its form with a
   unique marker in the message, follow the redirect to the thanks page.
4. Stops gunicorn, then checks that every accepted inquiry is in the database exactly once.

Exits 1 on any 5xx (or other 4xx/5xx) response, any socket error or timeout, or any
accepted inquiry missing or stored twice; 2 when wrk is missing.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, from any folder: the project must be importable.
sys.path.insert(0, str(ROOT))
from tests.servers import HOST, Gunicorn, production_env

WORK = ROOT / "bench" / ".work" / "load"
STATIC_ROOT = WORK / "static"
PATHS_FILE = WORK / "paths.txt"
GUNICORN_LOG = WORK / "gunicorn.log"
LUA_SCRIPT = ROOT / "bench" / "load.lua"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cosn_global_load"
REDIS_URL = "redis://127.0.0.1:6379/13"
# What a browser sends: whitenoise then serves the pre-compressed stylesheet.
ACCEPT_ENCODING = "br, gzip"
TRIP_SLUG = "load-test-trip"
# No run sends more inquiries than this, however long it lasts.
MAX_INQUIRIES = 20_000

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MARKER = re.compile(r"\[load (\w+-\d+-\d+)\]")

WRK_MISSING = """\
wrk, the HTTP load generator, is not installed. On Debian or Ubuntu:

    sudo apt-get update && sudo apt-get install -y wrk

(`make load` tries that itself when it runs as root.)"""


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=f"LOAD_DATABASE_URL overrides the database ({DEFAULT_DATABASE_URL}); "
        "its name must contain 'load', as the database is dropped first.",
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60)")
    parser.add_argument(
        "--connections", type=int, default=64, help="wrk's concurrent connections (64)"
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk's threads (1)")
    parser.add_argument(
        "--submitters", type=int, default=8, help="visitors sending inquiries at once (8)"
    )
    parser.add_argument(
        "--max-inquiries",
        type=int,
        default=MAX_INQUIRIES,
        help=f"stop sending inquiries after this many ({MAX_INQUIRIES:,})",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=10,
        help="seconds a client waits for an answer before counting a timeout (10)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--gunicorn-threads", type=int, default=4, help="threads per gunicorn worker (4)"
    )
    args = parser.parse_args()
    if min(args.duration, args.connections, args.threads, args.submitters, args.timeout) < 1:
        parser.error("every number must be at least 1")
    args.max_inquiries = max(0, min(args.max_inquiries, MAX_INQUIRIES))
    return args


def log(message):
    print(message, file=sys.stderr, flush=True)


def settings_env(database_url, args):
    """Production settings over plain http on loopback, for the server and for this
    process's Django: the load database, Redis db 13, no limit on inquiries."""
    return production_env(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        STATIC_ROOT=str(STATIC_ROOT),
        # One client sends every inquiry: the per-client limit would refuse all but 5.
        INQUIRY_RATE_LIMIT="0",
        WEB_CONCURRENCY=str(args.workers),
        GUNICORN_THREADS=str(args.gunicorn_threads),
        GUNICORN_ACCESS_LOG=os.devnull,
        LOG_LEVEL="INFO",
    )


def database_config(url):
    import environ

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit(f"The load test needs PostgreSQL, not {config['ENGINE']}.")
    if "load" not in str(config["NAME"]):
        sys.exit(f"Refusing to drop {config['NAME']!r}: the load database's name must say load.")
    return config


def connect(config, dbname):
    import psycopg2

    return psycopg2.connect(
        dbname=dbname,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )


def recreate_database(config):
    from psycopg2 import sql

    admin = connect(config, "postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            name = sql.Identifier(config["NAME"])
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    finally:
        admin.close()


def prepare():
    """Fill the load database and collect the static files (in this process's Django)."""
    from django.core.management import call_command

    log("Migrating, loading the seed content, adding an upcoming trip...")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_seed_content", verbosity=0)
    add_upcoming_trip()
    log("Collecting static files...")
    call_command("collectstatic", interactive=False, verbosity=0)


def add_upcoming_trip():
    """A published trip about 60 days ahead, with a destination and a contact, so that
    its page carries the inquiry form. Test data, in the load database only."""
    from django.utils import timezone

    from delegations.models import Contact, Country, DatePrecision, Delegation, Destination

    start = timezone.localdate() + datetime.timedelta(days=60)
    country = Country.objects.order_by("name").first() or Country.objects.create(
        name="Load test country"
    )
    trip = Delegation.objects.create(
        title="Load test trip",
        slug=TRIP_SLUG,
        summary="A trip made up for the load test; it exists only in the load database.",
        date_precision=DatePrecision.DAY,
        start_date=start,
        end_date=start + datetime.timedelta(days=6),
        is_published=True,
    )
    Destination.objects.create(delegation=trip, country=country)
    trip.contacts.add(
        Contact.objects.create(name="Load test contact", email="load-test@example.org")
    )


def public_paths():
    """Every public page, feed and calendar, and the stylesheet, from the database."""
    from django.templatetags.static import static
    from django.urls import reverse

    from delegations.models import Delegation, Dispatch, Report
    from symposium.models import Symposium

    delegations = Delegation.objects.published().order_by("slug")
    symposia = Symposium.objects.published().order_by("year")
    podcasts = Dispatch.objects.published().filter(kind=Dispatch.Kind.PODCAST)
    paths = [
        reverse("landing"),
        reverse("delegations:delegation-list"),
        *(delegation.get_absolute_url() for delegation in delegations),
        *(
            reverse("delegations:delegation-calendar", kwargs={"slug": slug})
            for slug in delegations.filter(start_date__isnull=False).values_list("slug", flat=True)
        ),
        *(
            reverse("delegations:delegation-podcast", kwargs={"slug": slug})
            for slug in delegations.filter(pk__in=podcasts.values("delegation"))
            .values_list("slug", flat=True)
            .distinct()
        ),
        *(
            report.get_absolute_url()
            for report in Report.objects.published().select_related("delegation").order_by("slug")
        ),
        *(
            dispatch.get_absolute_url()
            for dispatch in Dispatch.objects.published()
            .select_related("delegation")
            .order_by("delegation__slug", "slug")
        ),
        reverse("symposium:symposium-list"),
        *(symposium.get_absolute_url() for symposium in symposia),
        *(
            reverse("symposium:symposium-calendar", kwargs={"year": year})
            for year in symposia.filter(start_date__isnull=False).values_list("year", flat=True)
        ),
        reverse("search") + "?q=ict",
        reverse("delegations:overview"),
        reverse("feed-latest"),
        reverse("calendar"),
        reverse("sitemap"),
        reverse("robots-txt"),
        static("css/site.css"),
    ]
    return list(dict.fromkeys(paths))


def flush_redis():
    """Empty Redis db 13, the load test's own; nothing else."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def fetch(port, path, timeout=10):
    """(status, headers, body) of one GET; redirects are not followed."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


class Submitters:
    """Visitors who send the inquiry form, `count` at a time, until `deadline`.

    Each visit is a new visitor, as a browser without cookies: GET the trip's page (for
    the CSRF cookie and token), POST the form, follow the redirect to the thanks page.
    Connections are kept alive between visits, as a browser keeps them between pages.
    """

    def __init__(self, port, slug, count, seconds, max_inquiries, timeout):
        self.port, self.count, self.timeout = port, count, timeout
        self.page = f"/delegations/{slug}/"
        self.action = f"/delegations/{slug}/inquire/"
        self.thanks = f"/delegations/{slug}/inquire/thanks/"
        self.run = uuid.uuid4().hex[:12]
        self.seconds, self.remaining = seconds, max_inquiries
        self.lock = threading.Lock()
        self.statuses = Counter()  # (step, status)
        self.errors = Counter()  # (step, exception)
        self.accepted = []  # markers answered with the redirect to the thanks page
        self.unanswered = []  # markers sent but not answered (socket error or timeout)
        self.sent = 0
        self.wall = 0.0

    def start(self):
        self.started = time.monotonic()
        self.deadline = self.started + self.seconds
        self.threads = [
            threading.Thread(target=self.visitor, args=(number,), daemon=True)
            for number in range(self.count)
        ]
        for thread in self.threads:
            thread.start()

    def join(self):
        for thread in self.threads:
            thread.join()
        self.wall = time.monotonic() - self.started

    def ticket(self):
        with self.lock:
            if self.remaining <= 0 or time.monotonic() >= self.deadline:
                return False
            self.remaining -= 1
            return True

    def visitor(self, number):
        connection, visit = None, 0
        while self.ticket():
            visit += 1
            marker = f"{self.run}-{number}-{visit}"
            step = "page"
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
                status, headers, body = self.request(connection, step, "GET", self.page)
                cookie = SimpleCookie()
                for header in headers.get_all("Set-Cookie") or []:
                    cookie.load(header)
                token = CSRF_INPUT.search(body.decode())
                if status != 200 or not token or "csrftoken" not in cookie:
                    with self.lock:
                        self.errors[(step, "no form or CSRF cookie")] += 1
                    continue
                form = urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": token.group(1),
                        "name": f"Load Tester {number}",
                        "email": f"load-{number}-{visit}@example.org",
                        "organisation": "Load test",
                        "role": "Researcher",
                        "message": f"A load-test inquiry. [load {marker}]",
                        "consent": "on",
                        "website": "",
                    }
                )
                step = "inquiry"
                with self.lock:
                    self.sent += 1
                status, headers, _ = self.request(
                    connection,
                    step,
                    "POST",
                    self.action,
                    body=form,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Cookie": f"csrftoken={cookie['csrftoken'].value}",
                        "Origin": f"http://{HOST}:{self.port}",
                    },
                )
                location = urllib.parse.urlsplit(headers.get("Location", "")).path
                if status != 302 or location != self.thanks:
                    continue
                with self.lock:
                    self.accepted.append(marker)
                step = "thanks"
                self.request(connection, step, "GET", self.thanks)
            except (OSError, http.client.HTTPException) as error:
                with self.lock:
                    self.errors[(step, type(error).__name__)] += 1
                    if step == "inquiry":
                        self.unanswered.append(marker)
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()

    def request(self, connection, step, method, path, body=None, headers=None):
        headers = {"Accept-Encoding": ACCEPT_ENCODING, **(headers or {})}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        with self.lock:
            self.statuses[(step, response.status)] += 1
        if response.will_close:
            connection.close()
        return response.status, response.headers, content


def run_wrk(port, args):
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={args.duration}s",
        f"--timeout={args.timeout}s",
        f"--script={LUA_SCRIPT}",
        f"--header=Accept-Encoding: {ACCEPT_ENCODING}",
        f"http://{HOST}:{port}",
        "--",
        str(PATHS_FILE),
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wrk_result(process):
    stdout, stderr = process.communicate()
    for line in stdout.splitlines():
        if line.startswith("LOAD_RESULT "):
            return json.loads(line.removeprefix("LOAD_RESULT "))
    raise RuntimeError(f"wrk failed:\n{stdout}{stderr}")


def stored_markers(config, run):
    """How many times each marker of this run is in delegations_inquiry, and the
    inquiries' email outcomes."""
    connection = connect(config, config["NAME"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT message, email_status FROM delegations_inquiry WHERE message LIKE %s",
                [f"%[load {run}-%"],
            )
            rows = cursor.fetchall()
    finally:
        connection.close()
    markers = Counter(match.group(1) for message, _ in rows if (match := MARKER.search(message)))
    return markers, Counter(status for _, status in rows)


def server_errors_logged():
    """Lines of the gunicorn log that report an error (the app logs JSON, gunicorn text)."""
    if not GUNICORN_LOG.exists():
        return []
    return [
        line
        for line in GUNICORN_LOG.read_text(errors="replace").splitlines()
        if '"level": "ERROR"' in line or "[ERROR]" in line or "[CRITICAL]" in line
    ]


def main():
    args = parse_args()
    # A `kill` stops the run like Ctrl-C does, so gunicorn is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not shutil.which("wrk"):
        log(WRK_MISSING)
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE_URL)
    config = database_config(database_url)
    env = settings_env(database_url, args)

    log(f"Recreating the database {config['NAME']}...")
    recreate_database(config)
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    prepare()
    paths = public_paths()
    connections.close_all()
    PATHS_FILE.write_text("".join(f"{path}\n" for path in paths))
    flush_redis()

    load_before = os.getloadavg()[0]
    with Gunicorn(env, GUNICORN_LOG, stop_timeout=40) as server:
        log(f"gunicorn on port {server.port}; checking {len(paths)} paths...")
        wrong = [(path, status) for path in paths if (status := fetch(server.port, path)[0]) != 200]
        if wrong:
            raise RuntimeError(f"Not 200 before the load: {wrong}")
        log(
            f"Load: {args.duration} s, wrk {args.connections} connections over "
            f"{len(paths)} paths, {args.submitters} visitors sending inquiries..."
        )
        submitters = Submitters(
            server.port,
            TRIP_SLUG,
            args.submitters,
            args.duration,
            args.max_inquiries,
            args.timeout,
        )
        wrk = run_wrk(server.port, args)
        try:
            submitters.start()
            result = wrk_result(wrk)
            submitters.join()
        finally:
            if wrk.poll() is None:
                wrk.kill()
                wrk.wait()
        log("Stopping gunicorn...")
    stored, email_statuses = stored_markers(config, submitters.run)
    lines, failures = report(args, paths, result, submitters, stored, email_statuses)
    lines.insert(
        0,
        f"Load test of {datetime.date.today()}: {os.cpu_count()} cores, load average before "
        f"{load_before:.2f}; gunicorn {args.workers} workers × {args.gunicorn_threads} threads "
        f"(gthread), PostgreSQL, Redis page cache; clients time out after {args.timeout} s.",
    )
    print("\n".join(lines))
    for line in server_errors_logged()[:5]:
        log(f"gunicorn log: {line[:300]}")
    print(f"Result: {'FAIL: ' + '; '.join(failures) if failures else 'PASS'}.")
    return 1 if failures else 0


def counts(counter):
    return ", ".join(f"{key}: {value:,}" for key, value in sorted(counter.items())) or "none"


def report(args, paths, result, submitters, stored, email_statuses):
    """The summary's lines, and what failed (nothing on a pass)."""
    seconds = result["duration_us"] / 1e6
    page_statuses = Counter({int(status): n for status, n in result["statuses"].items()})
    socket_errors = Counter(
        connect=result["connect_errors"],
        read=result["read_errors"],
        write=result["write_errors"],
        timeout=result["timeouts"],
    )
    form_statuses = Counter(
        {f"{step} {status}": n for (step, status), n in submitters.statuses.items()}
    )
    form_errors = Counter({f"{step} {error}": n for (step, error), n in submitters.errors.items()})
    all_statuses = [*page_statuses.items(), *((s, n) for (_, s), n in submitters.statuses.items())]
    errors_5xx = sum(n for status, n in all_statuses if status >= 500)
    errors_4xx = sum(n for status, n in all_statuses if 400 <= status < 500)
    errors_socket = socket_errors.total() + form_errors.total()

    accepted = Counter(submitters.accepted)
    missing = [marker for marker in accepted if not stored[marker]]
    twice = [marker for marker, n in stored.items() if n > 1]
    unanswered_stored = sum(1 for marker in submitters.unanswered if stored[marker])
    wall = max(submitters.wall, 1e-9)
    server_errors = server_errors_logged()

    lines = [
        f"Pages: wrk with {args.connections} connections ({args.threads} thread"
        f"{'s' if args.threads > 1 else ''}), {seconds:.1f} s, {len(paths)} paths in turn",
        f"  requests {result['requests']:,} ({result['requests'] / seconds:,.0f} req/s); "
        f"latency p50 {result['p50_us'] / 1000:.1f} ms, p99 {result['p99_us'] / 1000:.1f} ms, "
        f"max {result['max_us'] / 1000:.1f} ms",
        f"  statuses: {counts(page_statuses)}",
        f"  socket errors: {counts(socket_errors)}",
        f"Inquiries: {args.submitters} visitors at once, {submitters.wall:.1f} s, "
        "each visit = trip page, form, thanks page",
        f"  statuses: {counts(form_statuses)}",
        f"  socket errors: {counts(form_errors)}",
        f"  submitted {submitters.sent:,}, accepted {len(accepted):,} "
        f"({len(accepted) / wall:,.1f}/s), "
        f"stored {stored.total():,}, missing {len(missing):,}, stored twice {len(twice):,}; "
        f"unanswered {len(submitters.unanswered):,} (stored anyway: {unanswered_stored:,})",
        f"  emails to the trip's contacts: {counts(email_statuses)}",
        f"Totals: 5xx {errors_5xx:,}, 4xx {errors_4xx:,}, socket errors {errors_socket:,}; "
        f"errors in the server log {len(server_errors):,}",
    ]
    failures = []
    if errors_5xx:
        failures.append(f"{errors_5xx:,} responses 5xx")
    if errors_4xx:
        failures.append(f"{errors_4xx:,} responses 4xx")
    if errors_socket:
        failures.append(f"{errors_socket:,} socket errors")
    if missing or twice:
        failures.append(f"{len(missing):,} accepted inquiries missing, {len(twice):,} stored twice")
    if not accepted:
        failures.append("no inquiry accepted")
    return lines, failures


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("Interrupted; the server has been stopped.")
        sys.exit(130)
