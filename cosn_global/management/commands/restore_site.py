"""Restore a folder written by `backup_site` into an empty, migrated database.

    python manage.py migrate && python manage.py restore_site /var/backups/cosn/2026-11-29

Records come from data.json (any database); --from-pg-dump restores database.dump with
pg_restore instead (PostgreSQL only). Uploaded files come from media.tar.gz.
"""

import os

# Only to run pg_dump/pg_restore with fixed arguments and no shell.
import subprocess  # nosec B404
import tarfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from delegations.models import Delegation
from pagecache import version
from symposium.models import Symposium

from .backup_site import database_url_parts


class Command(BaseCommand):
    help = "Restore data.json (or database.dump) and media.tar.gz from a backup folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--from-pg-dump",
            action="store_true",
            help="Restore database.dump with pg_restore (PostgreSQL) instead of data.json.",
        )

    def handle(self, folder, from_pg_dump, **options):
        if not (folder / "data.json").exists():
            raise CommandError(f"{folder} holds no backup (data.json is missing).")
        if Delegation.objects.exists() or Symposium.objects.exists():
            raise CommandError(
                "The database already has content. Restore into an empty, migrated database "
                "so that nothing is overwritten."
            )

        if from_pg_dump:
            if connection.vendor != "postgresql":
                raise CommandError("--from-pg-dump needs a PostgreSQL database.")
            connection.close()
            # Fixed argument list from settings, no shell; pg_* found on PATH as psql would be.
            subprocess.run(  # nosec B603 B607
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--dbname",
                    database_url_parts()["PGDATABASE"],
                    str(folder / "database.dump"),
                ],
                env={**os.environ, **database_url_parts()},
                check=True,
            )
        else:
            with transaction.atomic():
                call_command("loaddata", str(folder / "data.json"), verbosity=0)

        restored = 0
        with tarfile.open(folder / "media.tar.gz", "r:gz") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                name = os.path.normpath(member.name)
                if name.startswith(("/", "..")):
                    raise CommandError(f"Refusing to restore {member.name!r} outside the media.")
                if default_storage.exists(name):
                    default_storage.delete(name)
                default_storage.save(name, ContentFile(archive.extractfile(member).read()))
                restored += 1

        # Loading bypasses the signals that move the content version: move it now, so
        # no cached page from before the restore is served.
        version.bump()
        self.stdout.write(self.style.SUCCESS(f"Restored the database and {restored} files."))
