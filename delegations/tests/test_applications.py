"""Applying to join a trip, withdrawing, and staff deciding on applications."""

import csv
import datetime
import io
import re
import threading
from collections import Counter

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import PersonFactory
from delegations import applications
from delegations.forms import ApplicationForm
from delegations.models import Application, ApplicationEmail
from delegations.tests.factories import ApplicationFactory, DelegationFactory
from mail.models import Announcement, Email
from tests.helpers import count_queries, on

D = datetime.date
TODAY = D(2026, 3, 2)
APPLY_BY = D(2026, 3, 20)
START, END = D(2026, 4, 13), D(2026, 4, 17)
Status = Application.Status
Kind = ApplicationEmail.Kind
WITHDRAW_LINK = re.compile(r"http://testserver(/applications/withdraw/[^/\s]+/)")


def text(response):
    return response.content.decode()


def words(response):
    return " ".join(text(response).split())


def valid_data(**overrides):
    return {
        "name": "Ada Visitor",
        "email": "ada@example.org",
        "organisation": "Lakeside School District",
        "role": "Superintendent",
        "country": "Ohio",
        "note": "We are building a robotics programme.",
        "consent": "on",
        "website": "",
        **overrides,
    }


@pytest.fixture(autouse=True)
def today():
    with on(TODAY):
        yield TODAY


@pytest.fixture
def trip(db):
    trip = DelegationFactory(
        title="Helsinki",
        slug="helsinki-2026",
        start_date=START,
        end_date=END,
        destinations=["Finland"],
        apply_by=APPLY_BY,
        capacity=2,
    )
    trip.contacts.add(PersonFactory(name="Jo Organiser", email="jo@cosn.example"))
    return trip


def apply_url(trip):
    return reverse("delegations:apply", kwargs={"slug": trip.slug})


def thanks_url(trip):
    return reverse("delegations:apply-thanks", kwargs={"slug": trip.slug})


def submit(client, trip, **overrides):
    return client.post(apply_url(trip), valid_data(**overrides), REMOTE_ADDR="192.0.2.10")


def emails_to(address):
    return [email for email in mail.outbox if address in email.to]


def withdraw_path(email):
    """The withdrawal link in an email to an applicant, as a path for the test client."""
    return WITHDRAW_LINK.search(email.body).group(1)


def applied_on(day, **kwargs):
    """An application received at noon on `day`."""
    with on(day):
        return ApplicationFactory(**kwargs)


# --- Applying -------------------------------------------------------------------------


class TestApplying:
    def test_an_open_trip_page_has_the_application_form(self, client, trip):
        page = text(client.get(trip.get_absolute_url()))
        form = page.split('id="apply"', 1)[1].split("</section>", 1)[0]
        assert f'action="{apply_url(trip)}#apply"' in form
        assert 'name="csrfmiddlewaretoken"' in form
        for name in ["name", "email", "organisation", "role", "country", "note", "consent"]:
            assert f'id="apply-{name}"' in form
        assert "Send your application" in form

    def test_an_application_is_stored_and_acknowledged_with_a_withdraw_link(self, client, trip):
        response = submit(client, trip)

        assert response.status_code == 302
        assert response["Location"] == thanks_url(trip)
        application = Application.objects.get()
        assert (application.delegation, application.name, application.email) == (
            trip,
            "Ada Visitor",
            "ada@example.org",
        )
        assert (application.organisation, application.role, application.country) == (
            "Lakeside School District",
            "Superintendent",
            "Ohio",
        )
        assert application.status == Status.RECEIVED
        assert application.consent is True
        assert len(application.client_hash) == 32 and "192.0.2.10" not in application.client_hash

        [email] = mail.outbox
        assert email.to == ["ada@example.org"]
        assert email.subject == "We have your application: Helsinki"
        assert email.reply_to == ["jo@cosn.example"]
        assert "Dear Ada Visitor," in email.body
        assert "Helsinki (April 13-17, 2026)" in email.body
        assert "http://testserver/delegations/helsinki-2026/" in email.body
        assert "Jo Organiser (jo@cosn.example)" in email.body
        path = withdraw_path(email)
        assert applications.application_for_token(path.split("/")[-2]) == application

    def test_the_thanks_page_names_the_contact_and_no_personal_data(self, client, trip):
        response = submit(client, trip)
        page = client.get(response["Location"])
        assert page.status_code == 200
        body = words(page)
        assert "Thank you: we have your application" in body
        assert "questions to Jo Organiser" in body
        assert "Ada Visitor" not in body and "ada@example.org" not in body
        assert "waitlist" not in body

    def test_on_a_full_trip_the_application_is_waitlisted_and_the_applicant_told(
        self, client, trip
    ):
        ApplicationFactory.create_batch(2, delegation=trip, status=Status.ACCEPTED)

        response = submit(client, trip)

        assert response.status_code == 302
        assert response["Location"] == thanks_url(trip) + "?waitlist"
        application = Application.objects.get(email="ada@example.org")
        assert application.status == Status.WAITLISTED
        # One email, the waitlist's, which is the acknowledgement too.
        [email] = emails_to("ada@example.org")
        assert email.subject == "You are on the waitlist: Helsinki"
        assert "/applications/withdraw/" in email.body
        page = words(client.get(response["Location"]))
        assert "Every place is taken, so it is on the waitlist" in page

    def test_a_get_of_the_apply_address_leads_to_the_form(self, client, trip):
        response = client.get(apply_url(trip))
        assert response.status_code == 302
        assert response["Location"] == trip.get_absolute_url() + "#apply"


