"""Personal data the site's forms collect, kept no longer than docs/features.md (and the
privacy page) says: the retention rules and the erasure of one person, by email address."""

import datetime
import re

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from delegations.models import Application, Inquiry
from mail.models import Email, Subscriber
from mail.subscriptions import forget_unconfirmed


def remove_expired(now=None):
    """Delete what is past its retention; return {what: how many}."""
    now = now or timezone.now()
    days = datetime.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    cutoff_day = timezone.localdate(now) - days
    # A trip whose dates were since removed is judged by when the record was made.
    expired = Q(delegation__end_date__lt=cutoff_day) | Q(
        delegation__end_date__isnull=True, created_at__lt=now - days
    )
    with transaction.atomic():
        removed = {
            "inquiries": Inquiry.objects.filter(expired).delete()[0],
            "applications": Application.objects.filter(expired).delete()[0],
            # Copies of what was sent, once sent or given up on.
            "emails": Email.objects.exclude(status=Email.Status.QUEUED)
            .filter(created_at__lt=now - days)
            .delete()[0],
            "unconfirmed subscribers": forget_unconfirmed(now),
        }
    return removed


def erase(address):
    """Delete everything the forms hold about `address`; return {what: how many}."""
    address = address.strip()
    with transaction.atomic():
        return {
            "inquiries": Inquiry.objects.filter(email__iexact=address).delete()[0],
            "applications": Application.objects.filter(email__iexact=address).delete()[0],
            "subscribers": Subscriber.objects.filter(email__iexact=address).delete()[0],
            "emails": Email.objects.filter(
                Q(to__iregex=rf"(^|\n){re.escape(address)}(\n|$)")
                | Q(reply_to__iexact=address)
                | Q(reply_to__iendswith=f"<{address}>")
            ).delete()[0],
        }
