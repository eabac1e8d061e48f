"""Applications to join a trip: taking them, deciding on them, withdrawing them.

Places are guarded by the database, not by the page: every change that can take a place
(a new application, accepting one) first locks the trip's row (`SELECT … FOR UPDATE`),
so two staff accepting the last place at once, or two servers taking applications at
once, are served one after the other and the second sees the first's result. Accepting
on a full trip puts the application on the waitlist instead; the waitlist is in the
order people applied.

Each change of status queues the email staff worded for it (ApplicationEmail), sent by
the worker; a place freed by a withdrawal or decline is offered to the first on the
waitlist by telling the trip's contacts, who confirm it by accepting them.
"""

import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.ratelimit import client_hash
from mail import outbox
from pagecache import version

from .inquiries import contacts_for
from .models import Application, ApplicationEmail, Delegation

logger = logging.getLogger(__name__)

Status = Application.Status

WITHDRAW_SALT = "delegations.application.withdraw"

# The wording until staff change it in the admin (Emails to applicants).
WORDING = {
    ApplicationEmail.Kind.RECEIVED: (
        "We have your application: {trip}",
        "Dear {name},\n\n"
        "Thank you for applying to join CoSN's International Delegation: {trip} ({dates}).\n\n"
        "What happens next: CoSN's staff read every application and will email you when "
        "they have decided, usually within two weeks. If every place is taken, your "
        "application joins the waitlist in the order it arrived.\n\n"
        "The delegation: {trip_url}\n"
        "Questions: {contact}\n\n"
        "If you can no longer go, withdraw your application here: {withdraw_url}\n",
    ),
    ApplicationEmail.Kind.WAITLISTED: (
        "You are on the waitlist: {trip}",
        "Dear {name},\n\n"
        "Every place on the {trip} delegation ({dates}) is taken, so your application is "
        "on the waitlist, in the order it arrived. If a place becomes free, we will offer "
        "it to the first person on the waitlist and email you if that is you.\n\n"
        "Questions: {contact}\n\n"
        "To withdraw your application: {withdraw_url}\n",
    ),
    ApplicationEmail.Kind.ACCEPTED: (
        "You are on the delegation: {trip}",
        "Dear {name},\n\n"
        "We are delighted to tell you that your place on the {trip} delegation ({dates}) "
        "is confirmed. {contact} will write to you about the agenda, travel and payment.\n\n"
        "The delegation: {trip_url}\n\n"
        "If you can no longer go, please withdraw, so that your place can be offered to "
        "someone on the waitlist: {withdraw_url}\n",
    ),
    ApplicationEmail.Kind.DECLINED: (
        "Your application: {trip}",
        "Dear {name},\n\n"
        "Thank you for applying to the {trip} delegation ({dates}). We are sorry that we "
        "cannot offer you a place this time.\n\n"
        "To hear about future delegations, sign up on {trip_url}.\n"
        "Questions: {contact}\n",
    ),
    ApplicationEmail.Kind.WITHDRAWN: (
        "Your application is withdrawn: {trip}",
        "Dear {name},\n\n"
        "Your application to the {trip} delegation ({dates}) is withdrawn. Nothing more is "
        "needed from you. If this is a mistake, write to {contact}.\n",
    ),
}


class NoPlaceLeft(Exception):
    pass


def wording(kind):
    """The staff's wording for `kind`, or the default one."""
    found = ApplicationEmail.objects.filter(kind=kind).first()
    return found or ApplicationEmail(kind=kind, subject=WORDING[kind][0], body=WORDING[kind][1])


def withdraw_token(application):
    return signing.dumps(
        {"id": application.pk, "email": application.email.lower()}, salt=WITHDRAW_SALT
    )


