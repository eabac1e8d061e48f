"""make load: every public page under wrk while visitors send inquiries and apply to a
trip with few places (bench/README.md); then every application accepted at once.

Exits 1 on any answer other than 2xx or 3xx, any socket error or timeout, any thanked
inquiry or application not stored exactly once, and accepting every application taking
more or fewer than the trip's places or not waitlisting the rest.
"""

import argparse
import datetime
import os
import queue
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
PLACES_TRIP = "/delegations/load-test-places/"
PLACES = 20
DECIDERS = 8
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MARKER = re.compile(r"\[load (\S+)\]")


def prepare():
    """The seed content, and two upcoming trips with a contact: their pages have the
    inquiry form, and the second, with PLACES places, the application form. Returns every
    public page, feed and calendar, and the stylesheet."""
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
    contact = Person.objects.create(name="Load Test", email="load-test@example.org")
    trips = [("Load test trip", TRIP, None), ("Load test places", PLACES_TRIP, PLACES)]
    for title, path, places in trips:
        trip = Delegation.objects.create(
            title=title,
            slug=path.split("/")[2],
            summary="A trip that exists only in the load test's database.",
            start_date=start,
            end_date=start + datetime.timedelta(days=6),
            capacity=places,
            is_published=True,
        )
        trip.destinations.create(country=Country.objects.order_by("name").first())
        trip.contacts.add(contact)

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


def inquiry(marker):
    return {
        "name": "Load Tester",
        "email": f"{marker}@example.org",
        "message": f"A load-test inquiry. [load {marker}]",
        "consent": "on",
    }


def application(marker):
    return {
        "name": "Load Applicant",
        "email": f"{marker}@example.org",
        "organisation": "Load Test District",
        "role": "CTO",
        "country": "Ohio",
        "note": "A load-test application.",
        "consent": "on",
    }


def visitor(url, trip, form, fields, name, deadline, outcomes, thanked):
    """One new visitor after another until the deadline: the trip's page (the CSRF cookie
    and token), then the form (`form`, "inquire" or "apply", filled in by `fields` with
    a unique marker), which redirects to its thanks page."""
    visit = 0
    while time.monotonic() < deadline:
        visit += 1
        marker = f"{name}-{visit}"
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        data = fields(marker)
        try:
            with browser.open(url + trip, timeout=10) as page:
                data["csrfmiddlewaretoken"] = CSRF_INPUT.search(page.read().decode())[1]
            post = urllib.request.Request(
                f"{url}{trip}{form}/", urllib.parse.urlencode(data).encode(), {"Origin": url}
            )
            with browser.open(post, timeout=10) as answer:
                # ?waitlist: an application to a full trip.
                done = answer.url.split("?")[0] == f"{url}{trip}{form}/thanks/"
                outcome = answer.status if done else f"{answer.status} at {answer.url}"
            if outcome == 200:
                thanked.append(marker)
        except urllib.error.HTTPError as error:
            outcome = error.code
        except (OSError, TypeError) as error:  # TypeError: no token in the page
            outcome = type(error).__name__
        outcomes.append(outcome)  # list.append is atomic: the threads need no lock


