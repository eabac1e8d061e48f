"""Personal data is kept no longer than the privacy page says, and one person can be
erased everywhere at once (cosn_global/personal_data.py and its two commands)."""

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from delegations.models import Application, Inquiry
from delegations.tests.factories import ApplicationFactory, DelegationFactory, InquiryFactory
from mail import outbox
from mail.models import Email, Subscriber
from mail.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 6, 1, 12, tzinfo=datetime.UTC)


def trip_ended(days_ago):
    end = NOW.date() - datetime.timedelta(days=days_ago)
    return DelegationFactory(start_date=end - datetime.timedelta(days=5), end_date=end)


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@time_machine.travel(NOW, tick=False)
def test_inquiries_and_applications_go_a_retention_period_after_their_trip_ended(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    old, recent = trip_ended(days_ago=366), trip_ended(days_ago=364)
    InquiryFactory(delegation=old)
    ApplicationFactory(delegation=old)
    kept_inquiry = InquiryFactory(delegation=recent)
    kept_application = ApplicationFactory(delegation=recent)

    output = run("remove_expired_personal_data")

    assert list(Inquiry.objects.all()) == [kept_inquiry]
    assert list(Application.objects.all()) == [kept_application]
    assert "inquiries: 1, applications: 1" in output


@time_machine.travel(NOW, tick=False)
def test_a_trip_whose_dates_were_removed_is_judged_by_when_the_record_was_made(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    undated = DelegationFactory(undated=True)
    with time_machine.travel(NOW - datetime.timedelta(days=31), tick=False):
        InquiryFactory(delegation=undated)
    kept = InquiryFactory(delegation=undated)

    run("remove_expired_personal_data")

    assert list(Inquiry.objects.all()) == [kept]


@time_machine.travel(NOW, tick=False)
def test_sent_emails_go_after_the_retention_period_queued_ones_never(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    with time_machine.travel(NOW - datetime.timedelta(days=31), tick=False):
        old_sent = outbox.queue(kind="test", to="a@example.org", subject="Old", body="x")
        old_queued = Email.objects.create(
            kind="test",
            to="b@example.org",
            subject="Waiting",
            body="x",
            next_attempt_at=NOW + datetime.timedelta(hours=1),
        )
    recent = outbox.queue(kind="test", to="c@example.org", subject="New", body="x")
    assert Email.objects.get(pk=old_sent.pk).status == Email.Status.SENT

    run("remove_expired_personal_data")

    assert set(Email.objects.values_list("pk", flat=True)) == {old_queued.pk, recent.pk}


@time_machine.travel(NOW, tick=False)
def test_unconfirmed_sign_ups_are_forgotten_after_the_confirmation_period(settings):
    settings.SUBSCRIBER_CONFIRM_DAYS = 7
    with time_machine.travel(NOW - datetime.timedelta(days=8), tick=False):
        SubscriberFactory(email="stale@example.org")
        SubscriberFactory(email="loyal@example.org", confirmed=True)
    SubscriberFactory(email="fresh@example.org")

    output = run("remove_expired_personal_data")

    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "fresh@example.org",
        "loyal@example.org",
    ]
    assert "unconfirmed subscribers: 1" in output


def test_erasing_a_person_removes_them_everywhere_and_no_one_else(client, settings):
    settings.INQUIRY_RATE_LIMIT = 0
    trip = DelegationFactory()
    InquiryFactory(delegation=trip, email="Ada@Example.org")
    ApplicationFactory(delegation=trip, email="ada@example.org")
    SubscriberFactory(email="ada@example.org", confirmed=True)
    outbox.queue(
        kind="test",
        to=["desk@cosn.example"],
        subject="Q",
        body="x",
        reply_to="Ada <ada@example.org>",
    )
    outbox.queue(kind="test", to="ada@example.org", subject="Hello", body="x")
    # Someone whose address merely contains hers stays.
    other = ApplicationFactory(delegation=trip, email="grenada@example.org")
    kept_email = outbox.queue(kind="test", to="grenada@example.org", subject="Hi", body="x")

    output = run("erase_person", "ada@example.org")

    assert not Inquiry.objects.exists()
    assert list(Application.objects.all()) == [other]
    assert not Subscriber.objects.exists()
    assert list(Email.objects.all()) == [kept_email]
    assert output.strip() == "inquiries: 1, applications: 1, subscribers: 1, emails: 2"


def test_erasing_needs_an_email_address():
    with pytest.raises(CommandError, match="not an email address"):
        call_command("erase_person", "ada")


def test_the_privacy_page_states_the_periods_the_settings_give(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 400
    settings.SUBSCRIBER_CONFIRM_DAYS = 9
    page = client.get(reverse("privacy")).content.decode()
    assert "We delete them 400 days after the trip ends." in page
    assert "not confirmed within 9 days is deleted" in page


def test_every_form_links_to_the_privacy_page(client):
    start = timezone.localdate() + datetime.timedelta(days=40)
    trip = DelegationFactory(start_date=start, end_date=start + datetime.timedelta(days=3))
    privacy = reverse("privacy")
    trip_page = client.get(trip.get_absolute_url()).content.decode()
    assert f'href="{privacy}#applications"' in trip_page
    assert f'href="{privacy}#questions"' in trip_page
    assert trip_page.count(f'href="{privacy}"') >= 2  # the footer's link and its sign-up's
    assert f'href="{privacy}"' in client.get(reverse("mail:subscribe")).content.decode()