def application_for_token(token):
    """The application a withdrawal link is for, or None if forged or expired."""
    max_age = settings.APPLICATION_LINK_DAYS * 24 * 3600
    try:
        data = signing.loads(token, salt=WITHDRAW_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    application = Application.objects.select_related("delegation").filter(pk=data["id"]).first()
    if application is None or application.email.lower() != data["email"]:
        return None
    return application


def locked_trip(delegation_id):
    return Delegation.objects.select_for_update().get(pk=delegation_id)


def accepted_count(delegation):
    return delegation.applications.filter(status=Status.ACCEPTED).count()


def is_full(trip):
    return trip.capacity is not None and accepted_count(trip) >= trip.capacity


def apply(form, delegation, request):
    """Store a valid application (on the waitlist if the trip is full) and acknowledge it.

    Returns (application, created): an active application from the same address for
    the same trip is returned as it is, and nothing new is stored or sent.
    """
    email = form.cleaned_data["email"]
    with transaction.atomic():
        trip = locked_trip(delegation.pk)
        # lower(email) as the unique index has it, so that the index answers.
        existing = (
            trip.applications.active()
            .annotate(lower_email=Lower("email"))
            .filter(lower_email=email.lower())
            .first()
        )
        if existing is not None:
            return existing, False
        application = form.save(commit=False)
        application.delegation = trip
        application.client_hash = client_hash(request)
        application.status = Status.WAITLISTED if is_full(trip) else Status.RECEIVED
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:  # only without row locks (SQLite): the constraint decides
            return trip.applications.active().get(email__iexact=email), False
        # One email: on a full trip, the waitlist's (which acknowledges it too).
        notify(application, application.status, site_url(request))
    return application, True


def change_status(application, status, *, user=None, site=""):
    """Move `application` to `status`, keep the places, and email the applicant.

    Returns the status it ended in: accepting on a full trip waitlists instead. Raises
    NoPlaceLeft if it was already waitlisted and the trip is still full.
    """
    with transaction.atomic():
        trip = locked_trip(application.delegation_id)
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.status == status:
            return status
        if status == Status.ACCEPTED and is_full(trip):
            if current.status == Status.WAITLISTED:
                raise NoPlaceLeft(f"Every place on {trip.title} is taken.")
            status = Status.WAITLISTED
        freed = current.status == Status.ACCEPTED
        if Status.ACCEPTED in (current.status, status):
            # The trip's places left (and maybe its registration status) change.
            version.bump()
        current.status = status
        current.decided_at = timezone.now()
        current.decided_by = getattr(user, "username", "") or ""
        current.save(update_fields=["status", "decided_at", "decided_by"])
        current.delegation = trip
        notify(current, status, site)
        if freed and status in (Status.DECLINED, Status.WITHDRAWN):
            offer_place(trip, current, site)
    application.status = status
    return status


def withdraw(application, site):
    """The applicant's own withdrawal, from the link in their emails. Idempotent."""
    if application.status == Status.WITHDRAWN:
        return False
    change_status(application, Status.WITHDRAWN, site=site)
    return True


def offer_place(trip, freed_by, site):
    """Tell the trip's contacts a place is free and who is first on the waitlist."""
    first = trip.applications.waitlist().first()
    contacts = contacts_for(trip)
    if first is None or not contacts:
        return
    changelist = reverse("admin:delegations_application_changelist")
    query = f"delegation__id__exact={trip.pk}&status=waitlisted"
    outbox.queue(
        kind="place-free",
        to=[contact.email for contact in contacts],
        subject=f"A place is free on {trip.title}: offer it to {first.name}?",
        body=render_to_string(
            "email/place_free.txt",
            {
                "trip": trip,
                "freed_by": freed_by,
                "first": first,
                "admin_url": f"{site}{changelist}?{query}",
            },
        ),
        about=first,
    )


def notify(application, kind, site):
    """Queue the applicant's email for `kind` in the staff's wording."""
    trip = application.delegation
    contacts = contacts_for(trip)
    contact = ", ".join(f"{c.name} ({c.email})" for c in contacts) if contacts else "CoSN's staff"
    withdraw_url = site + reverse("delegations:withdraw", args=[withdraw_token(application)])
    subject, body = wording(kind).render(
        name=application.name,
        trip=trip.title,
        dates=trip.dates_display if trip.dates_known else "dates to be announced",
        trip_url=site + trip.get_absolute_url(),
        withdraw_url=withdraw_url,
        contact=contact,
    )
    outbox.queue(
        kind=f"application-{kind}",
        to=application.email,
        subject=subject,
        body=body,
        reply_to=contacts[0].email if contacts else "",
        about=application,
    )


def site_url(request):
    return request.build_absolute_uri("/").rstrip("/")