def accept_all(trip):
    """Accept every application to `trip` from DECIDERS threads at once, as staff might,
    each taking the next from one queue in the order they applied. Returns the seconds it
    took and the errors."""
    from django.db import connection

    from delegations import applications
    from delegations.models import Application

    waiting = queue.SimpleQueue()
    for each in trip.applications.order_by("created_at", "pk"):
        waiting.put(each)
    errors = []

    def decider():
        try:
            while True:
                try:
                    each = waiting.get_nowait()
                except queue.Empty:
                    return
                try:
                    applications.change_status(each, Application.Status.ACCEPTED)
                except Exception as error:  # counted and reported below
                    errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()  # each thread has its own

    started = time.monotonic()
    deciders = [threading.Thread(target=decider) for _ in range(DECIDERS)]
    for thread in deciders:
        thread.start()
    for thread in deciders:
        thread.join()
    return time.monotonic() - started, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60)")
    parser.add_argument("--connections", type=int, default=64, help="wrk's connections (64)")
    parser.add_argument("--visitors", type=int, default=8, help="visitors inquiring at once (8)")
    parser.add_argument("--appliers", type=int, default=16, help="applicants at once (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    args = parser.parse_args()
    database_url = os.environ.get("LOAD_DATABASE_URL", DATABASE_URL)
    log("Recreating the load database, loading the seed content...")
    common.create_database(database_url, must_say="load", drop=True)
    env = production_env(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        STATIC_ROOT=str(WORK / "load-static"),
        # Every form comes from one address: the per-client limit would refuse most.
        INQUIRY_RATE_LIMIT="0",
        WEB_CONCURRENCY=str(args.workers),
        GUNICORN_ACCESS_LOG=os.devnull,
    )
    common.start_django(env)
    from django.db import connections

    from delegations.models import Application, Delegation, Inquiry

    paths = prepare()
    connections.close_all()
    common.flush_redis(REDIS_URL)
    load_before = os.getloadavg()[0]
    with Gunicorn(env, WORK / "gunicorn-load.log", stop_timeout=40) as server:
        wrong = {path: s for path in paths if (s := http_status(server.url + path)) != 200}
        if wrong:
            return f"Not 200 before the load: {wrong}"
        log(
            f"{args.duration} s of wrk on {len(paths)} paths, {args.visitors} visitors, "
            f"{args.appliers} applicants..."
        )
        deadline, run_id = time.monotonic() + args.duration, uuid.uuid4().hex[:12]
        outcomes, thanked, apply_outcomes, apply_thanked = [], [], [], []
        forms = [
            (TRIP, "inquire", inquiry, f"{run_id}-{n}", outcomes, thanked)
            for n in range(args.visitors)
        ]
        forms += [
            (PLACES_TRIP, "apply", application, f"{run_id}-a{n}", apply_outcomes, apply_thanked)
            for n in range(args.appliers)
        ]
        threads = [
            threading.Thread(
                target=visitor, args=(server.url, trip, form, fields, name, deadline, *results)
            )
            for trip, form, fields, name, *results in forms
        ]
        for thread in threads:
            thread.start()
        pages = common.wrk(server.url, paths, args.duration, args.connections, timeout=10)
        for thread in threads:
            thread.join()
    messages = Inquiry.objects.filter(message__contains=f"[load {run_id}-")
    stored = Counter(MARKER.search(m)[1] for m in messages.values_list("message", flat=True))
    trip = Delegation.objects.get(slug=PLACES_TRIP.split("/")[2])
    emails = trip.applications.filter(email__startswith=f"{run_id}-a")
    stored_applications = Counter(e.split("@")[0] for e in emails.values_list("email", flat=True))
    log(f"Accepting every application from {DECIDERS} threads at once...")
    accept_seconds, accept_errors = accept_all(trip)
    # Each application's status, in the order they applied.
    decided = list(trip.applications.order_by("created_at", "pk").values_list("status", flat=True))
    accepted = decided.count(Application.Status.ACCEPTED)
    waitlisted = decided.count(Application.Status.WAITLISTED)
    first_waitlisted = decided[:PLACES].count(Application.Status.WAITLISTED)

    def failures(outcomes, thanked, stored):
        missing = len(set(thanked) - set(stored))
        twice = sum(n > 1 for n in stored.values())
        other = sum(n for outcome, n in Counter(outcomes).items() if outcome != 200)
        return missing, twice, other

    missing, twice, other = failures(outcomes, thanked, stored)
    apply_failures = failures(apply_outcomes, apply_thanked, stored_applications)
    apply_missing, apply_twice, apply_other = apply_failures
    failed = pages["status_errors"] + pages["socket_errors"] + missing + twice + other
    failed += apply_missing + apply_twice + apply_other + len(accept_errors)
    failed += accepted != min(PLACES, len(decided)) or accepted + waitlisted != len(decided)
    passed = not failed and thanked and apply_thanked
    seconds = pages["duration_us"] / 1e6
    in_order = (
        "yes"
        if not first_waitlisted
        else f"no, {first_waitlisted} of the first {PLACES} were waitlisted"
    )
    print(
        f"Load test of {datetime.date.today()}: {os.cpu_count()} cores, load average before "
        f"{load_before:.2f}; gunicorn {args.workers} workers × 4 threads, PostgreSQL, Redis.\n"
        f"Pages: wrk, {args.connections} connections over {len(paths)} paths, {seconds:.1f} s: "
        f"{pages['requests']:,} requests ({pages['requests'] / seconds:,.0f}/s), p50 "
        f"{pages['p50_us'] / 1000:.0f} ms, p99 {pages['p99_us'] / 1000:.0f} ms, max "
        f"{pages['max_us'] / 1000:.0f} ms; 4xx/5xx {pages['status_errors']}, socket errors "
        f"{pages['socket_errors']}.\n"
        f"Inquiries from {args.visitors} visitors at a time: {dict(Counter(outcomes))} (200: "
        f"thanked); accepted {len(thanked):,} ({len(thanked) / args.duration:.1f}/s), "
        f"stored {stored.total():,}: missing {missing}, stored twice {twice}.\n"
        f"Applications from {args.appliers} applicants at a time to a trip with {PLACES} "
        f"places: {dict(Counter(apply_outcomes))} (200: thanked); thanked {len(apply_thanked):,} "
        f"({len(apply_thanked) / args.duration:.1f}/s), stored {stored_applications.total():,}: "
        f"missing {apply_missing}, stored twice {apply_twice}.\n"
        f"Accepting all {len(decided):,} from {DECIDERS} threads, taken from one queue in the "
        f"order they applied ({accept_seconds:.1f} s): accepted {accepted}, waitlisted "
        f"{waitlisted}, other {len(decided) - accepted - waitlisted}, errors "
        f"{len(accept_errors)}{': ' + accept_errors[0] if accept_errors else ''}; the first "
        f"{PLACES} to apply accepted: {in_order}.\n"
        f"Result: {'PASS' if passed else 'FAIL'}."
    )
    return 0 if passed else 1


if __name__ == "__main__":
    common.run_script(main)
