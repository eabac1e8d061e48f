"""Lighthouse audit of the landing page, a delegation and a symposium edition (make audit).

1. Builds a throwaway site in a temporary folder: a SQLite database, migrated and loaded
   with the section's content (load_seed_content), and the collected static files.
2. Serves it as `make serve` does (DEBUG off, gunicorn, whitenoise) over plain http on a
   free loopback port.
3. Runs Lighthouse 12.2.3 (through npx, on Debian's Chromium: CHROME_PATH) on each page,
   in its default mobile setting, prints the four category scores, and exits non-zero if
   any is below --min-score (95). The JSON and HTML reports stay in --reports.

Needs Node 18 or newer with npm (npx downloads Lighthouse once) and /usr/bin/chromium.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, from any folder: the project must be importable.
sys.path.insert(0, str(ROOT))
from tests.servers import Gunicorn, manage, production_env

LIGHTHOUSE = "lighthouse@12.2.3"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--min-score", type=int, default=95, help="lowest acceptable score, 0-100 (95)"
    )
    parser.add_argument(
        "--reports",
        type=Path,
        default=Path(tempfile.gettempdir()) / "cosn-lighthouse",
        help="folder for the JSON and HTML reports (%(default)s)",
    )
    parser.add_argument(
        "--preset", choices=["mobile", "desktop"], default="mobile", help="form factor (mobile)"
    )
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def site_env(work):
    """Production settings over plain http on loopback, everything kept in `work`."""
    return production_env(
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
    )


def pages(env):
    """{name: path} of the pages to audit, read from the seeded database."""
    script = """
import json
from delegations.models import Delegation
from symposium.models import Symposium
trip = Delegation.objects.published().past().filter(reports__isnull=False).first()
edition = Symposium.objects.published().current()
print(json.dumps({"landing": "/", "delegation": trip.get_absolute_url(),
                  "symposium": edition.get_absolute_url()}))
"""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def lighthouse(url, report_base, profile, preset):
    flags = [*CHROME_FLAGS, f"--user-data-dir={profile}"]
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--output=json",
        "--output=html",
        f"--output-path={report_base}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(flags)}",
        "--quiet",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME}, check=True)
    report = json.loads(Path(f"{report_base}.report.json").read_text())
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def main():
    args = parse_args()
    if not Path(CHROME).exists():
        sys.exit(f"No browser at {CHROME} (apt-get install chromium, or set CHROME_PATH).")
    if not shutil.which("npx"):
        sys.exit("npx is missing: install Node.js 18 or newer with npm.")
    args.reports.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cosn-audit-") as tmp:
        work = Path(tmp)
        env = site_env(work)
        log("Building the site: migrate, load_seed_content, collectstatic...")
        manage("migrate", "--no-input", "--verbosity", "0", env=env)
        manage("load_seed_content", "--verbosity", "0", env=env)
        manage("collectstatic", "--no-input", "--verbosity", "0", env=env)
        paths = pages(env)
        scores = {}
        server_env = {**env, "WEB_CONCURRENCY": "2", "GUNICORN_GRACEFUL_TIMEOUT": "5"}
        with Gunicorn(server_env, work / "gunicorn.log", ready_path="/healthz") as server:
            for name, path in paths.items():
                log(f"Lighthouse ({args.preset}): {server.url}{path}")
                scores[name] = lighthouse(
                    server.url + path, args.reports / name, work / f"chrome-{name}", args.preset
                )

    width = max(len(name) for name in scores) + 2
    print(f"\nLighthouse {LIGHTHOUSE.split('@')[1]} ({args.preset}); reports in {args.reports}")
    print("page".ljust(width) + "".join(category.rjust(16) for category in CATEGORIES))
    for name, page_scores in scores.items():
        print(name.ljust(width) + "".join(str(page_scores[c]).rjust(16) for c in CATEGORIES))
    low = [
        f"{name} {category} {score}"
        for name, page_scores in scores.items()
        for category, score in page_scores.items()
        if score < args.min_score
    ]
    if low:
        print(f"\nBelow {args.min_score}: " + "; ".join(low))
        return 1
    print(f"\nEvery score is {args.min_score} or more.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