class TestValidation:
    def test_errors_answer_400_and_keep_everything_typed(self, client, trip):
        response = submit(client, trip, email="not-an-address", note="Line one & <two>")

        assert response.status_code == 400
        assert Application.objects.count() == 0 and mail.outbox == []
        page = text(response)
        assert "<title>Error: Helsinki" in page
        for typed in [
            'value="Ada Visitor"',
            'value="not-an-address"',
            'value="Lakeside School District"',
            'value="Superintendent"',
            'value="Ohio"',
        ]:
            assert typed in page
        assert "Line one &amp; &lt;two&gt;</textarea>" in page
        assert '<a href="#apply-email">Enter an email address like name@example.org.</a>' in page
        assert response.context["application_form"].errors == {
            "email": ["Enter an email address like name@example.org."]
        }

    def test_required_fields(self, client, trip):
        response = submit(
            client, trip, name=" ", email="", organisation="", role="", country="", consent=""
        )
        assert response.status_code == 400
        assert response.context["application_form"].errors == {
            "name": ["Enter your name."],
            "email": ["Enter your email address."],
            "organisation": ["Enter your organisation or school district."],
            "role": ["Enter your role."],
            "country": ["Enter the state or country where you work."],
            "consent": ["Tick the box to agree to how CoSN uses your details."],
        }

    def test_consent_is_required(self, client, trip):
        response = submit(client, trip, consent="")
        assert response.status_code == 400
        assert "Tick the box to agree to how CoSN uses your details." in text(response)
        assert Application.objects.count() == 0 and mail.outbox == []

    def test_the_database_keeps_no_application_without_consent(self, trip):
        with pytest.raises(IntegrityError), transaction.atomic():
            ApplicationFactory(delegation=trip, consent=False)

    def test_the_note_is_optional(self, client, trip):
        assert submit(client, trip, note="").status_code == 302


class TestDuplicates:
    def test_the_same_address_in_another_case_is_refused_kindly_with_409(self, client, trip):
        assert submit(client, trip).status_code == 302
        sent = len(mail.outbox)

        response = submit(client, trip, email="ADA@Example.ORG", name="Ada Again")

        assert response.status_code == 409
        assert Application.objects.count() == 1
        assert len(mail.outbox) == sent  # nothing new emailed
        page = words(response)
        assert "We already have an application from ada@example.org for this delegation" in page
        assert "sent on March 2, 2026" in page
        assert "Its status: received." in page
        assert 'value="Ada Again"' in page  # what was typed is kept

    def test_the_database_refuses_a_second_active_application_from_one_address(self, trip):
        ApplicationFactory(delegation=trip, email="ada@example.org")
        with pytest.raises(IntegrityError), transaction.atomic():
            ApplicationFactory(delegation=trip, email="Ada@Example.org")

    def test_a_withdrawn_applicant_may_apply_again(self, client, trip):
        ApplicationFactory(delegation=trip, email="ada@example.org", status=Status.WITHDRAWN)

        response = submit(client, trip)

        assert response.status_code == 302
        assert sorted(Application.objects.values_list("status", flat=True)) == [
            Status.RECEIVED,
            Status.WITHDRAWN,
        ]
        assert len(emails_to("ada@example.org")) == 1

    def test_a_declined_applicant_applying_again_is_told_of_the_first_application_409(
        self, client, trip
    ):
        ApplicationFactory(delegation=trip, email="ada@example.org", status=Status.DECLINED)
        response = submit(client, trip)
        assert response.status_code == 409
        assert "Its status: declined." in words(response)
        assert Application.objects.count() == 1

    def test_the_same_address_may_apply_to_another_trip(self, client, trip):
        other = DelegationFactory(slug="oslo", start_date=START, end_date=END)
        assert submit(client, trip).status_code == 302
        assert submit(client, other).status_code == 302
        assert Application.objects.count() == 2


