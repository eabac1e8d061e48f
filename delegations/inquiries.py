"""Questions and registrations of interest sent from an upcoming trip's page.

An inquiry is committed to the database before anything that can fail: the email to the
trip's contacts is sent afterwards and its outcome is recorded on the inquiry, so a mail
server that is down never loses a visitor's message, and staff can see (and retry, from
the admin) what was not sent.

Rate limiting counts submissions per client in the cache, keyed on a keyed hash of
REMOTE_ADDR. Behind a proxy listed in TRUSTED_PROXIES, cosn_global/proxy.py has already
put the visitor's address there; an X-Forwarded-For header from anyone else is never
believed, because any client can send one.
"""

import logging
import time
from email.utils import formataddr

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

from core.models import Section

from .models import Inquiry

logger = logging.getLogger(__name__)

RATE_LIMIT_MESSAGE = (
    "You have sent several messages in a short time. Please wait a few minutes and try again."
)


def client_hash(request):
    """A keyed, one-way code for the client's address: the address itself is never kept."""
    address = request.META.get("REMOTE_ADDR", "")
    return salted_hmac("delegations.inquiries.client", address, algorithm="sha256").hexdigest()[:32]


def rate_limited(client):
    """Count a submission from `client`; return the seconds to wait if over the limit, else 0.

    A fixed window: at most INQUIRY_RATE_LIMIT submissions in each INQUIRY_RATE_WINDOW
    seconds. If the cache cannot be reached the submission is allowed: losing a
    visitor's message is worse than letting a few extra through.
    """
    limit = getattr(settings, "INQUIRY_RATE_LIMIT", 5)
    window = getattr(settings, "INQUIRY_RATE_WINDOW", 600)
    if not limit or window <= 0:
        return 0
    now = time.time()
    window_end = (int(now // window) + 1) * window
    key = f"inquiry-rate:{client}:{window_end}"
    try:
        cache.add(key, 0, timeout=window_end - now + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=window_end - now + 1)
            count = 1
    except Exception:
        logger.warning("Inquiry rate limit unavailable (cache down); allowing.", exc_info=True)
        return 0
    if count > limit:
        return max(1, int(window_end - now))
    return 0


def contacts_for(delegation):
    """Who answers inquiries about `delegation`: its contacts with an email address, else
    the International Delegations section's contact."""
    contacts = [contact for contact in delegation.contacts.all() if contact.email]
    if not contacts:
        section = Section.objects.filter(key=Section.Key.DELEGATIONS).select_related("contact")
        contact = getattr(section.first(), "contact", None)
        if contact and contact.email:
            contacts = [contact]
    return contacts


def receive(form, delegation, request):
    """Store a valid inquiry, then email it to the trip's contacts."""
    with transaction.atomic():
        inquiry = form.save(commit=False)
        inquiry.delegation = delegation
        inquiry.client_hash = client_hash(request)
        inquiry.save()
    send(inquiry, request)
    return inquiry


def send(inquiry, request):
    """Email `inquiry` to its trip's contacts and record the outcome on it.

    Never raises: a failure is logged and kept on the inquiry for staff to see.
    """
    delegation = inquiry.delegation
    contacts = contacts_for(delegation)
    if not contacts:
        logger.error("Inquiry %s: no contact of %s has an email address.", inquiry.pk, delegation)
        return record(
            inquiry,
            Inquiry.EmailStatus.NO_RECIPIENT,
            "Neither the trip nor the International Delegations section has a contact "
            "with an email address.",
        )
    body = render_to_string(
        "email/inquiry.txt",
        {
            "inquiry": inquiry,
            "delegation": delegation,
            "admin_url": request.build_absolute_uri(inquiry.get_admin_url()),
            "page_url": request.build_absolute_uri(delegation.get_absolute_url()),
        },
    )
    message = EmailMessage(
        subject=f"Inquiry about {delegation.title}: {inquiry.name}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contact.email for contact in contacts],
        reply_to=[formataddr((inquiry.name, inquiry.email))],
    )
    try:
        message.send(using="default")
    except Exception as error:
        logger.error("Inquiry %s: the email to the contacts failed.", inquiry.pk, exc_info=True)
        return record(inquiry, Inquiry.EmailStatus.FAILED, f"{type(error).__name__}: {error}")
    return record(inquiry, Inquiry.EmailStatus.SENT, "")


def record(inquiry, status, error):
    inquiry.email_status, inquiry.email_error = status, error[:2000]
    try:
        Inquiry.objects.filter(pk=inquiry.pk).update(
            email_status=inquiry.email_status, email_error=inquiry.email_error
        )
    except DatabaseError:
        # The inquiry itself is stored; it stays "not sent yet" for staff to look at.
        logger.error("Inquiry %s: could not record the email status.", inquiry.pk, exc_info=True)
    return inquiry
