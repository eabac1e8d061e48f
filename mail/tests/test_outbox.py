"""The outbox: every email is a row first, then sent over SMTP, retried, or failed."""

import datetime
import threading

import pytest
import time_machine
from django.core.mail import DNS_NAME
from django.db import connection
from django.utils import timezone

from mail import outbox
from mail.models import Email
from mail.signals import email_attempted
from mail.tests.factories import EmailFactory, SubscriberFactory

NOON = datetime.datetime(2026, 3, 2, 17, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def attempts():
    """What the email_attempted signal reported, as (subject, status, attempts) as stored."""
    seen = []

    def receiver(sender, email, **kwargs):
        stored = Email.objects.get(pk=email.pk)
        seen.append((stored.subject, stored.status, stored.attempts))

    email_attempted.connect(receiver, sender=Email)
    yield seen
    email_attempted.disconnect(receiver, sender=Email)


def queue(**overrides):
    return outbox.queue(
        **{
            "kind": "inquiry",
            "to": "jo@cosn.example",
            "subject": "Inquiry about Helsinki",
            "body": "Is there still room?",
            **overrides,
        }
    )


def refreshed(email):
    email.refresh_from_db()
    return email


class TestSending:
    def test_a_queued_email_is_sent_over_smtp_with_its_sender_recipients_and_headers(
        self, smtp_server, settings
    ):
        subscriber = SubscriberFactory()
        email = queue(
            to=["jo@cosn.example", "sam@cosn.example"],
            reply_to="Ada Visitor <ada@example.org>",
            headers={"X-Trip": "helsinki-2026"},
            body="Smith & Sons' <School> asks:\nIs there still room?",
            about=subscriber,
        )

        [received] = smtp_server.received
        assert received.mail_from == settings.DEFAULT_FROM_EMAIL
        assert received.rcpt_tos == ["jo@cosn.example", "sam@cosn.example"]
        message = received.message
        assert message["Subject"] == "Inquiry about Helsinki"
        assert message["To"] == "jo@cosn.example, sam@cosn.example"
        assert message["Reply-To"] == "Ada Visitor <ada@example.org>"
        assert message["X-Trip"] == "helsinki-2026"
        assert message["Message-ID"] == f"<email-{email.pk}@{DNS_NAME}>"
        assert received.body == "Smith & Sons' <School> asks:\nIs there still room?\n"

        email.refresh_from_db()
        assert (email.status, email.attempts, email.last_error) == (Email.Status.SENT, 1, "")
        assert email.sent_at is not None
        assert email.about == f"mail.subscriber:{subscriber.pk}"
        assert email.recipients == ["jo@cosn.example", "sam@cosn.example"]

    def test_one_connection_carries_every_email_of_a_run(self, smtp_server):
        EmailFactory.create_batch(5)

        assert outbox.send_due() == {"sent": 5, "failed": 0}

        assert len(smtp_server.received) == 5
        assert smtp_server.sessions == 1
        assert Email.objects.filter(status=Email.Status.SENT).count() == 5

    def test_emails_are_sent_in_the_order_they_fell_due(self, smtp_server, frozen):
        EmailFactory(subject="Third", next_attempt_at=NOON - MINUTE)
        EmailFactory(subject="First", next_attempt_at=NOON - 3 * MINUTE)
        EmailFactory(subject="Second", next_attempt_at=NOON - 2 * MINUTE)

        outbox.send_due()

        assert [r.message["Subject"] for r in smtp_server.received] == [
            "First",
            "Second",
            "Third",
        ]

    def test_an_email_not_yet_due_is_left_for_later(self, smtp_server, frozen):
        later = EmailFactory(next_attempt_at=NOON + MINUTE)

        assert outbox.send_due() == {"sent": 0, "failed": 0}

        assert smtp_server.received == []
        assert refreshed(later).status == Email.Status.QUEUED
        assert later.attempts == 0

    def test_a_limit_stops_the_run_after_that_many_emails(self, smtp_server):
        EmailFactory.create_batch(3)

        assert outbox.send_due(limit=2) == {"sent": 2, "failed": 0}

        assert len(smtp_server.received) == 2
        assert Email.objects.filter(status=Email.Status.QUEUED).count() == 1

    def test_running_send_due_twice_never_sends_an_email_twice(self, smtp_server):
        first, second = EmailFactory.create_batch(2)

        assert outbox.send_due() == {"sent": 2, "failed": 0}
        assert outbox.send_due() == {"sent": 0, "failed": 0}

        assert sorted(r.message["Subject"] for r in smtp_server.received) == sorted(
            [first.subject, second.subject]
        )
        assert [refreshed(first).attempts, refreshed(second).attempts] == [1, 1]

    @pytest.mark.django_db(transaction=True)
    def test_two_workers_at_once_never_send_the_same_email(self, smtp_server):
        if connection.vendor != "postgresql":
            pytest.skip("SQLite has no row locks; production (and CI's second run) use PostgreSQL.")
        smtp_server.inbox.delay = 0.02  # so that the two runs overlap
        EmailFactory.create_batch(10)
        results = []

        def worker():
            try:
                results.append(outbox.send_due())
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        subjects = [r.message["Subject"] for r in smtp_server.received]
        assert len(subjects) == len(set(subjects)) == 10
        assert sorted(result["sent"] for result in results)[0] > 0  # both really sent
        assert sum(result["sent"] for result in results) == 10
        assert Email.objects.filter(status=Email.Status.SENT, attempts=1).count() == 10

    def test_sent_and_failed_emails_are_never_sent_again_by_a_run(self, smtp_server):
        EmailFactory(sent=True)
        EmailFactory(failed=True)

        assert outbox.send_due() == {"sent": 0, "failed": 0}
        assert smtp_server.received == []


class TestTemporaryFailures:
    def test_with_the_server_down_the_email_stays_queued_and_is_tried_again_in_a_minute(
        self, smtp_server, frozen, caplog
    ):
        smtp_server.stop()

        email = refreshed(queue())

        assert email.status == Email.Status.QUEUED
        assert email.attempts == 1
        assert email.last_error.startswith("ConnectionRefusedError")
        assert email.next_attempt_at == NOON + MINUTE
        assert email.sent_at is None
        assert "not sent, attempt 1" in caplog.text

    def test_the_email_is_sent_when_due_again_once_the_server_is_back(self, smtp_server, frozen):
        smtp_server.stop()
        email = queue()
        smtp_server.start()

        assert outbox.send_due() == {"sent": 0, "failed": 0}  # not due yet
        assert smtp_server.received == []

        frozen.shift(MINUTE)
        assert outbox.send_due() == {"sent": 1, "failed": 0}

        [received] = smtp_server.received
        # The Message-ID does not change between attempts, so a copy can be recognised.
        assert received.message["Message-ID"] == f"<email-{email.pk}@{DNS_NAME}>"
        email.refresh_from_db()
        assert (email.status, email.attempts, email.last_error) == (Email.Status.SENT, 2, "")

    def test_backoff_grows_1_4_16_64_minutes_then_stays_at_4_hours(self):
        delays = [outbox.backoff(attempts) for attempts in range(1, 8)]
        assert delays == [datetime.timedelta(minutes=m) for m in [1, 4, 16, 64, 240, 240, 240]]

    def test_each_failed_attempt_waits_longer_and_the_last_fails_for_good(
        self, smtp_server, frozen, settings
    ):
        settings.EMAIL_MAX_ATTEMPTS = 6
        smtp_server.stop()
        email = EmailFactory()
        waits = []

        for _ in range(5):
            assert outbox.send_due() == {"sent": 0, "failed": 0}
            email.refresh_from_db()
            assert email.status == Email.Status.QUEUED
            waits.append(email.next_attempt_at - timezone.now())
            frozen.move_to(email.next_attempt_at)

        assert waits == [datetime.timedelta(minutes=m) for m in [1, 4, 16, 64, 240]]
        assert outbox.send_due() == {"sent": 0, "failed": 1}
        email.refresh_from_db()
        assert (email.status, email.attempts) == (Email.Status.FAILED, 6)
        assert email.last_error.startswith("ConnectionRefusedError")

    def test_the_last_allowed_attempt_leaves_the_email_failed(self, smtp_server, settings, caplog):
        settings.EMAIL_MAX_ATTEMPTS = 3
        smtp_server.stop()
        email = EmailFactory(attempts=2)

        assert outbox.send_due() == {"sent": 0, "failed": 1}

        email.refresh_from_db()
        assert (email.status, email.attempts) == (Email.Status.FAILED, 3)
        assert f"Email {email.pk} (inquiry) failed" in caplog.text

    def test_a_temporary_failure_stops_the_run_and_leaves_the_others_untouched(self, smtp_server):
        smtp_server.stop()
        first, second, third = EmailFactory.create_batch(3)

        assert outbox.send_due() == {"sent": 0, "failed": 0}

        tried = [refreshed(email).attempts for email in (first, second, third)]
        assert tried == [1, 0, 0]

    def test_a_4xx_refusal_is_temporary_and_retried(self, smtp_server, frozen):
        smtp_server.refuse("jo@cosn.example", "451 Try again later")

        email = refreshed(queue())

        assert (email.status, email.attempts) == (Email.Status.QUEUED, 1)
        assert email.next_attempt_at == NOON + MINUTE
        assert "451" in email.last_error
        assert smtp_server.received == []

    def test_a_refused_login_is_not_a_refusal_of_the_emails(self, smtp_server, settings):
        # A wrong password (535) says nothing about the emails: they wait for the
        # server to be fixed instead of all failing for good on their first attempt.
        smtp_server.stop()
        smtp_server.options = {"auth_require_tls": False}  # offers AUTH, refuses every login
        smtp_server.start()
        options = settings.MAILERS["default"]["OPTIONS"]
        settings.MAILERS = {
            "default": {
                **settings.MAILERS["default"],
                "OPTIONS": {**options, "username": "site", "password": "wrong"},
            }
        }
        emails = EmailFactory.create_batch(3)

        outbox.send_due()

        assert [refreshed(email).status for email in emails] == [Email.Status.QUEUED] * 3


class TestPermanentFailures:
    def test_a_550_refusal_fails_the_email_at_once_and_the_others_are_still_sent(
        self, smtp_server, caplog
    ):
        smtp_server.refuse("nobody@cosn.example")
        before = EmailFactory(to="jo@cosn.example")
        refused = EmailFactory(to="nobody@cosn.example")
        after = EmailFactory(to="sam@cosn.example")

        assert outbox.send_due() == {"sent": 2, "failed": 1}

        refused.refresh_from_db()
        assert (refused.status, refused.attempts) == (Email.Status.FAILED, 1)
        assert refused.last_error.startswith("SMTPRecipientsRefused")
        assert "No such user" in refused.last_error
        assert f"Email {refused.pk} (inquiry) failed" in caplog.text
        assert refreshed(before).status == refreshed(after).status == Email.Status.SENT
        assert [r.rcpt_tos for r in smtp_server.received] == [
            ["jo@cosn.example"],
            ["sam@cosn.example"],
        ]
        assert smtp_server.sessions == 1  # the refusal did not cost the connection

    def test_a_failed_email_is_not_retried_by_later_runs(self, smtp_server):
        smtp_server.refuse("nobody@cosn.example")
        refused = EmailFactory(to="nobody@cosn.example")
        outbox.send_due()

        assert outbox.send_due() == {"sent": 0, "failed": 0}
        assert refreshed(refused).attempts == 1


class TestSendAgain:
    def test_send_again_requeues_only_failed_emails_and_sends_them(self, smtp_server):
        failed = EmailFactory(failed=True, subject="Failed once")
        sent = EmailFactory(sent=True, subject="Already sent")
        waiting = EmailFactory(next_attempt_at=timezone.now() + MINUTE, attempts=1)
        waiting_before = waiting.next_attempt_at

        assert outbox.send_again(Email.objects.all()) == 1

        # The task runs at once in tests: the failed email went out, nothing else did.
        assert [r.message["Subject"] for r in smtp_server.received] == ["Failed once"]
        failed.refresh_from_db()
        assert (failed.status, failed.attempts, failed.last_error) == (Email.Status.SENT, 1, "")
        assert refreshed(sent).attempts == 1
        waiting.refresh_from_db()
        assert (waiting.attempts, waiting.next_attempt_at) == (1, waiting_before)

    def test_send_again_with_no_failed_email_changes_nothing(self, smtp_server):
        sent = EmailFactory(sent=True)

        assert outbox.send_again(Email.objects.all()) == 0

        assert smtp_server.received == []
        assert refreshed(sent).status == Email.Status.SENT


class TestSignal:
    def test_email_attempted_fires_after_each_attempt_with_the_stored_outcome(
        self, smtp_server, attempts
    ):
        smtp_server.refuse("nobody@cosn.example")
        EmailFactory(subject="Goes through", to="jo@cosn.example")
        EmailFactory(subject="Refused", to="nobody@cosn.example")
        outbox.send_due()
        smtp_server.stop()
        EmailFactory(subject="Server down")
        outbox.send_due()

        assert sorted(attempts) == [
            ("Goes through", Email.Status.SENT, 1),
            ("Refused", Email.Status.FAILED, 1),
            ("Server down", Email.Status.QUEUED, 1),
        ]

    def test_no_signal_without_an_attempt(self, smtp_server, attempts):
        EmailFactory(next_attempt_at=timezone.now() + MINUTE)
        outbox.send_due()
        assert attempts == []