class TestAbuse:
    def test_a_filled_honeypot_looks_like_success_but_nothing_is_kept_or_sent(self, client, trip):
        response = submit(client, trip, website="http://spam.example", consent="")
        assert response.status_code == 302
        assert response["Location"] == thanks_url(trip)
        assert Application.objects.count() == 0
        assert mail.outbox == []
        assert Email.objects.count() == 0

    def test_over_the_rate_limit_a_client_is_asked_to_wait(self, client, trip, settings):
        settings.INQUIRY_RATE_LIMIT, settings.INQUIRY_RATE_WINDOW = 1, 600
        assert submit(client, trip).status_code == 302

        response = submit(client, trip, email="bo@example.org", name="Bo Second")

        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 600
        assert 'value="Bo Second"' in text(response)
        assert Application.objects.count() == 1


class TestClosedTrips:
    def test_a_past_trip_answers_410_and_keeps_nothing(self, client, trip):
        with on(END + datetime.timedelta(days=1)):
            response = submit(client, trip)
        assert response.status_code == 410
        assert "<h1>Applications have closed</h1>" in text(response)
        assert "Your application was not sent." in words(response)
        assert Application.objects.count() == 0 and mail.outbox == []

    def test_after_the_apply_by_day_a_trip_answers_410(self, client, trip):
        with on(APPLY_BY + datetime.timedelta(days=1)):
            response = submit(client, trip)
        assert response.status_code == 410
        assert "applications closed" in words(response)
        assert Application.objects.count() == 0

    def test_at_the_moment_registration_ends_a_trip_stops_taking_applications(self, client, trip):
        ends = timezone.make_aware(datetime.datetime.combine(APPLY_BY, datetime.time(17)))
        trip.registration = "<p>Write to the delegations desk to register.</p>"
        trip.registration_ends_at = ends
        trip.save()
        with time_machine.travel(ends - datetime.timedelta(seconds=1), tick=False):
            page = text(client.get(trip.get_absolute_url()))
            assert 'id="apply"' in page and "Write to the delegations desk" in page
        with time_machine.travel(ends, tick=False):
            page = text(client.get(trip.get_absolute_url()))
            assert 'id="apply"' not in page and "Write to the delegations desk" not in page
            assert "Applications closed" in page
            assert submit(client, trip).status_code == 410
        assert Application.objects.count() == 0

    def test_a_trip_under_way_answers_410(self, client, trip):
        with on(D(2026, 4, 14)):
            assert submit(client, trip).status_code == 410
        assert Application.objects.count() == 0

    def test_an_unpublished_trip_is_404_even_for_staff(self, staff_client, trip):
        trip.is_published = False
        trip.save()
        assert submit(staff_client, trip).status_code == 404
        assert staff_client.get(thanks_url(trip)).status_code == 404
        assert Application.objects.count() == 0


# --- Withdrawing -------------------------------------------------------------------------


@pytest.fixture
def applied(client, trip):
    """Ada's application through the form, and the path of her withdrawal link."""
    submit(client, trip)
    [email] = mail.outbox
    mail.outbox.clear()
    return Application.objects.get(), withdraw_path(email)


