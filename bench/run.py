"""Load benchmark: the public pages' throughput against a static file's (bench/README.md).

1. Creates the bench database if missing, migrates it, generates the large data set
   once (bench/generate.py) and collects the static files into bench/.work/static.
2. In this process, with Django's test client: each page's SQL queries per request
   (page cache off, cached, and with only 10 delegations), HTML size and CSS size.
3. For the page cache on (Redis db 14), then off: starts gunicorn as in production,
   loads each URL with wrk for a fixed time (the static file first and again after each
   page), stops gunicorn, and prints a table. Then checks the targets.

Throughput is compared as a ratio to the static file's, measured in the same run,
because the machine is shared: absolute numbers move from run to run, ratios less.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, from any folder: the project must be importable.
sys.path.insert(0, str(ROOT))
from tests.servers import CLOCK_TICKS, Gunicorn, http_status, production_env

BENCH = ROOT / "bench"
WORK = BENCH / ".work"
STATIC_ROOT = WORK / "static"
LUA_REPORT = BENCH / "wrk_report.lua"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cosn_global_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
CACHE_MODES = {
    "on": {"PAGE_CACHE": "1", "REDIS_URL": REDIS_URL},
    "off": {"PAGE_CACHE": "0"},
}
# What a browser sends: whitenoise then serves the pre-compressed stylesheet.
ACCEPT_ENCODING = "br, gzip"

TARGET_RATIO = {"on": 0.5, "off": 0.15}
MAX_HTML_GZIP = 30_000
MAX_CSS_COMPRESSED = 20_000

WRK_MISSING = """\
wrk, the HTTP load generator, is not installed. On Debian or Ubuntu:

    sudo apt-get update && sudo apt-get install -y wrk

