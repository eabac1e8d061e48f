"""Questions and registrations of interest sent from an upcoming trip's page.

An inquiry and its email to the trip's contacts are stored together; the worker sends
the email afterwards (mail/outbox.py) and its outcome is recorded on the inquiry, so a
mail server that is slow or down never delays or loses a visitor's message, and staff can
see (and retry, from the admin) what was not sent.

How often one visitor may send it is core/ratelimit.py's.
"""

import logging
from email.utils import formataddr

from django.db import DatabaseError, transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone

from core.models import Section
from core.ratelimit import client_hash
from mail import outbox
from mail.models import Email
from mail.signals import email_attempted

from .models import Inquiry

logger = logging.getLogger(__name__)


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
    """Store a valid inquiry and queue its email to the trip's contacts, together."""
    with transaction.atomic():
        inquiry = form.save(commit=False)
        inquiry.delegation = delegation
        inquiry.client_hash = client_hash(request)
        inquiry.save()
        send(inquiry, request)
    return inquiry


def send(inquiry, request):
    """Queue the email of `inquiry` to its trip's contacts (mail/outbox.py sends it)."""
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
    record(inquiry, Inquiry.EmailStatus.PENDING, "")
    outbox.queue(
        kind="inquiry",
        to=[contact.email for contact in contacts],
        subject=f"Inquiry about {delegation.title}: {inquiry.name}",
        body=body,
        reply_to=formataddr((inquiry.name, inquiry.email)),
        about=inquiry,
    )
    inquiry.refresh_from_db(fields=["email_status", "email_error"])
    return inquiry


@receiver(email_attempted)
def keep_email_status(sender, email, **kwargs):
    """An inquiry shows how its email fared: sent, failed, or waiting to try again."""
    model, _, pk = email.about.partition(":")
    if model != Inquiry._meta.label_lower:
        return
    if email.status == Email.Status.SENT:
        status, error = Inquiry.EmailStatus.SENT, ""
    elif email.status == Email.Status.FAILED:
        status, error = Inquiry.EmailStatus.FAILED, email.last_error
        logger.error("Inquiry %s: the email to the contacts failed.", pk)
    else:
        when = timezone.localtime(email.next_attempt_at)
        status = Inquiry.EmailStatus.PENDING
        error = f"Attempt {email.attempts} failed ({email.last_error}); next try {when:%H:%M}."
    record(Inquiry(pk=pk), status, error)


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