class TestWithdrawing:
    def test_opening_the_link_changes_nothing_and_shows_a_button(self, client, applied):
        application, path = applied
        response = client.get(path)
        assert response.status_code == 200
        page = words(response)
        assert "Ada Visitor, press the button to withdraw your application to the Helsinki" in page
        assert "Withdraw my application</button>" in page
        application.refresh_from_db()
        assert application.status == Status.RECEIVED
        assert mail.outbox == []

    def test_pressing_the_button_withdraws_and_emails_the_applicant(self, client, applied):
        application, path = applied
        response = client.post(path)
        assert response.status_code == 200
        assert "is withdrawn; we are emailing you to confirm it" in words(response)
        application.refresh_from_db()
        assert application.status == Status.WITHDRAWN
        assert application.decided_at is not None and application.decided_by == ""
        [email] = mail.outbox
        assert email.to == ["ada@example.org"]
        assert email.subject == "Your application is withdrawn: Helsinki"

    def test_a_second_use_says_it_was_already_withdrawn_and_sends_nothing(self, client, applied):
        _, path = applied
        client.post(path)
        mail.outbox.clear()
        again = client.post(path)
        assert again.status_code == 200
        assert "was already withdrawn" in words(again)
        assert mail.outbox == []
        assert "was already withdrawn" in words(client.get(path))

    def test_a_forged_link_answers_400(self, client, applied):
        application, path = applied
        token = path.split("/")[-2]
        forged = token[:-1] + ("A" if token[-1] != "A" else "B")
        other_salt = signing.dumps({"id": application.pk, "email": application.email})
        for bad in (forged, other_salt, "nonsense"):
            response = client.post(reverse("delegations:withdraw", args=[bad]))
            assert response.status_code == 400
            assert "This link does not work" in text(response)
        application.refresh_from_db()
        assert application.status == Status.RECEIVED

    def test_a_link_older_than_the_limit_answers_400(self, client, applied, settings):
        application, path = applied
        days = settings.APPLICATION_LINK_DAYS
        with on(TODAY + datetime.timedelta(days=days - 1)):
            assert client.get(path).status_code == 200
        with on(TODAY + datetime.timedelta(days=days + 1)):
            response = client.post(path)
        assert response.status_code == 400
        assert f"older than {days} days" in words(response)
        application.refresh_from_db()
        assert application.status == Status.RECEIVED

    def test_the_page_shows_no_other_applicant(self, client, trip, applied):
        ApplicationFactory(delegation=trip, name="Bo Other", email="bo@example.org")
        _, path = applied
        for response in (client.get(path), client.post(path)):
            page = text(response)
            assert "Bo Other" not in page and "bo@example.org" not in page

    def test_the_link_is_not_cached_and_needs_no_csrf_token(self, applied):
        _, path = applied
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(path)
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
        assert visitor.post(path).status_code == 200

    def test_an_accepted_applicant_withdrawing_frees_the_place_for_the_waitlist(
        self, client, trip, applied
    ):
        application, path = applied
        applications.change_status(application, Status.ACCEPTED)
        waiting = ApplicationFactory(delegation=trip, name="Wu Waiting", status=Status.WAITLISTED)
        mail.outbox.clear()

        client.post(path)

        [offer] = emails_to("jo@cosn.example")
        assert offer.subject == "A place is free on Helsinki: offer it to Wu Waiting?"
        assert waiting.name in offer.body


# --- Staff deciding, in the admin ----------------------------------------------------------


