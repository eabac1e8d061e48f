"""Signing up to hear about new delegations and symposia: double opt-in.

A sign-up stores the address unconfirmed and queues one email with a signed link; only
following it (and pressing the button on that page, which link scanners do not) confirms
it. An unconfirmed address gets nothing else and is forgotten after
SUBSCRIBER_CONFIRM_DAYS (`manage.py remove_expired_personal_data`). Unsubscribing
deletes the address; doing it twice is the same as once.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import outbox
from .models import Email, Subscriber
from .outbox import key_of
from .tokens import confirm_token, read_confirm_token, read_unsubscribe_token


def sign_up(email, site_url):
    """Record `email` and ask it to confirm, unless it is already confirmed."""
    with transaction.atomic():
        subscriber = Subscriber.objects.filter(email__iexact=email).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(email=email)
            except IntegrityError:  # signed up at the same moment from another request
                return Subscriber.objects.get(email__iexact=email)
        if subscriber.confirmed_at:
            return subscriber
        link = site_url.rstrip("/") + reverse("mail:confirm", args=[confirm_token(subscriber)])
        outbox.queue(
            kind="confirm-subscription",
            to=subscriber.email,
            subject="Confirm: email me when CoSN announces a delegation or symposium",
            body=render_to_string(
                "email/confirm_subscription.txt",
                {"confirm_url": link, "days": settings.SUBSCRIBER_CONFIRM_DAYS},
            ),
            about=subscriber,
        )
    return subscriber


def subscriber_to_confirm(token):
    """The subscriber a confirmation link is for, or None if it is forged, too old, or
    for an address that has since unsubscribed."""
    data = read_confirm_token(token)
    if data is None:
        return None
    return Subscriber.objects.filter(pk=data["id"], email=data["email"]).first()


def confirm(subscriber):
    Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )


def unsubscribe(token):
    """Forget the address in an unsubscribe link; return it, or None if the link is forged."""
    email = read_unsubscribe_token(token)
    if email is not None:
        forget(Subscriber.objects.filter(email__iexact=email))
    return email


def forget_unconfirmed(now=None):
    """Delete sign-ups never confirmed within SUBSCRIBER_CONFIRM_DAYS; return how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.SUBSCRIBER_CONFIRM_DAYS)
    return forget(Subscriber.objects.unconfirmed().filter(created_at__lt=cutoff))


def forget(subscribers):
    """Delete `subscribers` and every email to them: announcements go with them (a foreign
    key), confirmation requests are found by what they are about."""
    with transaction.atomic():
        keys = [key_of(subscriber) for subscriber in subscribers]
        Email.objects.filter(about__in=keys).delete()
        deleted, _ = subscribers.filter(pk__in=[key.split(":")[1] for key in keys]).delete()
    return deleted