(`make bench` tries that itself when it runs as root.)"""


def parse_args():
    def default(name, value):
        return os.environ.get(f"BENCH_{name.upper()}", value)

    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=(
            "Each option can also be set in the environment as BENCH_<OPTION>, e.g. "
            "BENCH_DURATION=5; BENCH_DATABASE_URL overrides the bench database "
            f"({DEFAULT_DATABASE_URL})."
        ),
    )
    parser.add_argument(
        "--duration", type=int, default=default("duration", 10), help="seconds per URL (10)"
    )
    parser.add_argument(
        "--warmup", type=int, default=default("warmup", 1), help="seconds of warm-up per URL (1)"
    )
    parser.add_argument(
        "--connections", type=int, default=default("connections", 16), help="wrk connections (16)"
    )
    parser.add_argument(
        "--threads", type=int, default=default("threads", 1), help="wrk threads (1)"
    )
    parser.add_argument(
        "--workers", type=int, default=default("workers", 2), help="gunicorn workers (2)"
    )
    parser.add_argument(
        "--gunicorn-threads",
        type=int,
        default=default("gunicorn_threads", 4),
        help="threads per gunicorn worker (4)",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=default("max_requests", 0),
        help="gunicorn worker recycling after N requests; 0 = never (0)",
    )
    parser.add_argument(
        "--attempts",
        type=int,
        default=default("attempts", 6),
        help="runs of a URL at most, while one gunicorn worker holds every connection (6)",
    )
    parser.add_argument(
        "--cache",
        choices=["both", "on", "off"],
        default=default("cache", "both"),
        help="which page-cache runs to make (both)",
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="empty the bench database and generate again"
    )
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def settings_env(database_url):
    """The environment of the server (and of this process's Django): production settings
    over plain http on loopback, the bench database, the bench's own static files."""
    return production_env(DATABASE_URL=database_url, STATIC_ROOT=str(STATIC_ROOT))


def ensure_database(url):
    """Create the bench database if it is missing; refuse anything not named for the bench."""
    import environ

    config = environ.Env.db_url_config(url)
    if "bench" not in str(config["NAME"]):
        sys.exit(f"Refusing to use {config['NAME']!r}: the bench database's name must say bench.")
    if "postgresql" not in config["ENGINE"]:
        return
    import psycopg2
    from psycopg2 import sql

    admin = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                log(f"Creating the database {config['NAME']}...")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    finally:
        admin.close()


def flush_redis():
    """Empty Redis db 14, the bench's own; nothing else."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def unbalanced(before, after):
    """Whether one worker did nearly all the work, from Gunicorn.process_seconds() before
    and after a run: wrk opens its connections all at once, and now and then a single
    worker accepts every one of them and leaves a core idle."""
    busy = [after[pid] - before.get(pid, 0) for pid in after if pid]  # 0 is the master
    return len(busy) > 1 and min(busy) < max(busy) / 4


def machine_busy_seconds():
    """CPU time the whole machine has spent busy (all cores, every process), from /proc/stat."""
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:9]]
    idle, iowait = ticks[3], ticks[4]
    return (sum(ticks) - idle - iowait) / CLOCK_TICKS


def run_wrk(url, seconds, args):
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={seconds}s",
        "--timeout=5s",
        f"--script={LUA_REPORT}",
        f"--header=Accept-Encoding: {ACCEPT_ENCODING}",
        url,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            result = json.loads(line.removeprefix("BENCH_RESULT "))
            wrk_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            result["wrk_cpu_s"] = wrk_cpu
            return result
    raise RuntimeError(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")


def load(mode, pages, env, args):
    """One run: start gunicorn, warm up, load every URL, stop.

    The static file is loaded first and again after every page, so that each page is
    compared with the static file's throughput just before and just after it: on a
    shared machine the load from elsewhere changes from one minute to the next.
    Returns each page's list of measurements (the static file's has one per page, plus one).
    """
    if mode == "on":
        flush_redis()
    server_env = {
        **env,
        **CACHE_MODES[mode],
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_THREADS": str(args.gunicorn_threads),
        "GUNICORN_MAX_REQUESTS": str(args.max_requests),
        "GUNICORN_GRACEFUL_TIMEOUT": "5",
        "GUNICORN_ACCESS_LOG": os.devnull,
    }
    static, *others = pages
    order = [static, *(item for page in others for item in (page, static))]
    results = {page.name: [] for page in pages}
    with Gunicorn(server_env, WORK / f"gunicorn-cache-{mode}.log") as server:
        for page in pages:
            status = http_status(server.url + page.path)
            if status != 200:
                raise RuntimeError(f"{page.path} answered {status} with the cache {mode}.")
        if args.warmup:
            log(f"Cache {mode}: warming up ({args.warmup} s per URL)...")
            for page in pages:
                run_wrk(server.url + page.path, args.warmup, args)
                server.wait_until_idle()
        for page in order:
            for attempt in range(1, args.attempts + 1):
                log(f"Cache {mode}: {page.name} for {args.duration} s...")
                result = measure(server, server.url + page.path, args)
                if not result["unbalanced"] or attempt == args.attempts:
                    break
                log("  one worker held every connection: again.")
            result["attempts"] = attempt
            results[page.name].append(summarise(result))
    return results


def measure(server, url, args):
    """One wrk run of a URL, with the CPU the machine, the server and each worker used."""
    machine_before, workers_before = machine_busy_seconds(), server.process_seconds()
    wall_before = time.monotonic()
    result = run_wrk(url, args.duration, args)
    result["wall_s"] = time.monotonic() - wall_before
    result["machine_cpu_s"] = machine_busy_seconds() - machine_before
    workers_after = server.process_seconds()
    result["server_cpu_s"] = sum(workers_after.values()) - sum(workers_before.values())
    result["unbalanced"] = unbalanced(workers_before, workers_after)
    server.wait_until_idle()
    return result


def summarise(result):
    """req/s, latency and errors from wrk; cores used (of the whole run's wall time)."""
    seconds, wall = result["duration_us"] / 1e6, result["wall_s"]
    errors = sum(
        result[key]
        for key in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return {
        "rps": result["requests"] / seconds,
        "cpu_ms": result["server_cpu_s"] * 1000 / max(result["requests"], 1),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "errors": errors,
        "machine_cores": result["machine_cpu_s"] / wall,
        "server_cores": result["server_cpu_s"] / wall,
        "wrk_cores": result["wrk_cpu_s"] / wall,
        "attempts": result["attempts"],
        "unbalanced": result["unbalanced"],
    }


def mean(runs, key):
    return sum(run[key] for run in runs) / len(runs)


def table(mode, pages, results):
    """The run's Markdown table, and each page's throughput ratio to the static file's."""
    static_runs = results[pages[0].name]
    header = [
        "page",
        "URL",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "HTML bytes (gzip)",
        "queries/req",
        "× static",
        "machine CPU",
        "server CPU",
        "wrk CPU",
        "server CPU ms/req",
    ]
    rows, ratios = [], {}
    for index, page in enumerate(pages):
        runs = results[page.name]
        if page.static:
            _, raw, gz, br = page.stylesheets[0]
            size = f"CSS {raw:,} ({gz:,} gz, {br:,} br)" if br else f"CSS {raw:,} ({gz:,} gz)"
            queries, ratio = "0", "1"
        else:
            # The static file's throughput just before and just after this page's.
            static_rps = mean(static_runs[index - 1 : index + 1], "rps")
            ratios[page.name] = mean(runs, "rps") / static_rps
            size = f"{page.html_bytes:,} ({page.html_gzip:,})"
            queries, ratio = str(page.queries[mode]), f"{ratios[page.name]:.3f}"
        rows.append(
            [
                page.name,
                f"`{page.path}`",
                f"{mean(runs, 'rps'):,.0f}",
                f"{mean(runs, 'p50_ms'):.1f}",
                f"{mean(runs, 'p99_ms'):.1f}",
                f"{sum(run['errors'] for run in runs):,}",
                size,
                queries,
                ratio,
                f"{mean(runs, 'machine_cores'):.2f}",
                f"{mean(runs, 'server_cores'):.2f}",
                f"{mean(runs, 'wrk_cores'):.2f}",
                f"{mean(runs, 'cpu_ms'):.2f}",
            ]
        )
    static_each = ", ".join(f"{run['rps']:,.0f}" for run in static_runs)
    every_run = [run for runs in results.values() for run in runs]
    repeated = sum(run["attempts"] > 1 for run in every_run)
    still = sum(run["unbalanced"] for run in every_run)
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(" --- " if n < 2 else " ---: " for n in range(len(header))) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
        f"The static file's row is the mean of its {len(static_runs)} runs ({static_each} req/s);",
        "each page's ratio is to the mean of the runs just before and just after it.",
        f"{repeated} of {len(every_run)} URL runs were repeated because one worker had accepted"
        f" every connection (at most {max(run['attempts'] for run in every_run)} attempts);"
        f" {still} still had at the last attempt allowed.",
    ]
    return "\n".join(lines), ratios


def targets(pages, ratios_by_mode, errors):
    """One line per target: PASS or FAIL, with the numbers behind it."""
    html_pages = [page for page in pages if not page.static]
    lines = []

    def check(ok, text):
        lines.append(f"- {'PASS' if ok else 'FAIL'}: {text}")
        return ok

    for mode, ratios in ratios_by_mode.items():
        worst = min(ratios, key=ratios.get)
        check(
            ratios[worst] >= TARGET_RATIO[mode],
            f"cache {mode}: every page at least {TARGET_RATIO[mode]}× the static file's "
            f"throughput (lowest: {worst}, {ratios[worst]:.3f}×)",
        )
    changed = [page for page in html_pages if page.queries["few"] != page.queries["off"]]
    counts = ", ".join(f"{p.name} {p.queries['few']}→{p.queries['off']}" for p in html_pages)
    check(
        not changed,
        f"queries per page constant as the data grows (10 → full data set, cache off: {counts})",
    )
    largest = max(html_pages, key=lambda page: page.html_gzip)
    check(
        largest.html_gzip < MAX_HTML_GZIP,
        f"HTML under {MAX_HTML_GZIP // 1000} KB gzipped on every page "
        f"(largest: {largest.name}, {largest.html_gzip:,} bytes)",
    )
    heaviest = max(html_pages, key=lambda page: page.css_gzip)
    check(
        heaviest.css_gzip < MAX_CSS_COMPRESSED,
        f"CSS under {MAX_CSS_COMPRESSED // 1000} KB compressed on every page "
        f"(most: {heaviest.name}, {heaviest.css_gzip:,} bytes gzipped)",
    )
    check(not errors, f"no errors under load ({errors:,} in all)")
    return lines


def git(*arguments):
    """The output of a read-only git command, or "" outside a git checkout."""
    done = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def main():
    args = parse_args()
    load_before = os.getloadavg()[0]
    # A `kill` stops the runs like Ctrl-C does, so gunicorn is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not shutil.which("wrk"):
        log(WRK_MISSING)
        return 2
    WORK.mkdir(exist_ok=True)
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    env = settings_env(database_url)

    # This process's Django sees what the server will see (with the Redis cache).
    os.environ.clear()
    os.environ.update(env, **CACHE_MODES["on"])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    from bench import pages as measured_pages

    sizes = measured_pages.prepare(args.regenerate, log)
    pages = measured_pages.choose_pages()
    log("Counting SQL queries and measuring page sizes...")
    measured_pages.measure(pages)
    note = measured_pages.uncounted_queries()
    connections.close_all()

    modes = ["on", "off"] if args.cache == "both" else [args.cache]
    tables, ratios, errors = {}, {}, 0
    for mode in modes:
        results = load(mode, pages, env, args)
        tables[mode], ratios[mode] = table(mode, pages, results)
        errors += sum(run["errors"] for runs in results.values() for run in runs)

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " with uncommitted changes"
    print(
        f"Benchmark of {datetime.date.today()}, commit {commit}, "
        f"{os.cpu_count()} cores ({platform.machine()}), load average before "
        f"{load_before:.2f}.\n"
        f"Data: {', '.join(f'{value:,} {key}' for key, value in sizes.items())}.\n"
        f"gunicorn: {args.workers} workers × {args.gunicorn_threads} threads (gthread), "
        f"max requests {args.max_requests or 'unlimited'}. wrk: {args.threads} thread(s), "
        f"{args.connections} connections, {args.duration} s per URL after "
        f"{args.warmup} s of warm-up, Accept-Encoding: {ACCEPT_ENCODING}."
    )
    for mode in modes:
        cache = "PAGE_CACHE=1, Redis" if mode == "on" else "PAGE_CACHE=0"
        print(f"\n### Cache {mode} ({cache})\n\n{tables[mode]}")
    if note:
        print(f"\n{note}")
    print("\n### Targets\n")
    lines = targets(pages, ratios, errors)
    print("\n".join(lines))
    return 0 if all(line.startswith("- PASS") for line in lines) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("Interrupted; the server has been stopped.")
        sys.exit(130)