def changelist(**query):
    url = reverse("admin:delegations_application_changelist")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def action(staff_client, name, selected, follow=True):
    return staff_client.post(
        changelist(),
        {"action": name, "_selected_action": [application.pk for application in selected]},
        follow=follow,
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def statuses(*selected):
    return [Application.objects.get(pk=application.pk).status for application in selected]


class TestAdminActions:
    def test_accept_accepts_and_emails_the_applicant(self, staff_client, trip):
        ada = ApplicationFactory(delegation=trip, name="Ada Visitor", email="ada@example.org")

        response = action(staff_client, "accept", [ada])

        assert "1 application accepted; each applicant is emailed." in messages_of(response)
        ada.refresh_from_db()
        assert ada.status == Status.ACCEPTED
        assert ada.decided_by == "admin" and ada.decided_at is not None
        [email] = mail.outbox
        assert email.to == ["ada@example.org"]
        assert email.subject == "You are on the delegation: Helsinki"
        assert WITHDRAW_LINK.search(email.body)

    def test_accepting_more_than_the_places_accepts_the_earliest_and_waitlists_the_rest(
        self, staff_client, trip
    ):
        # Created in an order unlike the order they applied in.
        third = applied_on(D(2026, 2, 25), delegation=trip)
        first = applied_on(D(2026, 2, 20), delegation=trip)
        second = applied_on(D(2026, 2, 22), delegation=trip)
        fourth = applied_on(D(2026, 2, 27), delegation=trip)

        response = action(staff_client, "accept", [fourth, third, second, first])

        assert statuses(first, second, third, fourth) == [
            Status.ACCEPTED,
            Status.ACCEPTED,
            Status.WAITLISTED,
            Status.WAITLISTED,
        ]
        assert Application.objects.filter(status=Status.ACCEPTED).count() == trip.capacity
        messages = messages_of(response)
        assert "2 applications accepted; each applicant is emailed." in messages
        assert "2 applications waitlisted; each applicant is emailed." in messages
        subjects = Counter(email.subject for email in mail.outbox)
        assert subjects == {
            "You are on the delegation: Helsinki": 2,
            "You are on the waitlist: Helsinki": 2,
        }

    def test_accepting_a_waitlisted_applicant_on_a_full_trip_is_refused(self, staff_client, trip):
        ApplicationFactory.create_batch(2, delegation=trip, status=Status.ACCEPTED)
        waiting = ApplicationFactory(delegation=trip, name="Wu Waiting", status=Status.WAITLISTED)

        response = action(staff_client, "accept", [waiting])

        assert "Wu Waiting: Every place on Helsinki is taken." in messages_of(response)
        assert statuses(waiting) == [Status.WAITLISTED]
        assert mail.outbox == []

    def test_waitlist_puts_on_the_waitlist_and_emails_the_applicant(self, staff_client, trip):
        ada = ApplicationFactory(delegation=trip, email="ada@example.org")
        action(staff_client, "waitlist", [ada])
        assert statuses(ada) == [Status.WAITLISTED]
        [email] = mail.outbox
        assert email.subject == "You are on the waitlist: Helsinki"

    def test_withdraw_marks_withdrawn_and_emails_the_applicant(self, staff_client, trip):
        ada = ApplicationFactory(delegation=trip, email="ada@example.org")
        action(staff_client, "withdraw", [ada])
        assert statuses(ada) == [Status.WITHDRAWN]
        [email] = mail.outbox
        assert email.subject == "Your application is withdrawn: Helsinki"

    def test_declining_an_accepted_applicant_tells_the_contacts_who_is_first_on_the_waitlist(
        self, staff_client, trip
    ):
        accepted = ApplicationFactory(
            delegation=trip, name="Al Accepted", email="al@example.org", status=Status.ACCEPTED
        )
        ApplicationFactory(delegation=trip, status=Status.ACCEPTED)
        second = applied_on(D(2026, 2, 25), delegation=trip, status=Status.WAITLISTED)
        first = applied_on(
            D(2026, 2, 20),
            delegation=trip,
            name="Fay First",
            organisation="Hillside Schools",
            status=Status.WAITLISTED,
        )

        action(staff_client, "decline", [accepted])

        assert statuses(accepted, first, second) == [
            Status.DECLINED,
            Status.WAITLISTED,
            Status.WAITLISTED,
        ]
        [declined] = emails_to("al@example.org")
        assert declined.subject == "Your application: Helsinki"
        [offer] = emails_to("jo@cosn.example")
        assert offer.to == ["jo@cosn.example"]
        assert offer.subject == "A place is free on Helsinki: offer it to Fay First?"
        assert "Al Accepted's place on the Helsinki delegation is free" in offer.body
        assert "Fay First (Hillside Schools), who applied on February 20, 2026" in offer.body
        assert (
            "http://testserver/admin/delegations/application/"
            f"?delegation__id__exact={trip.pk}&status=waitlisted"
        ) in offer.body
        assert Email.objects.filter(kind="place-free").count() == 1

    def test_declining_an_applicant_who_held_no_place_tells_the_contacts_nothing(
        self, staff_client, trip
    ):
        received = ApplicationFactory(delegation=trip)
        ApplicationFactory(delegation=trip, status=Status.WAITLISTED)
        action(staff_client, "decline", [received])
        assert emails_to("jo@cosn.example") == []

    def test_the_list_warns_of_a_free_place_while_someone_waits(self, staff_client, trip):
        ApplicationFactory(delegation=trip, status=Status.ACCEPTED)
        ApplicationFactory(delegation=trip, name="Wu Waiting", status=Status.WAITLISTED)
        response = staff_client.get(changelist())
        assert (
            "Helsinki has 1 free place and a waitlist: the first on it is Wu Waiting."
            in " ".join(messages_of(response))
        )
        assert "#1" in text(response)

    def test_no_warning_while_the_trip_is_full(self, staff_client, trip):
        ApplicationFactory.create_batch(2, delegation=trip, status=Status.ACCEPTED)
        ApplicationFactory(delegation=trip, status=Status.WAITLISTED)
        response = staff_client.get(changelist())
        assert not any("free place" in message for message in messages_of(response))

    def test_applications_cannot_be_added_or_edited_in_the_admin(self, staff_client, trip):
        ada = ApplicationFactory(delegation=trip, name="Ada Visitor", status=Status.RECEIVED)
        add = reverse("admin:delegations_application_add")
        assert staff_client.get(add).status_code == 403
        change = reverse("admin:delegations_application_change", args=[ada.pk])
        staff_client.post(change, {"name": "Someone Else", "status": Status.ACCEPTED})
        ada.refresh_from_db()
        assert (ada.name, ada.status) == ("Ada Visitor", Status.RECEIVED)


STAFF_WORDING = {
    Kind.RECEIVED: "Got it",
    Kind.ACCEPTED: "Welcome aboard",
    Kind.WAITLISTED: "Please wait",
    Kind.DECLINED: "Not this time",
    Kind.WITHDRAWN: "Sorry to see you go",
}
ACTIONS = {
    Kind.ACCEPTED: "accept",
    Kind.WAITLISTED: "waitlist",
    Kind.DECLINED: "decline",
    Kind.WITHDRAWN: "withdraw",
}


def wording_list():
    return reverse("admin:delegations_applicationemail_changelist")


class TestStaffWording:
    def test_the_emails_list_creates_the_five_with_the_default_wording(self, staff_client):
        assert staff_client.get(wording_list()).status_code == 200
        rows = {row.kind: (row.subject, row.body) for row in ApplicationEmail.objects.all()}
        assert rows == {kind: tuple(wording) for kind, wording in applications.WORDING.items()}
        assert len(rows) == 5
        # Opening it again adds nothing and keeps staff's changes.
        ApplicationEmail.objects.filter(kind=Kind.ACCEPTED).update(subject="Changed")
        staff_client.get(wording_list())
        assert ApplicationEmail.objects.count() == 5
        assert ApplicationEmail.objects.get(kind=Kind.ACCEPTED).subject == "Changed"

    def test_emails_to_applicants_cannot_be_added_or_deleted(self, staff_client):
        staff_client.get(wording_list())
        row = ApplicationEmail.objects.get(kind=Kind.ACCEPTED)
        assert (
            staff_client.get(reverse("admin:delegations_applicationemail_add")).status_code == 403
        )
        delete = reverse("admin:delegations_applicationemail_delete", args=[row.pk])
        assert staff_client.post(delete, {"post": "yes"}).status_code == 403
        assert ApplicationEmail.objects.count() == 5

    def test_staff_edit_the_wording_in_the_admin_and_the_applicant_gets_it(
        self, staff_client, trip
    ):
        staff_client.get(wording_list())
        row = ApplicationEmail.objects.get(kind=Kind.ACCEPTED)
        response = staff_client.post(
            reverse("admin:delegations_applicationemail_change", args=[row.pk]),
            {
                "subject": "Welcome aboard, {name}",
                "body": "Hello {name}: {trip} on {dates}. See {trip_url}. "
                "Ask {contact}. Cannot go? {withdraw_url}",
            },
        )
        assert response.status_code == 302
        ada = ApplicationFactory(delegation=trip, name="Ada Visitor", email="ada@example.org")

        action(staff_client, "accept", [ada])

        [email] = mail.outbox
        assert email.subject == "Welcome aboard, Ada Visitor"
        assert email.body.startswith(
            "Hello Ada Visitor: Helsinki on April 13-17, 2026. "
            "See http://testserver/delegations/helsinki-2026/. "
            "Ask Jo Organiser (jo@cosn.example). Cannot go? http://testserver/applications/"
        )
        token = withdraw_path(email).split("/")[-2]
        assert applications.application_for_token(token) == ada

    @pytest.mark.parametrize("kind", list(ACTIONS))
    def test_each_status_change_emails_the_applicant_in_the_staff_wording(
        self, staff_client, trip, kind
    ):
        for each, subject in STAFF_WORDING.items():
            ApplicationEmail.objects.create(
                kind=each, subject=subject, body=f"{subject}, {{name}}."
            )
        ada = ApplicationFactory(delegation=trip, name="Ada Visitor", email="ada@example.org")

        action(staff_client, ACTIONS[kind], [ada])

        [email] = mail.outbox
        assert (email.subject, email.body) == (
            STAFF_WORDING[kind],
            f"{STAFF_WORDING[kind]}, Ada Visitor.",
        )

    def test_the_acknowledgement_is_in_the_staff_wording(self, client, trip):
        ApplicationEmail.objects.create(
            kind=Kind.RECEIVED, subject="Got it: {trip}", body="Thanks {name}."
        )
        submit(client, trip)
        [email] = mail.outbox
        assert (email.subject, email.body) == ("Got it: Helsinki", "Thanks Ada Visitor.")

    def test_an_unknown_placeholder_is_rejected(self):
        wording = ApplicationEmail(kind=Kind.ACCEPTED, subject="Hi {nope}", body="Dear {name}")
        with pytest.raises(ValidationError) as error:
            wording.clean()
        assert error.value.message_dict == {
            "subject": [
                "{nope} is not filled in. Use only {name}, {trip}, {dates}, {trip_url}, "
                "{withdraw_url}, {contact}."
            ]
        }

    def test_an_unclosed_brace_is_rejected(self):
        wording = ApplicationEmail(kind=Kind.ACCEPTED, subject="Hi", body="Dear {name")
        with pytest.raises(ValidationError) as error:
            wording.clean()
        assert list(error.value.message_dict) == ["body"]
        assert "check each is closed" in error.value.message_dict["body"][0]

    def test_every_placeholder_and_doubled_braces_are_accepted(self):
        body = " ".join(f"{{{name}}}" for name in ApplicationEmail.PLACEHOLDERS) + " {{literal}}"
        ApplicationEmail(kind=Kind.ACCEPTED, subject="{trip}", body=body).clean()

    def test_the_admin_shows_the_error_and_keeps_the_old_wording(self, staff_client):
        staff_client.get(wording_list())
        row = ApplicationEmail.objects.get(kind=Kind.DECLINED)
        response = staff_client.post(
            reverse("admin:delegations_applicationemail_change", args=[row.pk]),
            {"subject": "Sorry {nope}", "body": "Dear {name}"},
        )
        assert response.status_code == 200
        assert "{nope} is not filled in." in text(response)
        row.refresh_from_db()
        assert row.subject == applications.WORDING[Kind.DECLINED][0]


class TestExport:
    def test_csv_export_has_the_columns_and_is_spreadsheet_safe(self, staff_client, trip):
        with on(D(2026, 2, 20)):
            risky = ApplicationFactory(
                delegation=trip,
                name='=HYPERLINK("http://evil")',
                email="zoe@example.org",
                organisation="+1 Schools",
                role="-2+3",
                country="@SUM(A1)",
                note="Line one\nLine two, with a comma",
            )
        accepted = ApplicationFactory(delegation=trip, name="Al Accepted")
        applications.change_status(accepted, Status.ACCEPTED)
        ApplicationFactory(delegation=trip, name="Not Selected")

        response = action(staff_client, "export_csv", [risky, accepted], follow=False)

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="applications-2026-03-02.csv"'
        )
        content = response.content.decode("utf-8")
        assert content.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(content[1:])))
        assert rows[0] == [
            "Applied",
            "Delegation",
            "Name",
            "Email",
            "Organisation",
            "Role",
            "State or country",
            "Note",
            "Status",
            "Status changed",
            "Changed by",
        ]
        assert len(rows) == 3
        assert rows[1] == [
            "2026-02-20 12:00",
            "Helsinki",
            '\'=HYPERLINK("http://evil")',
            "zoe@example.org",
            "'+1 Schools",
            "'-2+3",
            "'@SUM(A1)",
            "Line one\nLine two, with a comma",
            "Received",
            "",
            "",
        ]
        assert rows[2][2] == "Al Accepted"
        assert rows[2][8:10] == ["Accepted", "2026-03-02 12:00"]
        assert "Not Selected" not in content


