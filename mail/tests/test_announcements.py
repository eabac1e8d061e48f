"""Announcing a new trip to every confirmed subscriber: once each, with a way out."""

import urllib.parse

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from delegations.tests.factories import DelegationFactory
from mail import announcements, outbox
from mail.models import Announcement, Email, Subscriber
from mail.tests.factories import AnnouncementFactory, SubscriberFactory
from mail.tokens import read_unsubscribe_token

CONFIRMED = ["ada@example.org", "bo@example.org", "cy@example.org"]
UNCONFIRMED = ["dee@example.org", "eve@example.org"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribers():
    for address in CONFIRMED:
        SubscriberFactory(email=address, confirmed=True)
    for address in UNCONFIRMED:
        SubscriberFactory(email=address)


@pytest.fixture
def trip():
    return DelegationFactory(title="Helsinki", slug="helsinki-2026")


def announce(record, user=None):
    return announcements.announce(
        record,
        subject="New delegation: Helsinki",
        body="Join CoSN in Helsinki's schools & ministries.",
        url="http://testserver/delegations/helsinki-2026/",
        site_url="http://testserver/",
        user=user,
    )


def path_of(url):
    return urllib.parse.urlsplit(url).path


def unsubscribe_link(received):
    """The unsubscribe link in the body of an announcement."""
    [link] = [
        line.removeprefix("Unsubscribe: ")
        for line in received.body.splitlines()
        if line.startswith("Unsubscribe: ")
    ]
    return link


class TestAnnouncing:
    def test_each_confirmed_subscriber_gets_the_announcement_once_and_no_one_else(
        self, smtp_server, subscribers, trip, admin_user
    ):
        announcement, started = announce(trip, user=admin_user)

        assert started is True
        assert announcement.key == f"delegations.delegation:{trip.pk}"
        assert announcement.created_by == admin_user.username
        assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == CONFIRMED
        assert all(len(r.rcpt_tos) == 1 for r in smtp_server.received)
        for address in UNCONFIRMED:
            assert smtp_server.to(address) == []
        assert smtp_server.sessions == 1  # one connection for the whole announcement

    def test_the_email_has_the_subject_the_text_and_the_page(self, smtp_server, subscribers, trip):
        announce(trip)

        received = smtp_server.to("ada@example.org")[0]
        assert received.message["Subject"] == "New delegation: Helsinki"
        assert received.message["To"] == "ada@example.org"
        assert received.body.startswith("Join CoSN in Helsinki's schools & ministries.\n")
        assert "Read more: http://testserver/delegations/helsinki-2026/" in received.body

    def test_each_email_carries_one_click_unsubscribe_headers_for_its_own_address(
        self, smtp_server, subscribers, trip
    ):
        announce(trip)

        for received in smtp_server.received:
            link = unsubscribe_link(received)
            assert link.startswith("http://testserver/unsubscribe/")
            assert received.message["List-Unsubscribe"] == f"<{link}>"
            assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            token = path_of(link).removeprefix("/unsubscribe/").rstrip("/")
            assert read_unsubscribe_token(token) == received.rcpt_tos[0]

    def test_the_unsubscribe_link_in_the_body_works(self, client, smtp_server, subscribers, trip):
        announce(trip)
        link = unsubscribe_link(smtp_server.to("bo@example.org")[0])

        shown = client.get(path_of(link))
        assert shown.status_code == 200
        assert "bo@example.org" in shown.content.decode()
        assert client.post(path_of(link)).status_code == 200

        assert not Subscriber.objects.filter(email="bo@example.org").exists()
        assert Subscriber.objects.confirmed().count() == 2

    def test_the_one_click_unsubscribe_header_works_as_a_mail_program_sends_it(
        self, smtp_server, subscribers, trip
    ):
        announce(trip)
        header = smtp_server.to("cy@example.org")[0].message["List-Unsubscribe"]

        response = Client(enforce_csrf_checks=True).post(
            path_of(header.strip("<>")),
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )

        assert response.status_code == 200
        assert not Subscriber.objects.filter(email="cy@example.org").exists()

    def test_an_announcement_with_no_confirmed_subscribers_sends_nothing(self, smtp_server, trip):
        SubscriberFactory(email="dee@example.org")

        announcement, _ = announce(trip)

        assert smtp_server.received == []
        announcement.refresh_from_db()
        assert announcement.recipients_added_at is not None


class TestOnce:
    def test_announcing_the_same_record_again_starts_nothing(self, smtp_server, subscribers, trip):
        first, _ = announce(trip)

        again, started = announce(trip)

        assert (again, started) == (first, False)
        assert Announcement.objects.count() == 1
        assert Email.objects.filter(announcement=first).count() == 3
        assert len(smtp_server.received) == 3

    def test_different_records_are_announced_separately(self, smtp_server, subscribers, trip):
        announce(trip)
        announce(DelegationFactory(slug="lisbon-2027"))

        assert Announcement.objects.count() == 2
        assert len(smtp_server.to("ada@example.org")) == 2

    def test_adding_recipients_again_adds_nothing(self, smtp_server, subscribers):
        announcement = AnnouncementFactory()
        assert announcements.add_recipients(announcement.pk) == 3

        assert announcements.add_recipients(announcement.pk) == 0

        assert announcement.emails.count() == 3

    def test_a_later_run_adds_only_those_confirmed_since(self, smtp_server, subscribers):
        announcement = AnnouncementFactory()
        announcements.add_recipients(announcement.pk)
        Subscriber.objects.filter(email="dee@example.org").update(confirmed_at=timezone.now())

        assert announcements.add_recipients(announcement.pk) == 1
        assert sorted(announcement.emails.values_list("to", flat=True)) == sorted(
            [*CONFIRMED, "dee@example.org"]
        )

    def test_a_subscriber_who_got_an_earlier_announcement_gets_the_new_one(
        self, smtp_server, subscribers
    ):
        earlier, later = AnnouncementFactory(), AnnouncementFactory()
        announcements.add_recipients(earlier.pk)

        assert announcements.add_recipients(later.pk) == 3

    def test_recipients_are_added_in_batches_without_losing_any(
        self, smtp_server, subscribers, monkeypatch
    ):
        monkeypatch.setattr(announcements, "BATCH", 2)
        for _ in range(4):
            SubscriberFactory(confirmed=True)
        announcement = AnnouncementFactory()

        assert announcements.add_recipients(announcement.pk) == 7

        assert announcement.emails.count() == 7
        assert announcement.emails.values("subscriber").distinct().count() == 7

    def test_the_database_refuses_a_second_email_of_an_announcement_to_a_subscriber(
        self, subscribers
    ):
        announcement = AnnouncementFactory()
        subscriber = Subscriber.objects.confirmed().first()
        Email.objects.create(
            kind="announcement",
            to=subscriber.email,
            subject="x",
            body="x",
            announcement=announcement,
            subscriber=subscriber,
        )

        with pytest.raises(IntegrityError), transaction.atomic():
            Email.objects.create(
                kind="announcement",
                to=subscriber.email,
                subject="x",
                body="x",
                announcement=announcement,
                subscriber=subscriber,
            )


class TestUnsubscribedBeforeSending:
    def test_a_subscriber_who_unsubscribes_before_the_emails_go_gets_nothing(
        self, client, smtp_server, subscribers
    ):
        announcement = AnnouncementFactory()
        announcements.add_recipients(announcement.pk)  # queued, not yet sent
        [email] = announcement.emails.filter(to="bo@example.org")
        assert (
            client.post(path_of(email.headers["List-Unsubscribe"].strip("<>"))).status_code == 200
        )

        outbox.send_due()

        assert smtp_server.to("bo@example.org") == []
        assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
            "ada@example.org",
            "cy@example.org",
        ]


class TestProgress:
    def test_progress_counts_queued_sent_and_failed(self, smtp_server, subscribers):
        announcement = AnnouncementFactory()
        assert announcements.progress(announcement) == {"queued": 0, "sent": 0, "failed": 0}
        announcements.add_recipients(announcement.pk)
        assert announcements.progress(announcement) == {"queued": 3, "sent": 0, "failed": 0}

        smtp_server.refuse("cy@example.org")
        outbox.send_due()

        assert announcements.progress(announcement) == {"queued": 0, "sent": 2, "failed": 1}

    def test_progress_counts_only_the_announcements_own_emails(self, smtp_server, subscribers):
        announcement, other = AnnouncementFactory(), AnnouncementFactory()
        announcements.add_recipients(other.pk)
        outbox.queue(kind="inquiry", to="jo@cosn.example", subject="Question", body="?")

        assert announcements.progress(announcement) == {"queued": 0, "sent": 0, "failed": 0}
