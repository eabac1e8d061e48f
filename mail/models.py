"""Every email the site sends, the people who asked to hear about new trips and symposia,
and the announcements sent to them.

An email is a row before it is a message: it is stored in the same transaction as
whatever caused it (an inquiry, an application, a sign-up), and the worker sends it
afterwards (mail/outbox.py), so a slow or absent mail server never slows or fails a page
and nothing is lost when the worker stops.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class EmailQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(
            status=Email.Status.QUEUED, next_attempt_at__lte=now or timezone.now()
        ).order_by("next_attempt_at", "pk")


class Email(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(
        max_length=40, help_text="What the email is, e.g. “inquiry” or “announcement”."
    )
    to = models.TextField(help_text="The recipients' addresses, one per line.")
    reply_to = models.CharField(max_length=400, blank=True)
    subject = models.CharField(max_length=400)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField("next attempt", default=timezone.now)
    last_error = models.TextField("error", blank=True)
    created_at = models.DateTimeField("queued at", auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the email is about, as "app_label.model:pk", for the record's own status.
    about = models.CharField(max_length=100, blank=True, db_index=True)
    announcement = models.ForeignKey(
        "Announcement", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    subscriber = models.ForeignKey(
        "Subscriber", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="email_due_idx")]
        constraints = [
            # Each subscriber gets each announcement once, however often it is started.
            models.UniqueConstraint(
                fields=["announcement", "subscriber"],
                condition=Q(announcement__isnull=False),
                name="email_one_announcement_per_subscriber",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipients_display}"

    @property
    def recipients(self):
        return [line.strip() for line in self.to.splitlines() if line.strip()]

    @property
    def recipients_display(self):
        return ", ".join(self.recipients)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self):
        return self.filter(confirmed_at__isnull=True)


class Subscriber(models.Model):
    """Someone who asked to be emailed when a delegation or symposium is announced.

    Double opt-in: nothing but the confirmation request is sent until the link in it is
    followed; unconfirmed addresses are forgotten after SUBSCRIBER_CONFIRM_DAYS.
    Unsubscribing deletes the record.
    """

    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField("signed up", auto_now_add=True)
    confirmed_at = models.DateTimeField("confirmed", null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_unique"),
        ]

    def __str__(self):
        return self.email


class Announcement(models.Model):
    """A new trip or symposium edition, announced once to every confirmed subscriber."""

    key = models.CharField(
        max_length=100,
        unique=True,
        help_text="What is announced, as “app_label.model:pk”: each is announced once.",
    )
    subject = models.CharField(max_length=400)
    body = models.TextField()
    url = models.URLField("page", max_length=500)
    site_url = models.URLField(help_text="The site's address, for the unsubscribe links.")
    created_at = models.DateTimeField("started", auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    recipients_added_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject
