"""Back up the whole site: every record as portable JSON, every uploaded file, and, on
PostgreSQL, a pg_dump archive too. `restore_site` reads the same folder back.

    python manage.py backup_site /var/backups/cosn/2026-11-29
"""

import json
import os
import shutil

# Only to run pg_dump/pg_restore with fixed arguments and no shell.
import subprocess  # nosec B404
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

# Rebuilt by migrate, or not content: left out so the dump loads into any fresh database.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "pagecache",
]


def walk(storage, folder=""):
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}".lstrip("/")
    for sub in folders:
        yield from walk(storage, f"{folder}/{sub}".lstrip("/"))


def database_url_parts():
    db = settings.DATABASES["default"]
    return {
        "PGHOST": str(db.get("HOST") or ""),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": str(db.get("USER") or ""),
        "PGPASSWORD": str(db.get("PASSWORD") or ""),
        "PGDATABASE": str(db["NAME"]),
    }


class Command(BaseCommand):
    help = "Write data.json, media.tar.gz (and database.dump on PostgreSQL) to a folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--no-pg-dump", action="store_true", help="Skip pg_dump even on PostgreSQL."
        )

    def handle(self, folder, no_pg_dump, **options):
        folder.mkdir(parents=True, exist_ok=True)
        if any(folder.iterdir()):
            raise CommandError(f"{folder} is not empty: choose a new folder for each backup.")

        # Login attempts are not content; history (if kept) is, and goes with the rest.
        excluded = [*EXCLUDED, *(app for app in ("axes",) if apps.is_installed(app))]
        call_command(
            "dumpdata",
            format="precise-json",
            natural_foreign=True,
            natural_primary=True,
            exclude=excluded,
            indent=1,
            output=str(folder / "data.json"),
            verbosity=0,
        )

        files = sorted(walk(default_storage))
        with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
            for name in files:
                with default_storage.open(name, "rb") as source:
                    info = tarfile.TarInfo(name)
                    info.size = default_storage.size(name)
                    archive.addfile(info, source)

        if connection.vendor == "postgresql" and not no_pg_dump:
            if not shutil.which("pg_dump"):
                raise CommandError("pg_dump is not installed (Debian: postgresql-client).")
            with open(folder / "database.dump", "wb") as out:
                # Fixed argument list from settings, no shell; pg_* found on PATH as psql would be.
                subprocess.run(  # nosec B603 B607
                    ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"],
                    env={**os.environ, **database_url_parts()},
                    stdout=out,
                    check=True,
                )

        manifest = {
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "files": len(files),
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
        self.stdout.write(
            self.style.SUCCESS(f"Backed up the database and {len(files)} files to {folder}.")
        )
