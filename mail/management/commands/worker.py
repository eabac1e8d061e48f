"""The background worker: Django's Tasks framework on the database (django-tasks-db).

Before it takes tasks it picks up what a worker that was stopped (or killed) left
half-done: announcements whose recipients were not all added, and queued emails. Both
steps are idempotent, so running them again beside a task still queued does no harm.
"""

from django.core.management import BaseCommand, call_command
from django.utils import timezone

from mail.announcements import send_announcement
from mail.models import Announcement, Email
from mail.outbox import wake


class Command(BaseCommand):
    help = "Run the background worker that sends the site's email (stop with Ctrl-C or SIGTERM)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued, then exit (for tests)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1,
            help="Seconds between looks at the queue when it is empty (default 1).",
        )

    def handle(self, *args, batch, interval, verbosity, **options):
        for pk in Announcement.objects.filter(recipients_added_at=None).values_list(
            "pk", flat=True
        ):
            send_announcement.enqueue(pk)
        queued = Email.objects.filter(status=Email.Status.QUEUED)
        if queued.exists():
            wake()
            # And at the next retry, whose task may have been lost with the old worker.
            later = queued.filter(next_attempt_at__gt=timezone.now()).order_by("next_attempt_at")
            if later.exists():
                wake(at=later.first().next_attempt_at)
        call_command(
            "db_worker",
            batch=batch,
            interval=interval,
            reload=False,
            startup_delay=False,
            verbosity=verbosity,
        )
