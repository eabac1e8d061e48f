"""Signed links in emails: confirming a sign-up (expires) and unsubscribing (does not, so
that the link in an old announcement still works; it is idempotent)."""

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "mail.subscriber.confirm"
UNSUBSCRIBE_SALT = "mail.subscriber.unsubscribe"


def confirm_token(subscriber):
    return signing.dumps({"id": subscriber.pk, "email": subscriber.email}, salt=CONFIRM_SALT)


def read_confirm_token(token):
    """The {"id", "email"} in a confirmation token, or None if it is forged or too old."""
    max_age = settings.SUBSCRIBER_CONFIRM_DAYS * 24 * 3600
    try:
        return signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    except signing.BadSignature:
        return None


def unsubscribe_token(email):
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(email.lower())


def read_unsubscribe_token(token):
    try:
        return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