class TestTripAdmin:
    def test_the_trip_page_sums_up_its_places_and_applications(self, staff_client, trip):
        ApplicationFactory(delegation=trip, status=Status.ACCEPTED)
        ApplicationFactory(delegation=trip, status=Status.WAITLISTED)
        ApplicationFactory.create_batch(2, delegation=trip, status=Status.RECEIVED)
        ApplicationFactory(delegation=trip, status=Status.DECLINED)
        page = words(
            staff_client.get(reverse("admin:delegations_delegation_change", args=[trip.pk]))
        )
        assert "1 taken, 1 left, 1 waitlisted, 2 to decide." in page
        assert (
            f'<a href="/admin/delegations/application/?delegation__id__exact={trip.pk}">'
            "The applications</a>"
        ) in page

    def test_a_trip_without_a_limit_says_so(self, staff_client, trip):
        trip.capacity = None
        trip.save()
        page = words(
            staff_client.get(reverse("admin:delegations_delegation_change", args=[trip.pk]))
        )
        assert "0 taken, no limit, 0 waitlisted, 0 to decide." in page


def announce(staff_client, *trips):
    return staff_client.post(
        reverse("admin:delegations_delegation_changelist"),
        {"action": "announce", "_selected_action": [trip.pk for trip in trips]},
        follow=True,
    )


