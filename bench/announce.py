"""make bench-announce: announcing a trip to every confirmed subscriber (bench/README.md).

For each list size (1,000 then 10,000 by default), in a fresh database with production's
settings: how long the admin's "announce" action takes (in this process, through Django's
test client logged in as a superuser, so without gunicorn or the network), then the
worker (`manage.py worker --batch`, a separate process as in production) from start to
exit: its emails per second through an SMTP server on loopback (aiosmtpd, in this
process) and its peak RSS. The ratio of the peak RSS of the largest list to the smallest's
shows whether memory grows with the list.

Exits 1 if any subscriber got no message or more than one, an unconfirmed address got
one, a message lacked List-Unsubscribe, or any of the announcement's emails is not sent.
Times are reported, never judged.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from collections import Counter
from email.parser import BytesHeaderParser

from bench import common
from bench.common import ROOT, WORK, log
from tests.servers import HOST, free_port, production_env

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cosn_global_bench_announce"
SIZES = [1_000, 10_000]
# One unconfirmed address for every this many confirmed: they must get nothing.
UNCONFIRMED_EVERY = 100
HEADERS = BytesHeaderParser()


class Inbox:
    """An aiosmtpd handler that counts messages by recipient, notes when each arrived,
    and counts those without a one-click List-Unsubscribe."""

    def __init__(self):
        self.clear()

    def clear(self):
        self.by_recipient = Counter()
        self.arrivals = []
        self.without_unsubscribe = 0

    async def handle_DATA(self, server, session, envelope):
        headers = HEADERS.parsebytes(envelope.content)
        if not headers["List-Unsubscribe"] or not headers["List-Unsubscribe-Post"]:
            self.without_unsubscribe += 1
        self.by_recipient.update(address.lower() for address in envelope.rcpt_tos)
        self.arrivals.append(time.monotonic())
        return "250 Message accepted for delivery"


def prepare(size):
    """Migrate; `size` confirmed subscribers (and a few unconfirmed), an upcoming
    published trip and a superuser. Returns the trip and the superuser."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from delegations.models import Delegation
    from mail.models import Subscriber

    call_command("migrate", interactive=False, verbosity=0)
    now = timezone.now()
    subscribers = [
        Subscriber(email=f"subscriber-{n:05d}@example.org", confirmed_at=now) for n in range(size)
    ]
    subscribers += [
        Subscriber(email=f"unconfirmed-{n:05d}@example.org")
        for n in range(size // UNCONFIRMED_EVERY)
    ]
    Subscriber.objects.bulk_create(subscribers, batch_size=2_000)
    start = timezone.localdate() + datetime.timedelta(days=60)
    trip = Delegation.objects.create(
        title="Announcement benchmark trip",
        slug="announcement-benchmark-trip",
        summary="A trip that exists only in the announcement benchmark's database.",
        start_date=start,
        end_date=start + datetime.timedelta(days=6),
        is_published=True,
    )
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", None)
    return trip, user


def press_announce(trip, user):
    """The admin's action on the trip, as a logged-in superuser: (seconds, queries)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from mail.models import Announcement

    client = Client(HTTP_HOST=HOST)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    changelist = reverse("admin:delegations_delegation_changelist")
    # A server's worker has served pages before: imports, URLs and templates are loaded.
    if (status := client.get(changelist).status_code) != 200:
        raise RuntimeError(f"The delegations' admin answered {status}.")
    form = {"action": "announce", "_selected_action": [trip.pk]}
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post(changelist, form)
        seconds = time.perf_counter() - started
    if response.status_code != 302 or not Announcement.objects.exists():
        raise RuntimeError(f"The action answered {response.status_code} and started nothing.")
    return seconds, len(queries)


def run_worker(env, log_path, timeout):
    """`manage.py worker --batch` until it exits: its seconds, peak RSS in bytes and CPU
    seconds, and this process's CPU seconds meanwhile (the SMTP server's, mostly).

    The peak is the kernel's VmHWM, read every 50 ms. (wait4's ru_maxrss would not do:
    Linux counts in it the memory of this process, which the child was forked from.)
    """
    with open(log_path, "w") as output:
        started, own_cpu = time.monotonic(), time.process_time()
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--batch"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        peak = 0
        try:
            while not (done := os.wait4(worker.pid, os.WNOHANG))[0]:
                if time.monotonic() - started > timeout:
                    raise RuntimeError(f"The worker took over {timeout:.0f} s; see {log_path}.")
                peak = max(peak, peak_rss(worker.pid))
                time.sleep(0.05)
            seconds, own_cpu = time.monotonic() - started, time.process_time() - own_cpu
            worker.returncode = os.waitstatus_to_exitcode(done[1])
        finally:
            if worker.returncode is None:
                worker.kill()
                worker.wait()
    if worker.returncode:
        raise RuntimeError(f"The worker exited with {worker.returncode}; see {log_path}.")
    return seconds, peak, done[2].ru_utime + done[2].ru_stime, own_cpu


def peak_rss(pid):
    """A process's peak resident memory so far in bytes; 0 once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def rate(arrivals):
    """Messages per second between the first and the last of `arrivals`."""
    if len(arrivals) < 2 or arrivals[-1] == arrivals[0]:
        return 0
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])


def measure(size, inbox, env, database_url):
    log(f"{size:,} subscribers: recreating the database...")
    from django.db import connections

    connections.close_all()
    common.create_database(database_url, must_say="bench", drop=True)
    from mail.models import Email, Subscriber

    trip, user = prepare(size)
    addresses = Subscriber.objects.confirmed().values_list("email", flat=True)
    confirmed = {address.lower() for address in addresses}
    inbox.clear()
    log(f"{size:,} subscribers: the admin's action, then the worker...")
    action_seconds, action_queries = press_announce(trip, user)
    connections.close_all()
    worker_started = time.monotonic()
    log_path = WORK / f"worker-announce-{size}.log"
    seconds, peak, worker_cpu, smtp_cpu = run_worker(env, log_path, timeout=60 + size / 10)
    arrivals, received = inbox.arrivals, inbox.by_recipient
    tenth = max(len(arrivals) // 10, 2)
    statuses = Counter(Email.objects.values_list("status", flat=True))
    return {
        "size": size,
        "action_seconds": action_seconds,
        "action_queries": action_queries,
        "seconds": seconds,
        "first_after": arrivals[0] - worker_started if arrivals else seconds,
        "rate": len(arrivals) / seconds,
        "sending_rate": rate(arrivals),
        "first_tenth": rate(arrivals[:tenth]),
        "last_tenth": rate(arrivals[-tenth:]),
        "peak": peak,
        "worker_cpu": worker_cpu,
        "smtp_cpu": smtp_cpu,
        "messages": len(arrivals),
        "missed": len(confirmed - set(received)),
        "twice": sum(received[address] > 1 for address in confirmed),
        "strays": sum(n for address, n in received.items() if address not in confirmed),
        "without_unsubscribe": inbox.without_unsubscribe,
        "sent": statuses[Email.Status.SENT],
        "emails": statuses.total(),
    }


def report(run):
    mib = run["peak"] / 2**20
    return (
        f"{run['size']:,} subscribers: admin action {run['action_seconds']:.3f} s "
        f"({run['action_queries']} queries); worker {run['seconds']:.1f} s from start to exit "
        f"({run['first_after']:.1f} s to the first message), {run['rate']:.0f} emails/s overall, "
        f"{run['sending_rate']:.0f}/s while sending (first tenth {run['first_tenth']:.0f}/s, last "
        f"tenth {run['last_tenth']:.0f}/s), peak RSS {mib:.1f} MiB; CPU: worker "
        f"{run['worker_cpu']:.1f} s, SMTP server {run['smtp_cpu']:.1f} s.\n"
        f"  Received {run['messages']:,} messages: subscribers without one {run['missed']}, "
        f"with two or more {run['twice']}; to unconfirmed addresses {run['strays']}; without "
        f"List-Unsubscribe {run['without_unsubscribe']}. Emails sent {run['sent']:,} of "
        f"{run['emails']:,}."
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--subscribers",
        type=int,
        nargs="+",
        default=SIZES,
        help="list sizes, each in its own run (1000 10000)",
    )
    args = parser.parse_args()
    database_url = os.environ.get("ANNOUNCE_DATABASE_URL", DATABASE_URL)
    port = free_port()
    env = production_env(
        DATABASE_URL=database_url,
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_HOST=HOST,
        EMAIL_PORT=str(port),
        EMAIL_USE_TLS="0",
        STATIC_ROOT=str(WORK / "announce-static"),  # the admin's pages need the manifest
    )
    common.start_django(env)
    from aiosmtpd.controller import Controller
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)

    load_before = os.getloadavg()[0]
    inbox = Inbox()
    smtp = Controller(inbox, hostname=HOST, port=port)
    smtp.start()
    try:
        runs = [measure(size, inbox, env, database_url) for size in args.subscribers]
    finally:
        smtp.stop()
    wrong = any(
        run["missed"]
        or run["twice"]
        or run["strays"]
        or run["without_unsubscribe"]
        or run["sent"] != run["emails"]
        or run["emails"] != run["size"]
        for run in runs
    )
    lines = [
        f"Announcement benchmark of {datetime.date.today()}: {os.cpu_count()} cores, load "
        f"average before {load_before:.2f}; PostgreSQL, the database task backend, SMTP on "
        "loopback (aiosmtpd in the benchmark's process).",
        *map(report, runs),
    ]
    if len(runs) > 1:
        ratio = runs[-1]["peak"] / runs[0]["peak"]
        lines.append(f"Peak RSS, {runs[-1]['size']:,} against {runs[0]['size']:,}: {ratio:.2f}×.")
    lines.append(f"Result: {'FAIL' if wrong else 'PASS'}.")
    print("\n".join(lines))
    return 1 if wrong else 0


if __name__ == "__main__":
    common.run_script(main, needs_wrk=False)
