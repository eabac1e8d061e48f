"""make bench: each public page's throughput as a ratio to a static file's (bench/README.md).

The machine is shared, so absolute numbers move from run to run: each page is compared
with the static file that the same server served just before and just after it.
"""

import argparse
import datetime
import gzip
import os
import subprocess
import time
from dataclasses import dataclass, field

from bench import common
from bench.common import WORK, log, wrk
from tests.servers import Gunicorn, http_status, production_env

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cosn_global_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
DEVICES = ["local", "client", "middleware", "shared-version"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ATTEMPTS = 6


@dataclass
class Page:
    name: str
    path: str
    html_gzip: int = 0
    # Per request: "off" rendered, "on" cached, "few" rendered from 10 delegations.
    queries: dict = field(default_factory=lambda: dict.fromkeys(["off", "on", "few"], 0))


class Server(Gunicorn):
    def cpu_seconds(self):
        """CPU seconds by process id; the master's, with its reaped workers', under 0."""
        seconds = {}
        for entry in os.scandir("/proc"):
            try:
                with open(f"/proc/{int(entry.name)}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except (ValueError, OSError):  # not a process, or gone meanwhile
                continue
            if int(entry.name) == self.process.pid:  # utime stime cutime cstime
                seconds[0] = sum(map(int, fields[11:15])) / CLOCK_TICKS
            elif int(fields[1]) == self.process.pid:
                seconds[int(entry.name)] = sum(map(int, fields[11:13])) / CLOCK_TICKS
        return seconds

    def workers_peak_memory(self):
        """The largest peak resident memory of the workers now running, in MB."""
        peaks = [0]
        for pid in self.cpu_seconds():
            try:
                with open(f"/proc/{pid}/status") as status:
                    lines = status.read().splitlines()
            except OSError:
                continue
            peaks += [int(line.split()[1]) // 1024 for line in lines if line.startswith("VmHWM")]
        return max(peaks)

    def workers_replaced(self):
        return self.log_path.read_text().count("replacing it")

    def wait_until_idle(self):
        """Let the requests queued when wrk stopped finish: they would slow the next URL."""
        before = sum(self.cpu_seconds().values())
        for _ in range(120):
            time.sleep(0.25)
            now = sum(self.cpu_seconds().values())
            if now - before < 0.025:  # a tenth of a core
                return
            before = now


def prepare():
    """In this process: migrate, fill, collect; then choose the pages, count their queries."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count
    from django.templatetags.static import static
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench.generate import ensure_data
    from delegations.models import Delegation, Report
    from symposium.models import Symposium

    log("Migrating the bench database...")
    call_command("migrate", interactive=False, verbosity=0)
    sizes = ensure_data(log)
    call_command("collectstatic", interactive=False, verbosity=0)
    published = Delegation.objects.published()
    heaviest = published.annotate(n=Count("photos")).order_by("-n", "slug").first()
    # A report with every field shown: two titles, a subtitle, a date.
    report = (
        Report.objects.published()
        .filter(published_on__isnull=False, delegation__in=published)
        .exclude(alternate_title="")
        .exclude(subtitle="")
        .order_by("slug")
        .first()
    )
    pages = [Page("landing", "/"), Page("delegations index", "/delegations/")]
    pages += [Page("delegation detail", heaviest.get_absolute_url())]
    pages += [Page("report", report.get_absolute_url()), Page("symposium index", "/symposium/")]
    client = Client(HTTP_HOST="127.0.0.1")

    def fetch(page, cache):
        with override_settings(PAGE_CACHE=cache):
            client.get(page.path)  # fills the cache
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page.path)
        if response.status_code != 200:
            raise RuntimeError(f"{page.path} answered {response.status_code}.")
        return response, len(queries)

    log("Counting queries...")
    for page in pages:
        response, page.queries["off"] = fetch(page, cache=False)
        page.html_gzip = len(gzip.compress(response.content, 6))
        page.queries["on"] = fetch(page, cache=True)[1]
    # Queries must not grow with the data: the same pages from 10 delegations (theirs, a
    # few upcoming, the rest past with reports) and 2 symposia, in a rolled-back transaction.
    upcoming = published.upcoming().values_list("pk", flat=True)[:3]
    keep = {heaviest.pk, report.delegation_id, *upcoming}
    with_reports = published.past().filter(reports__is_published=True).distinct()
    keep |= set(with_reports.values_list("pk", flat=True)[: 10 - len(keep)])
    with override_settings(PAGE_CACHE=False), transaction.atomic():
        Delegation.objects.exclude(pk__in=keep).delete()
        Symposium.objects.exclude(pk__in=Symposium.objects.published().values("pk")[:2]).delete()
        for page in pages:
            page.queries["few"] = fetch(page, cache=False)[1]
        transaction.set_rollback(True)
    return sizes, [Page("static CSS", static("css/site.css")), *pages]


def measure(server, path, args):
    """One wrk run of `path`. wrk opens its connections all at once, and now and then one
    worker accepts every one and leaves a core idle: such a run is made again."""
    for attempt in range(1, ATTEMPTS + 1):
        before = server.cpu_seconds()
        result = wrk(server.url, [path], args.duration, args.connections)
        after = server.cpu_seconds()
        server.wait_until_idle()
        busy = [after[pid] - before.get(pid, 0) for pid in after if pid]
        if len(busy) < 2 or min(busy) >= max(busy) / 4 or attempt == ATTEMPTS:
            break
        log("  one worker held every connection: again.")
    cpu = sum(after.values()) - sum(before.values())
    return {
        "rps": result["requests"] * 1e6 / result["duration_us"],
        "cpu_ms": cpu * 1e3 / max(result["requests"], 1),
        "errors": result["status_errors"] + result["socket_errors"],
        "repeated": attempt > 1,
    }


def load(variant, env, pages, args):
    """Each page under load, with the static file first and again after each page."""
    (static, *others), statics, runs = pages, [], {}
    with Server(env, WORK / f"gunicorn-{variant.replace(' ', '-')}.log") as server:
        for page in pages:
            if (status := http_status(server.url + page.path)) != 200:
                raise RuntimeError(f"{variant}: {page.path} answered {status}.")
            if args.warmup:
                wrk(server.url, [page.path], args.warmup, args.connections)
                server.wait_until_idle()
        statics.append(measure(server, static.path, args))
        for page in others:
            log(f"{variant}: {page.name}, {args.duration} s...")
            runs[page.name] = measure(server, page.path, args)
            statics.append(measure(server, static.path, args))
            # Against the mean of the static file's runs just before and just after it.
            pair = statics[-2]["rps"] + statics[-1]["rps"]
            runs[page.name]["ratio"] = runs[page.name]["rps"] * 2 / pair
        memory = {"peak_mb": server.workers_peak_memory(), "replaced": server.workers_replaced()}
    runs[static.name] = {key: sum(run[key] for run in statics) / len(statics) for key in statics[0]}
    runs[static.name] |= {key: sum(run[key] for run in statics) for key in ("errors", "repeated")}
    runs[static.name]["ratio"] = 1
    return runs, memory


def markdown(header, rows, text_columns=1):
    lines = [f"| {' | '.join(row)} |" for row in [header, *rows]]
    rule = [" --- "] * text_columns + [" ---: "] * (len(header) - text_columns)
    lines.insert(1, f"|{'|'.join(rule)}|")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--duration", type=int, default=10, help="seconds of load per URL (10)")
    add("--warmup", type=int, default=1, help="seconds of warm-up per URL (1)")
    add("--connections", type=int, default=16, help="wrk's connections (16)")
    add("--cache", choices=["both", "on", "off"], default="both", help="runs to make (both)")
    add("--without", action="append", choices=[*DEVICES, "all"], help="a device, repeatable")
    add("--regenerate", action="store_true", help="drop the bench database first")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    database_url = os.environ.get("BENCH_DATABASE_URL", DATABASE_URL)
    common.create_database(database_url, must_say="bench", drop=args.regenerate)
    env = production_env(
        DATABASE_URL=database_url,
        STATIC_ROOT=str(WORK / "static"),
        WEB_CONCURRENCY="2",  # one per core, 4 threads each: more did no better in trials
        GUNICORN_GRACEFUL_TIMEOUT="5",
        GUNICORN_ACCESS_LOG=os.devnull,
    )
    cache_on = {**env, "PAGE_CACHE": "1", "REDIS_URL": REDIS_URL}
    common.start_django(cache_on)
    from django.db import connections

    sizes, pages = prepare()
    connections.close_all()

    variants = {"cache on": cache_on} if args.cache != "off" else {}
    without = args.without or []
    for device in DEVICES if "all" in without else dict.fromkeys(without):
        bench_settings = {"DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_WITHOUT": device}
        variants[f"without {device}"] = cache_on | bench_settings
    if args.cache != "on":
        variants["cache off"] = {**env, "PAGE_CACHE": "0"}
    results, memory = {}, {}
    for variant, variant_env in variants.items():
        if "REDIS_URL" in variant_env:
            common.flush_redis(REDIS_URL)
        results[variant], memory[variant] = load(variant, variant_env, pages, args)

    git = ["git", "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, cwd=common.ROOT, capture_output=True, text=True).stdout.strip()
    every = [run for runs in results.values() for run in runs.values()]
    print(
        f"Benchmark of {datetime.date.today()}, on commit {commit}, {os.cpu_count()} cores, "
        f"load average before {load_before:.2f}.\n"
        f"Data: {', '.join(f'{n:,} {name}' for name, n in sizes.items())}.\n"
        f"gunicorn 2 workers × 4 threads, gunicorn.conf.py's recycling; wrk 1 thread, "
        f"{args.connections} connections, {args.duration} s per URL after {args.warmup} s of "
        f"warm-up; {sum(run['repeated'] for run in every)} runs made again (one worker had "
        f"every connection). Errors (not 2xx, or socket): {sum(r['errors'] for r in every)}."
    )

    def cell(variant, name):
        run_ = results[variant][name]
        figure = f"{run_['rps']:,.0f}/s" if name == pages[0].name else f"{run_['ratio']:.3f}×"
        return f"{figure} ({run_['cpu_ms']:.2f} ms)"

    rows = [
        [page.name, f"`{page.path}`", *(cell(variant, page.name) for variant in results)]
        + ["/".join(str(page.queries[key]) for key in ("off", "on", "few"))]
        + [f"{page.html_gzip:,}" if page.html_gzip else ""]
        for page in pages
    ]
    for runs in results.values():
        runs["mean"] = {
            key: sum(runs[p.name][key] for p in pages[1:]) / (len(pages) - 1)
            for key in ("ratio", "cpu_ms")
        }
    rows.append(["mean of the pages", "", *(cell(variant, "mean") for variant in results), "", ""])
    for label, key in [("workers' peak memory", "peak_mb"), ("workers replaced", "replaced")]:
        figures = (f"{memory[variant][key]:,}{' MB' * (key == 'peak_mb')}" for variant in results)
        rows.append([label, "", *figures, "", ""])
    header = ["page", "URL", *results, "queries: off/on/10 trips", "HTML gzip"]
    print(f"\n× static (server CPU ms/req):\n\n{markdown(header, rows, text_columns=2)}")
    constant = all(page.queries["few"] == page.queries["off"] for page in pages[1:])
    return 0 if constant and not sum(run["errors"] for run in every) else 1


if __name__ == "__main__":
    common.run_script(main)
