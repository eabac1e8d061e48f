"""The admin of the outbox, the subscribers and the announcements: staff read them and
act on them (send again, export, erase), and never write them by hand."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from mail.models import Announcement, Email, Subscriber
from mail.tests.factories import (
    AnnouncementFactory,
    EmailFactory,
    SubscriberFactory,
)
from tests.helpers import admin_url, factory_for, on

MODELS = [Email, Subscriber, Announcement]

pytestmark = pytest.mark.django_db


def label(model):
    return model._meta.label_lower


def text(response):
    return response.content.decode()


def action(staff_client, model, name, objects, **extra):
    return staff_client.post(
        admin_url(model, "changelist"),
        {"action": name, "_selected_action": [obj.pk for obj in objects], **extra},
    )


def messages(staff_client, model):
    response = staff_client.get(admin_url(model, "changelist"))
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_the_changelist_lists_the_record(staff_client, model):
    obj = factory_for(model)()

    response = staff_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [obj.pk]


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_the_change_page_shows_the_record_read_only(staff_client, model):
    obj = factory_for(model)()

    response = staff_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200
    assert response.context["original"] == obj
    assert response.context["has_change_permission"] is False


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_records_cannot_be_added_by_hand(staff_client, model):
    assert staff_client.get(admin_url(model, "add")).status_code == 403


def test_a_posted_change_is_refused_and_the_record_is_unchanged(staff_client):
    email = EmailFactory(subject="Inquiry about Helsinki")

    response = staff_client.post(admin_url(Email, "change", email.pk), {"subject": "Changed"})

    assert response.status_code == 403
    email.refresh_from_db()
    assert email.subject == "Inquiry about Helsinki"


def test_the_email_list_shows_status_and_recipients_and_searches_them(staff_client):
    EmailFactory(to="jo@cosn.example\nsam@cosn.example", subject="About Helsinki", failed=True)
    EmailFactory(to="desk@cosn.example", subject="About Lisbon")

    page = text(staff_client.get(admin_url(Email, "changelist")))
    found = staff_client.get(admin_url(Email, "changelist"), {"q": "sam@cosn"})

    assert "jo@cosn.example, sam@cosn.example" in page
    assert "Failed" in page
    assert [e.subject for e in found.context["cl"].result_list] == ["About Helsinki"]


class TestSendAgain:
    def test_send_again_sends_the_failed_emails_and_says_how_many(self, staff_client, smtp_server):
        failed = EmailFactory(failed=True, subject="Failed once")
        sent = EmailFactory(sent=True, subject="Already sent")

        response = action(staff_client, Email, "send_again", [failed, sent])

        assert response.status_code == 302
        assert [r.message["Subject"] for r in smtp_server.received] == ["Failed once"]
        failed.refresh_from_db()
        assert (failed.status, failed.attempts) == (Email.Status.SENT, 1)
        assert messages(staff_client, Email) == ["1 email queued to be sent again."]

    def test_send_again_with_no_failed_email_says_so(self, staff_client, smtp_server):
        sent = EmailFactory(sent=True)

        action(staff_client, Email, "send_again", [sent])

        assert smtp_server.received == []
        assert messages(staff_client, Email) == ["None of the selected emails had failed."]


class TestSubscribers:
    def test_the_csv_export_has_a_header_and_one_row_per_selected_subscriber(self, staff_client):
        with on(datetime.date(2026, 2, 20)):
            ada = SubscriberFactory(email="ada@example.org", confirmed=True)
            risky = SubscriberFactory(email="=1+1@example.org")
        SubscriberFactory(email="not-selected@example.org")

        with on(datetime.date(2026, 3, 2)):
            response = action(staff_client, Subscriber, "export_csv", [ada, risky])

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="subscribers-2026-03-02.csv"'
        )
        content = response.content.decode("utf-8")
        assert content.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(content[1:])))
        assert rows[0] == ["Email", "Signed up", "Confirmed"]
        assert sorted(rows[1:]) == [
            ["'=1+1@example.org", "2026-02-20 12:00", ""],  # never run as a formula
            ["ada@example.org", "2026-02-20 12:00", "2026-02-20 12:00"],
        ]

    def test_erasing_selected_subscribers_deletes_them_and_their_emails(self, staff_client):
        ada = SubscriberFactory(email="ada@example.org", confirmed=True)
        kept = SubscriberFactory(email="bo@example.org", confirmed=True)
        announcement = AnnouncementFactory()
        EmailFactory(to=ada.email, announcement=announcement, subscriber=ada)

        confirm = action(staff_client, Subscriber, "delete_selected", [ada])
        assert confirm.status_code == 200
        assert "ada@example.org" in text(confirm)

        response = action(staff_client, Subscriber, "delete_selected", [ada], post="yes")

        assert response.status_code == 302
        assert list(Subscriber.objects.all()) == [kept]
        assert not Email.objects.filter(subscriber_id=ada.pk).exists()

    def test_the_erase_action_is_worded_as_erasing(self, staff_client):
        SubscriberFactory()
        response = staff_client.get(admin_url(Subscriber, "changelist"))
        assert "Erase the selected subscribers" in text(response)

    def test_the_list_filters_confirmed_and_unconfirmed(self, staff_client):
        SubscriberFactory(email="ada@example.org", confirmed=True)
        SubscriberFactory(email="dee@example.org")

        response = staff_client.get(
            admin_url(Subscriber, "changelist"), {"confirmed_at__isempty": "1"}
        )

        assert [s.email for s in response.context["cl"].result_list] == ["dee@example.org"]


class TestAnnouncements:
    def test_the_page_says_when_the_worker_has_not_added_the_recipients_yet(self, staff_client):
        announcement = AnnouncementFactory()

        response = staff_client.get(admin_url(Announcement, "change", announcement.pk))

        assert "Waiting for the worker to add the recipients." in text(response)

    def test_the_list_shows_the_progress_of_each_announcement(self, staff_client):
        announcement = AnnouncementFactory(recipients_added_at=datetime.datetime.now(datetime.UTC))
        for status in ["queued", "sent", "sent", "failed"]:
            subscriber = SubscriberFactory(confirmed=True)
            EmailFactory(
                announcement=announcement,
                subscriber=subscriber,
                to=subscriber.email,
                status=status,
            )

        page = text(staff_client.get(reverse("admin:mail_announcement_changelist")))

        assert "1 queued, 2 sent, 1 failed" in page
