"""Queue an email with what caused it, and send what is due (from the worker).

`queue()` stores the email and enqueues the `deliver` task in the caller's transaction:
with the database task backend both commit together or not at all. `send_due()` sends
due emails one at a time over one connection to the mail server. Each email is locked
(`SELECT … FOR UPDATE SKIP LOCKED`) while it is sent and marked sent in the same
transaction, so two workers never send the same email, and an email whose worker died
before the mail server accepted it is simply sent again. (The one case left: a worker
killed after the server accepted a message and before the database recorded it sends it
again. Its Message-ID is the same, so mail systems can drop the copy.)

Temporary failures (the server is down, refuses for now, the connection drops) are
retried with a growing delay: 1, 4, 16 and 64 minutes, then 4 hours, up to
EMAIL_MAX_ATTEMPTS attempts. Permanent refusals (5xx) and the last attempt leave the
email "failed" for staff to see and send again from the admin.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import DNS_NAME, EmailMessage, mailers
from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone

from .models import Email
from .signals import email_attempted

logger = logging.getLogger(__name__)


def key_of(record):
    """What `record` is, as an email's `about`: "delegations.inquiry:12"."""
    return f"{record._meta.label_lower}:{record.pk}"


def queue(*, kind, to, subject, body, about=None, reply_to="", headers=None):
    """Store an email to `to` (an address or a list) and wake the worker."""
    email = Email.objects.create(
        kind=kind,
        to="\n".join([to] if isinstance(to, str) else to),
        subject=subject,
        body=body,
        reply_to=reply_to,
        headers=headers or {},
        about=key_of(about) if about is not None else "",
    )
    wake()
    return email


def wake(at=None):
    """Enqueue the `deliver` task, now or at `at` where the task backend can wait."""
    if at is None:
        deliver.enqueue()
    elif default_task_backend.supports_defer:
        deliver.using(run_after=at).enqueue()


def backoff(attempts):
    """How long to wait after the `attempts`-th failed attempt."""
    return datetime.timedelta(minutes=min(4 ** (attempts - 1), 240))


def message_of(email):
    return EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.recipients,
        reply_to=[email.reply_to] if email.reply_to else None,
        # The same for every attempt, so that a copy sent twice can be recognised.
        headers={"Message-ID": f"<email-{email.pk}@{DNS_NAME}>", **email.headers},
    )


def is_permanent(error):
    """Whether the mail server refused this message for good (a 5xx answer to its
    recipients or its content). A refused login or greeting is the server's or the
    settings' fault, not the message's: it is tried again later."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def send_due(limit=None):
    """Send the emails that are due; return how many were sent and failed.

    Stops at the first temporary failure (the rest would most likely fail the same way)
    and enqueues itself for when the failed email is next due.
    """
    sent = failed = 0
    mailer, connected = mailers["default"], False
    try:
        while limit is None or sent + failed < limit:
            with transaction.atomic():
                email = Email.objects.due().select_for_update(skip_locked=True).first()
                if email is None:
                    break
                email.attempts += 1
                try:
                    if not connected:
                        # Opened once, so that every email of the run shares the connection.
                        connected = mailer.open() is not None
                    mailer.send_messages([message_of(email)])
                except Exception as error:
                    settle_failure(email, error)
                    if email.status == Email.Status.FAILED:
                        failed += 1
                        continue
                    transaction.on_commit(lambda at=email.next_attempt_at: wake(at))
                    break
                email.status, email.sent_at, email.last_error = (
                    Email.Status.SENT,
                    timezone.now(),
                    "",
                )
                email.save(update_fields=["status", "attempts", "sent_at", "last_error"])
                sent += 1
                attempted(email)
    finally:
        if connected:
            try:
                mailer.close()
            except Exception:
                logger.warning("Closing the connection to the mail server failed.", exc_info=True)
    return {"sent": sent, "failed": failed}


def settle_failure(email, error):
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    max_attempts = getattr(settings, "EMAIL_MAX_ATTEMPTS", 6)
    if is_permanent(error) or email.attempts >= max_attempts:
        email.status = Email.Status.FAILED
        logger.error("Email %s (%s) failed: %s", email.pk, email.kind, email.last_error)
    else:
        email.next_attempt_at = timezone.now() + backoff(email.attempts)
        logger.warning(
            "Email %s (%s) not sent, attempt %s: %s; next at %s.",
            email.pk,
            email.kind,
            email.attempts,
            email.last_error,
            email.next_attempt_at,
        )
    email.save(update_fields=["status", "attempts", "next_attempt_at", "last_error"])
    attempted(email)


def attempted(email):
    email_attempted.send(sender=Email, email=email)


def send_again(queryset):
    """Queue failed emails for another round of attempts (the admin's action)."""
    count = queryset.filter(status=Email.Status.FAILED).update(
        status=Email.Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    if count:
        wake()
    return count


@task
def deliver():
    """The worker's task: send what is due."""
    return send_due()