class TestAnnounce:
    def test_a_published_upcoming_trip_is_announced_once(self, staff_client, trip):
        response = announce(staff_client, trip)

        announcement = Announcement.objects.get()
        assert announcement.key == f"delegations.delegation:{trip.pk}"
        assert announcement.subject == "New CoSN delegation: Helsinki"
        assert "Apply by March 20, 2026." in announcement.body
        assert announcement.url == "http://testserver/delegations/helsinki-2026/"
        assert any(message.startswith("Announcing “Helsinki") for message in messages_of(response))

    def test_pressing_announce_again_creates_nothing_and_warns(self, staff_client, trip):
        announce(staff_client, trip)
        response = announce(staff_client, trip)
        assert Announcement.objects.count() == 1
        [message] = list(get_messages(response.wsgi_request))
        assert message.level_tag == "warning"
        assert "was already announced on 2026-03-02 12:00 by admin" in str(message)
        assert "it is never sent twice" in str(message)

    def test_a_past_trip_is_not_announced(self, staff_client, db):
        past = DelegationFactory(slug="lisbon-2025", start_date=D(2025, 10, 6))
        response = announce(staff_client, past)
        assert Announcement.objects.count() == 0
        [message] = list(get_messages(response.wsgi_request))
        assert message.level_tag == "error"
        assert "was not announced: it is not upcoming." in str(message)

    def test_a_draft_is_not_announced(self, staff_client, trip):
        trip.is_published = False
        trip.save()
        response = announce(staff_client, trip)
        assert Announcement.objects.count() == 0
        assert any("it is not published." in message for message in messages_of(response))


