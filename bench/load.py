"""make load: every public page under wrk while visitors send inquiries (bench/README.md).

Exits 1 on any answer other than 2xx or 3xx, any socket error or timeout, and any
accepted inquiry not stored exactly once.
"""

import argparse
import datetime
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter

from bench import common
from bench.common import WORK, log
from tests.servers import Gunicorn, http_status, production_env

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cosn_global_load"
REDIS_URL = "redis://127.0.0.1:6379/13"
TRIP = "/delegations/load-test-trip/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MARKER = re.compile(r"\[load (\S+)\]")


def prepare():
    """The seed content, and an upcoming trip with a contact: its page has the inquiry
    form. Returns every public page, feed and calendar, and the stylesheet."""
    from django.core.management import call_command
    from django.templatetags.static import static
    from django.urls import reverse
    from django.utils import timezone

    from core.dates import DatePrecision
    from core.models import Person
    from delegations.models import Country, Delegation, Dispatch, Report
    from symposium.models import Symposium

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_seed_content", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    start = timezone.localdate() + datetime.timedelta(days=60)
    trip = Delegation.objects.create(
        title="Load test trip",
        slug=TRIP.split("/")[2],
        summary="A trip that exists only in the load test's database.",
        start_date=start,
        end_date=start + datetime.timedelta(days=6),
        is_published=True,
    )
    trip.destinations.create(country=Country.objects.order_by("name").first())
    trip.contacts.add(Person.objects.create(name="Load Test", email="load-test@example.org"))

    def urls(objects, name=None, key="slug"):
        return [
            reverse(name, args=[getattr(o, key)]) if name else o.get_absolute_url() for o in objects
        ]

    # Calendars exist only for known days.
    exact_days = {"date_precision": DatePrecision.DAY, "start_date__isnull": False}
    delegations = Delegation.objects.published()
    podcasts = delegations.filter(dispatches__kind=Dispatch.Kind.PODCAST).distinct()
    symposia = Symposium.objects.published()
    paths = [
        *("/", reverse("delegations:delegation-list"), reverse("delegations:overview")),
        *urls(delegations),
        *urls(delegations.filter(**exact_days), "delegations:delegation-calendar"),
        *urls(podcasts, "delegations:delegation-podcast"),
        *urls(Report.objects.published().select_related("delegation")),
        *urls(Dispatch.objects.published().select_related("delegation")),
        reverse("symposium:symposium-list"),
        *urls(symposia),
        *urls(symposia.filter(**exact_days), "symposium:symposium-calendar", "year"),
        *(reverse("search") + "?q=ict", reverse("feed-latest"), reverse("calendar")),
        *(reverse("sitemap"), reverse("robots-txt"), static("css/site.css")),
    ]
    return list(dict.fromkeys(paths))


def visitor(url, name, deadline, outcomes, accepted):
    """One new visitor after another until the deadline: the trip's page (the CSRF cookie
    and token), then the form, which redirects to the thanks page."""
    visit = 0
    while time.monotonic() < deadline:
        visit += 1
        marker = f"{name}-{visit}"
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        form = {"name": "Load Tester", "email": f"{marker}@example.org", "consent": "on"}
        form["message"] = f"A load-test inquiry. [load {marker}]"
        try:
            with browser.open(url + TRIP, timeout=10) as page:
                form["csrfmiddlewaretoken"] = CSRF_INPUT.search(page.read().decode())[1]
            data = urllib.parse.urlencode(form).encode()
            post = urllib.request.Request(f"{url}{TRIP}inquire/", data, {"Origin": url})
            with browser.open(post, timeout=10) as answer:
                thanked = answer.url == f"{url}{TRIP}inquire/thanks/"
                outcome = answer.status if thanked else f"{answer.status} at {answer.url}"
            if outcome == 200:
                accepted.append(marker)
        except urllib.error.HTTPError as error:
            outcome = error.code
        except (OSError, TypeError) as error:  # TypeError: no token in the page
            outcome = type(error).__name__
        outcomes.append(outcome)  # list.append is atomic: the threads need no lock


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60)")
    parser.add_argument("--connections", type=int, default=64, help="wrk's connections (64)")
    parser.add_argument("--visitors", type=int, default=8, help="visitors at once (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    args = parser.parse_args()
    database_url = os.environ.get("LOAD_DATABASE_URL", DATABASE_URL)
    log("Recreating the load database, loading the seed content...")
    common.create_database(database_url, must_say="load", drop=True)
    env = production_env(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        STATIC_ROOT=str(WORK / "load-static"),
        # Every inquiry comes from one address: the per-client limit would refuse most.
        INQUIRY_RATE_LIMIT="0",
        WEB_CONCURRENCY=str(args.workers),
        GUNICORN_ACCESS_LOG=os.devnull,
    )
    common.start_django(env)
    from django.db import connections

    from delegations.models import Inquiry

    paths = prepare()
    connections.close_all()
    common.flush_redis(REDIS_URL)
    load_before = os.getloadavg()[0]
    with Gunicorn(env, WORK / "gunicorn-load.log", stop_timeout=40) as server:
        wrong = {path: s for path in paths if (s := http_status(server.url + path)) != 200}
        if wrong:
            return f"Not 200 before the load: {wrong}"
        log(f"{args.duration} s of wrk on {len(paths)} paths, {args.visitors} visitors...")
        deadline, run_id = time.monotonic() + args.duration, uuid.uuid4().hex[:12]
        outcomes, accepted = [], []
        visitors = [
            threading.Thread(
                target=visitor, args=(server.url, f"{run_id}-{n}", deadline, outcomes, accepted)
            )
            for n in range(args.visitors)
        ]
        for thread in visitors:
            thread.start()
        pages = common.wrk(server.url, paths, args.duration, args.connections, timeout=10)
        for thread in visitors:
            thread.join()
    messages = Inquiry.objects.filter(message__contains=f"[load {run_id}-")
    stored = Counter(MARKER.search(m)[1] for m in messages.values_list("message", flat=True))
    missing = len(set(accepted) - set(stored))
    twice = sum(n > 1 for n in stored.values())
    outcomes = Counter(outcomes)
    failed = pages["status_errors"] + pages["socket_errors"]
    failed += sum(n for outcome, n in outcomes.items() if outcome != 200) + missing + twice
    seconds = pages["duration_us"] / 1e6
    print(
        f"Load test of {datetime.date.today()}: {os.cpu_count()} cores, load average before "
        f"{load_before:.2f}; gunicorn {args.workers} workers × 4 threads, PostgreSQL, Redis.\n"
        f"Pages: wrk, {args.connections} connections over {len(paths)} paths, {seconds:.1f} s: "
        f"{pages['requests']:,} requests ({pages['requests'] / seconds:,.0f}/s), p50 "
        f"{pages['p50_us'] / 1000:.0f} ms, p99 {pages['p99_us'] / 1000:.0f} ms, max "
        f"{pages['max_us'] / 1000:.0f} ms; 4xx/5xx {pages['status_errors']}, socket errors "
        f"{pages['socket_errors']}.\n"
        f"Inquiries from {args.visitors} visitors at a time: {dict(outcomes)} (200: thanked); "
        f"accepted {len(accepted):,} ({len(accepted) / args.duration:.1f}/s), "
        f"stored {stored.total():,}: missing {missing}, stored twice {twice}.\n"
        f"Result: {'FAIL' if failed or not accepted else 'PASS'}."
    )
    return 1 if failed or not accepted else 0


if __name__ == "__main__":
    common.run_script(main)
