import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from mail.models import Announcement, Email, Subscriber


class SubscriberFactory(DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")

    class Params:
        confirmed = factory.Trait(confirmed_at=factory.LazyFunction(timezone.now))


class AnnouncementFactory(DjangoModelFactory):
    """An announcement as `announce()` records it, without starting its task."""

    class Meta:
        model = Announcement

    key = factory.Sequence(lambda n: f"delegations.delegation:{n}")
    subject = factory.Sequence(lambda n: f"New delegation: Trip {n}")
    body = "Join CoSN on a study tour of schools and ministries."
    url = factory.Sequence(lambda n: f"https://cosn.example/delegations/trip-{n}/")
    site_url = "http://testserver"


class EmailFactory(DjangoModelFactory):
    """A queued email (an outbox row), as `outbox.queue()` stores it, without waking the
    worker."""

    class Meta:
        model = Email

    kind = "inquiry"
    to = factory.Sequence(lambda n: f"contact{n}@cosn.example")
    subject = factory.Sequence(lambda n: f"Inquiry {n}")
    body = "Is there still room on this delegation?"

    class Params:
        sent = factory.Trait(
            status=Email.Status.SENT, attempts=1, sent_at=factory.LazyFunction(timezone.now)
        )
        failed = factory.Trait(
            status=Email.Status.FAILED, attempts=1, last_error="SMTPRecipientsRefused: 550"
        )