# --- Many at once (PostgreSQL) ---------------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"
)


def at_once(count, work):
    """Run work(n) for n in range(count), each in its own thread, all starting together;
    return what each returned, and the errors."""
    barrier = threading.Barrier(count, timeout=30)
    results, errors, lock = [None] * count, [], threading.Lock()

    def run(n):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results[n] = work(n)
        except Exception as error:
            with lock:
                errors.append(repr(error))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results, errors


def bound_form(**overrides):
    form = ApplicationForm(valid_data(**overrides))
    assert form.is_valid(), form.errors
    return form


@postgresql_only
@pytest.mark.django_db(transaction=True)
class TestConcurrency:
    def test_staff_accepting_at_once_never_accept_more_than_the_places(self):
        trip = DelegationFactory(start_date=START, end_date=END, capacity=3)
        pending = ApplicationFactory.create_batch(20, delegation=trip)
        threads = 8

        def accept_share(n):
            return [
                applications.change_status(application, Status.ACCEPTED)
                for application in pending[n::threads]
            ]

        results, errors = at_once(threads, accept_share)

        assert errors == []
        outcomes = Counter(status for share in results for status in share)
        assert outcomes == {Status.ACCEPTED: 3, Status.WAITLISTED: 17}
        stored = Counter(Application.objects.values_list("status", flat=True))
        assert stored == {Status.ACCEPTED: 3, Status.WAITLISTED: 17}
        emails = Counter(Email.objects.values_list("kind", flat=True))
        assert emails == {"application-accepted": 3, "application-waitlisted": 17}

    def test_applications_at_once_to_a_full_trip_are_all_waitlisted(self):
        trip = DelegationFactory(start_date=START, end_date=END, capacity=2)
        ApplicationFactory.create_batch(2, delegation=trip, status=Status.ACCEPTED)
        factory = RequestFactory()

        def apply(n):
            request = factory.post("/", REMOTE_ADDR=f"192.0.2.{n + 1}")
            return applications.apply(bound_form(email=f"visitor{n}@example.org"), trip, request)

        results, errors = at_once(16, apply)

        assert errors == []
        assert all(created for _, created in results)
        waitlisted = Application.objects.filter(status=Status.WAITLISTED)
        assert waitlisted.count() == 16
        assert Application.objects.filter(status=Status.ACCEPTED).count() == 2
        assert Email.objects.filter(kind="application-waitlisted").count() == 16

    def test_the_same_address_applying_at_once_is_stored_once(self):
        trip = DelegationFactory(start_date=START, end_date=END, capacity=5)
        factory = RequestFactory()

        def apply(n):
            request = factory.post("/", REMOTE_ADDR="192.0.2.10")
            email = "ada@example.org" if n % 2 else "ADA@example.org"
            return applications.apply(bound_form(email=email), trip, request)

        results, errors = at_once(8, apply)

        assert errors == []
        assert sorted(created for _, created in results) == [False] * 7 + [True]
        stored = Application.objects.get()
        assert {application.pk for application, _ in results} == {stored.pk}
        assert Email.objects.filter(kind="application-received").count() == 1


@pytest.mark.django_db
def test_the_list_shows_each_waitlisted_applications_place_in_its_trips_queue(staff_client):
    first_trip, second_trip = DelegationFactory(), DelegationFactory()
    base = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
    for n, (trip, name) in enumerate(
        [(first_trip, "Ann"), (second_trip, "Bo"), (first_trip, "Cy"), (first_trip, "Dilys")]
    ):
        made = ApplicationFactory(delegation=trip, name=name, status=Status.WAITLISTED)
        Application.objects.filter(pk=made.pk).update(created_at=base + datetime.timedelta(hours=n))
    ApplicationFactory(delegation=first_trip, name="Ed", status=Status.ACCEPTED)

    def places(response):
        return {
            row.name: row.ahead + 1
            for row in response.context["cl"].result_list
            if row.status == Status.WAITLISTED
        }

    everyone = staff_client.get(changelist())
    assert places(everyone) == {"Ann": 1, "Cy": 2, "Dilys": 3, "Bo": 1}
    assert '<td class="field-waitlist_place">#3</td>' in everyone.content.decode()
    # A search shows fewer rows, not other places.
    assert places(staff_client.get(changelist(q="Dilys"))) == {"Dilys": 3}
    # The places cost no query per row.
    few = count_queries(staff_client, changelist())
    ApplicationFactory.create_batch(20, delegation=second_trip, status=Status.WAITLISTED)
    assert count_queries(staff_client, changelist()) == few
