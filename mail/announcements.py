"""Announcing a new trip or symposium edition to every confirmed subscriber, once.

`announce()` records the announcement under a key naming what is announced; pressing the
admin's button again finds it and starts nothing. The worker then adds one email per
confirmed subscriber (a unique constraint keeps it to one, however often this runs) and
sends them (mail/outbox.py), in batches so that memory stays flat whatever the list's size.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Announcement, Email, Subscriber
from .outbox import key_of, send_due
from .tokens import unsubscribe_token

BATCH = 500


def announce(record, *, subject, body, url, site_url, user=None):
    """Start announcing `record`; return (announcement, whether it was started now)."""
    key = key_of(record)
    try:
        with transaction.atomic():
            announcement = Announcement.objects.create(
                key=key,
                subject=subject,
                body=body,
                url=url,
                site_url=site_url.rstrip("/"),
                created_by=getattr(user, "username", ""),
            )
            send_announcement.enqueue(announcement.pk)
    except IntegrityError:
        return Announcement.objects.get(key=key), False
    return announcement, True


def progress(announcement):
    """How many of the announcement's emails are queued, sent and failed."""
    found = with_progress(Announcement.objects.filter(pk=announcement.pk)).get()
    return {status: getattr(found, f"{status}_count") for status in Email.Status.values}


def with_progress(announcements):
    """Annotate each announcement with how many of its emails are queued, sent, failed."""
    return announcements.annotate(
        **{
            f"{status}_count": Count("emails", filter=Q(emails__status=status))
            for status in Email.Status.values
        }
    )


def unsubscribe_url(site_url, email):
    return site_url + reverse("mail:unsubscribe", args=[unsubscribe_token(email)])


def email_for(announcement, subscriber):
    link = unsubscribe_url(announcement.site_url, subscriber.email)
    return Email(
        kind="announcement",
        to=subscriber.email,
        subject=announcement.subject,
        body=render_to_string(
            "email/announcement.txt", {"announcement": announcement, "unsubscribe_url": link}
        ),
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        announcement=announcement,
        subscriber=subscriber,
        about=announcement.key,
    )


def add_recipients(announcement_id):
    """Add the announcement's email for each confirmed subscriber who has none yet."""
    announcement = Announcement.objects.get(pk=announcement_id)
    before = announcement.emails.count()
    subscribers = Subscriber.objects.confirmed().exclude(emails__announcement=announcement)
    batch = []
    for subscriber in subscribers.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(email_for(announcement, subscriber))
        if len(batch) == BATCH:
            Email.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Email.objects.bulk_create(batch, ignore_conflicts=True)
    Announcement.objects.filter(pk=announcement.pk).update(recipients_added_at=timezone.now())
    return announcement.emails.count() - before


@task
def send_announcement(announcement_id):
    """The worker's task: add the announcement's emails, then send what is due."""
    added = add_recipients(announcement_id)
    return {"added": added, **send_due()}
