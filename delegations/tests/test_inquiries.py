"""Asking about, or registering interest in, an upcoming delegation."""

import csv
import datetime
import io
import logging
import os
import re
import smtplib
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import PersonFactory, SectionFactory
from delegations.models import Inquiry
from delegations.tests.factories import DelegationFactory, InquiryFactory
from mail.models import Email
from pagecache import version
from tests.helpers import on
from tests.servers import Gunicorn, manage

D = datetime.date
TODAY = D(2026, 3, 2)
NEW_YEAR_2015 = D(2015, 1, 1)
ROOT = Path(__file__).resolve().parents[2]
CLOSED_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}
CLOSED_SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 1, "use_tls": False, "timeout": 2},
    }
}


def text(response):
    return response.content.decode()


def words(response):
    """The page's text with runs of whitespace made single spaces."""
    return " ".join(text(response).split())


def field_tag(page, name):
    """The opening <input> or <textarea> tag of the form field called `name`."""
    return re.search(rf'<(?:input|textarea)[^>]* name="{name}"[^>]*>', page).group(0)


def settings_value(expression, **env):
    """A setting as production computes it from `env` (a fresh process, no .env file)."""
    environment = {**os.environ, "ENV_FILE": os.devnull, "SECRET_KEY": "x", "DEBUG": "0", **env}
    result = subprocess.run(
        [sys.executable, "-c", f"from cosn_global import settings as s; print(repr({expression}))"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return eval(result.stdout)  # our own repr() output


def valid_data(**overrides):
    return {
        "name": "Ada Visitor",
        "email": "ada@example.org",
        "organisation": "Lakeside School District",
        "role": "Superintendent",
        "message": "Is there still room on this delegation?",
        "consent": "on",
        "website": "",
        **overrides,
    }


@pytest.fixture(autouse=True)
def today(request):
    if "live_site" in request.fixturenames:  # a real server keeps the real clock
        yield None
        return
    with on(TODAY):
        yield TODAY


@pytest.fixture
def trip(db):
    trip = DelegationFactory(
        title="Helsinki",
        slug="helsinki-2026",
        start_date=D(2026, 4, 13),
        end_date=D(2026, 4, 17),
        destinations=["Finland"],
    )
    trip.contacts.add(
        PersonFactory(name="Jo Organiser", email="jo@cosn.example"),
        PersonFactory(name="Sam Helper", email="sam@cosn.example"),
        PersonFactory(name="No Email", email=""),
    )
    return trip


@pytest.fixture
def past_trip(db):
    return DelegationFactory(slug="lisbon-2025", start_date=D(2025, 10, 6))


def inquire_url(trip):
    return reverse("delegations:inquiry", kwargs={"slug": trip.slug})


def thanks_url(trip):
    return reverse("delegations:inquiry-thanks", kwargs={"slug": trip.slug})


def submit(client, trip, **overrides):
    return client.post(inquire_url(trip), valid_data(**overrides), REMOTE_ADDR="192.0.2.10")


# --- Where the form is shown ---------------------------------------------------------


class TestWhereTheFormIsShown:
    def test_an_upcoming_trip_page_has_the_form_in_the_register_panel(self, client, trip):
        page = text(client.get(trip.get_absolute_url()))
        panel = page.split('id="register-heading"', 1)[1].split('id="contact-heading"', 1)[0]
        assert f'action="{inquire_url(trip)}#inquire"' in panel
        assert 'method="post"' in panel
        assert 'name="csrfmiddlewaretoken"' in panel
        assert "I agree that CoSN may store these details and contact me" in panel
        for name in ["name", "email", "organisation", "role", "message", "consent"]:
            assert f'for="inquiry-{name}"' in panel and f'id="inquiry-{name}"' in panel
        assert "(optional)" in panel.split('for="inquiry-organisation"', 1)[1].split("</label>")[0]

    def test_the_seeded_singapore_trip_takes_inquiries_before_it_happens(self, client, seeded):
        with on(NEW_YEAR_2015):
            page = text(client.get("/delegations/singapore-2015/"))
        assert 'action="/delegations/singapore-2015/inquire/#inquire"' in page

    def test_a_past_trip_page_has_no_form_and_sets_no_cookies(self, client, seeded):
        response = client.get("/delegations/singapore-2015/")  # past on TODAY
        assert response.status_code == 200
        assert "/inquire/" not in text(response) and 'id="inquire"' not in text(response)
        assert "csrfmiddlewaretoken" not in text(response)
        assert response.cookies == {}

    def test_a_draft_previewed_by_staff_has_no_form(self, staff_client, trip):
        trip.is_published = False
        trip.save()
        page = text(staff_client.get(trip.get_absolute_url()))
        assert "Preview:" in page
        assert "/inquire/" not in page and "csrfmiddlewaretoken" not in page

    def test_the_honeypot_is_hidden_from_people_and_assistive_technology(self, client, trip):
        page = text(client.get(trip.get_absolute_url()))
        trap = re.search(
            r'<div class="field field--trap" aria-hidden="true">(.*?)</div>', page, re.S
        )
        assert trap, "the honeypot's wrapper is hidden from assistive technology"
        assert "Leave this field empty" in trap.group(1)
        assert re.search(r'<input type="text" name="website"[^>]*tabindex="-1"', trap.group(1))
        assert 'type="hidden" name="website"' not in page

    def test_length_limits_are_in_the_markup_too(self, client, trip):
        page = text(client.get(trip.get_absolute_url()))
        limits = {"name": 200, "email": 254, "organisation": 200, "role": 100, "message": 5000}
        for name, limit in limits.items():
            assert f'maxlength="{limit}"' in field_tag(page, name)
        assert 'list="inquiry-roles"' in page and '<datalist id="inquiry-roles">' in page


class TestCachingWithTheForm:
    def test_a_second_visitor_gets_a_fresh_page_with_a_token_that_works_for_them(self, trip):
        first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        page_one = first.get(trip.get_absolute_url())
        page_two = second.get(trip.get_absolute_url())

        assert page_one.cookies["csrftoken"].value != page_two.cookies["csrftoken"].value
        assert "private" in page_two["Cache-Control"]
        assert "public" not in page_two["Cache-Control"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(page_two)).group(1)
        response = second.post(inquire_url(trip), valid_data(csrfmiddlewaretoken=token))
        assert response.status_code == 302
        assert Inquiry.objects.count() == 1

    def test_past_trip_pages_are_still_cached_and_public(self, client, past_trip):
        first = client.get(past_trip.get_absolute_url())
        again = client.get(past_trip.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
        assert first.cookies == {}
        assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert again.status_code == 304

    def test_an_inquiry_is_not_an_edit_and_leaves_the_page_cache_alone(self, client, trip):
        before = version.current()
        submit(client, trip)
        InquiryFactory(delegation=trip)
        assert Inquiry.objects.count() == 2
        assert version.current() == before


# --- Sending ---------------------------------------------------------------------------


class TestSending:
    def test_an_inquiry_is_stored_and_emailed_to_the_trip_contacts(self, client, trip):
        response = submit(client, trip, message="Can principals join?\nWe are three.")

        assert response.status_code == 302
        assert response["Location"] == thanks_url(trip)
        inquiry = Inquiry.objects.get()
        assert (inquiry.delegation, inquiry.name, inquiry.email) == (
            trip,
            "Ada Visitor",
            "ada@example.org",
        )
        assert inquiry.organisation == "Lakeside School District"
        assert inquiry.role == "Superintendent"
        assert inquiry.message == "Can principals join?\nWe are three."
        assert inquiry.consent is True
        assert inquiry.email_status == Inquiry.EmailStatus.SENT
        assert inquiry.email_error == ""

        [email] = mail.outbox
        assert sorted(email.to) == ["jo@cosn.example", "sam@cosn.example"]
        assert email.reply_to == ["Ada Visitor <ada@example.org>"]
        assert email.subject == "Inquiry about Helsinki: Ada Visitor"
        for value in [
            "Ada Visitor",
            "ada@example.org",
            "Lakeside School District",
            "Superintendent",
            "Can principals join?\nWe are three.",
            "April 13-17, 2026",
            f"http://testserver/admin/delegations/inquiry/{inquiry.pk}/change/",
            "http://testserver/delegations/helsinki-2026/",
        ]:
            assert value in email.body
        assert "&amp;" not in email.body and "&#x27;" not in email.body

    def test_the_email_is_plain_text_and_not_html_escaped(self, client, trip):
        submit(client, trip, organisation="Smith & Sons' <School>")
        [email] = mail.outbox
        assert "Smith & Sons' <School>" in email.body
        assert email.content_subtype == "plain"

    def test_a_name_with_accents_and_a_comma_is_a_valid_reply_to(self, client, trip):
        submit(client, trip, name="José Müller, PhD")
        message = mail.outbox[0].message()
        assert message["Reply-To"].addresses[0].display_name == "José Müller, PhD"
        assert message["Reply-To"].addresses[0].addr_spec == "ada@example.org"

    def test_a_name_cannot_add_lines_to_the_email_headers(self, client, trip):
        submit(client, trip, name="Ada\r\nBcc: victim@example.org")
        inquiry = Inquiry.objects.get()
        assert inquiry.name == "Ada Bcc: victim@example.org"
        [email] = mail.outbox
        assert "\n" not in email.subject and email.bcc == []
        assert inquiry.email_status == Inquiry.EmailStatus.SENT

    def test_the_sender_fingerprint_is_a_hash_not_the_address(self, client, trip):
        submit(client, trip)
        inquiry = Inquiry.objects.get()
        assert len(inquiry.client_hash) == 32
        assert "192.0.2.10" not in inquiry.client_hash

    def test_without_trip_contacts_the_section_contact_is_emailed(self, client, trip):
        trip.contacts.clear()
        SectionFactory(contact=PersonFactory(name="Section Desk", email="desk@cosn.example"))
        submit(client, trip)
        assert mail.outbox[0].to == ["desk@cosn.example"]
        assert Inquiry.objects.get().email_status == Inquiry.EmailStatus.SENT
        assert "Section Desk will reply" in words(client.get(thanks_url(trip)))

    def test_with_no_email_address_anywhere_the_inquiry_is_kept_as_no_recipient(self, client, trip):
        trip.contacts.clear()
        response = submit(client, trip)
        assert response.status_code == 302
        inquiry = Inquiry.objects.get()
        assert inquiry.email_status == Inquiry.EmailStatus.NO_RECIPIENT
        assert "email address" in inquiry.email_error
        assert mail.outbox == []

    def test_the_confirmation_page_names_who_will_reply_and_holds_no_personal_data(
        self, client, trip
    ):
        response = submit(client, trip)
        assert "Ada" not in response["Location"] and "example.org" not in response["Location"]
        page = client.get(response["Location"])
        body = words(page)
        assert page.status_code == 200
        assert body.count("<h1") == 1
        assert "we have received your message" in body
        assert "Jo Organiser or Sam Helper will reply" in body
        assert "No Email" not in body
        assert "Ada Visitor" not in body and "ada@example.org" not in body
        assert '<meta name="robots" content="noindex">' in body
        assert page.cookies == {}

    def test_a_get_of_the_inquire_address_leads_to_the_form(self, client, trip):
        response = client.get(inquire_url(trip))
        assert response.status_code == 302
        assert response["Location"] == trip.get_absolute_url() + "#inquire"


# --- Validation ------------------------------------------------------------------------


class TestValidation:
    def test_errors_show_the_page_again_with_everything_typed(self, client, trip):
        response = submit(client, trip, email="not-an-address", consent="")

        assert response.status_code == 400
        assert Inquiry.objects.count() == 0 and mail.outbox == []
        page = text(response)
        assert page.count("<h1") == 1
        assert "<title>Error: Helsinki" in page
        for typed in ['value="Ada Visitor"', 'value="not-an-address"', 'value="Superintendent"']:
            assert typed in page
        assert "Lakeside School District" in page
        assert "Is there still room on this delegation?</textarea>" in page
        summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
        assert '<a href="#inquiry-email">Enter an email address like name@example.org.</a>' in (
            summary
        )
        assert '<a href="#inquiry-consent">Tick the box to agree' in summary
        assert re.search(
            r'name="email"[^>]*aria-invalid="true"[^>]*aria-describedby="inquiry-email_error"',
            page,
        )
        assert 'id="inquiry-email_error"' in page
        assert 'aria-invalid="true"' not in page.split('name="name"', 1)[1].split(">", 1)[0]

    def test_required_fields(self, client, trip):
        response = submit(client, trip, name="  ", email="", message="", consent="")
        errors = response.context["inquiry_form"].errors
        assert errors == {
            "name": ["Enter your name."],
            "email": ["Enter your email address."],
            "message": ["Write your question or message."],
            "consent": ["Tick the box to agree that CoSN may contact you."],
        }

    def test_organisation_and_role_are_optional(self, client, trip):
        assert submit(client, trip, organisation="", role="").status_code == 302

    @pytest.mark.parametrize(
        ("field", "limit"),
        [("name", 200), ("organisation", 200), ("role", 100), ("message", 5000)],
    )
    def test_each_text_field_has_a_length_limit(self, client, trip, field, limit):
        too_long = submit(client, trip, **{field: "x" * (limit + 1)})
        assert too_long.status_code == 400
        [error] = too_long.context["inquiry_form"].errors[field]
        assert f"{limit} characters or fewer" in error

        assert submit(client, trip, **{field: "x" * limit}).status_code == 302
        assert len(getattr(Inquiry.objects.get(), field)) == limit

    def test_the_email_address_has_a_length_limit(self, client, trip):
        local, domain = "a" * 64, ".".join(["b" * 63, "c" * 63, "d" * 60, "org"])
        response = submit(client, trip, email=f"{local}@{domain}")  # 255 characters
        assert response.status_code == 400
        assert "254 characters or fewer" in " ".join(
            response.context["inquiry_form"].errors["email"]
        )


# --- Abuse -----------------------------------------------------------------------------


class TestAbuse:
    def test_a_post_without_a_csrf_token_is_refused(self, trip):
        client = Client(enforce_csrf_checks=True)
        client.get(trip.get_absolute_url())
        response = client.post(inquire_url(trip), valid_data())
        assert response.status_code == 403
        assert Inquiry.objects.count() == 0

    def test_a_filled_honeypot_looks_like_success_but_nothing_is_kept_or_sent(
        self, client, trip, caplog
    ):
        with caplog.at_level(logging.INFO, logger="delegations.views"):
            response = submit(client, trip, website="http://spam.example")
        assert response.status_code == 302
        assert response["Location"] == thanks_url(trip)
        assert Inquiry.objects.count() == 0
        assert mail.outbox == []
        assert "honeypot" in caplog.text

    def test_a_filled_honeypot_wins_even_over_invalid_fields(self, client, trip):
        response = submit(client, trip, website="x", email="", consent="")
        assert response.status_code == 302
        assert Inquiry.objects.count() == 0

    def test_over_the_limit_a_client_is_asked_to_wait(self, client, trip, settings):
        settings.INQUIRY_RATE_LIMIT, settings.INQUIRY_RATE_WINDOW = 2, 600
        assert submit(client, trip).status_code == 302
        assert submit(client, trip).status_code == 302

        response = submit(client, trip, message="A third message.")

        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 600
        page = text(response)
        assert (
            "You have sent several messages in a short time. "
            "Please wait a few minutes and try again."
        ) in page
        assert "A third message.</textarea>" in page  # nothing typed is lost
        assert Inquiry.objects.count() == 2
        assert len(mail.outbox) == 2

    def test_the_limit_is_per_client(self, client, trip, settings):
        settings.INQUIRY_RATE_LIMIT = 1
        assert submit(client, trip).status_code == 302
        assert submit(client, trip).status_code == 429
        other = client.post(inquire_url(trip), valid_data(), REMOTE_ADDR="198.51.100.7")
        assert other.status_code == 302

    def test_the_limit_resets_after_the_window(self, client, trip, settings):
        settings.INQUIRY_RATE_LIMIT, settings.INQUIRY_RATE_WINDOW = 1, 600
        assert submit(client, trip).status_code == 302
        response = submit(client, trip)
        assert response.status_code == 429
        later = datetime.timedelta(seconds=int(response["Retry-After"]) + 1)
        with time_machine.travel(datetime.datetime.now(datetime.UTC) + later, tick=False):
            assert submit(client, trip).status_code == 302

    def test_invalid_forms_do_not_use_up_the_allowance(self, client, trip, settings):
        settings.INQUIRY_RATE_LIMIT = 1
        assert submit(client, trip, consent="").status_code == 400
        assert submit(client, trip).status_code == 302

    def test_a_limit_of_zero_turns_it_off(self, client, trip, settings):
        settings.INQUIRY_RATE_LIMIT = 0
        for _ in range(8):
            assert submit(client, trip).status_code == 302
        assert Inquiry.objects.count() == 8

    def test_with_the_cache_down_inquiries_are_still_taken(self, client, trip, settings, caplog):
        settings.CACHES = CLOSED_REDIS
        settings.INQUIRY_RATE_LIMIT = 1
        assert client.get(trip.get_absolute_url()).status_code == 200
        assert submit(client, trip).status_code == 302
        assert submit(client, trip).status_code == 302
        assert Inquiry.objects.count() == 2
        assert "rate limit unavailable" in caplog.text

    def test_the_limit_is_read_from_the_environment(self):
        assert settings_value("(s.INQUIRY_RATE_LIMIT, s.INQUIRY_RATE_WINDOW)") == (5, 600)
        values = settings_value(
            "(s.INQUIRY_RATE_LIMIT, s.INQUIRY_RATE_WINDOW)",
            INQUIRY_RATE_LIMIT="0",
            INQUIRY_RATE_WINDOW="60",
        )
        assert values == (0, 60)


# --- When email fails --------------------------------------------------------------------


class TestEmailFailure:
    def test_with_the_mail_server_down_the_inquiry_is_kept_and_the_visitor_thanked(
        self, client, trip, settings, caplog
    ):
        settings.MAILERS = CLOSED_SMTP
        response = submit(client, trip)

        assert response.status_code == 302
        assert response["Location"] == thanks_url(trip)
        inquiry = Inquiry.objects.get()
        # Still waiting, with the reason, and queued to be tried again in a minute.
        assert inquiry.email_status == Inquiry.EmailStatus.PENDING
        assert inquiry.email_error.startswith("Attempt 1 failed")
        assert "Connection refused" in inquiry.email_error or "Errno" in inquiry.email_error
        email = Email.objects.get(about=f"delegations.inquiry:{inquiry.pk}")
        assert (email.status, email.attempts) == (Email.Status.QUEUED, 1)
        assert email.next_attempt_at > timezone.now()
        assert "not sent, attempt 1" in caplog.text
        assert client.get(response["Location"]).status_code == 200

    def test_an_smtp_error_is_recorded_for_staff(self, client, trip, monkeypatch):
        def refuse(self, *args, **kwargs):
            raise smtplib.SMTPRecipientsRefused({"jo@cosn.example": (550, b"No such user")})

        monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        assert submit(client, trip).status_code == 302
        inquiry = Inquiry.objects.get()
        assert inquiry.email_status == Inquiry.EmailStatus.FAILED
        assert inquiry.email_error.startswith("SMTPRecipientsRefused")
        assert "No such user" in inquiry.email_error


# --- Trips that take no inquiries ----------------------------------------------------------


class TestClosed:
    def test_a_post_about_a_past_trip_says_registration_has_closed(self, client, past_trip):
        response = submit(client, past_trip)
        assert response.status_code == 410
        page = text(response)
        assert "<h1>Registration has closed</h1>" in page
        assert "Your message was not sent." in page
        assert Inquiry.objects.count() == 0 and mail.outbox == []

    def test_a_trip_under_way_still_takes_inquiries(self, client, trip):
        with on(D(2026, 4, 15)):
            assert submit(client, trip).status_code == 302

    def test_a_post_about_a_draft_is_404_even_for_staff(self, staff_client, trip):
        trip.is_published = False
        trip.save()
        assert submit(staff_client, trip).status_code == 404
        assert Inquiry.objects.count() == 0

    def test_a_post_about_an_unknown_trip_is_404(self, client, db):
        response = client.post("/delegations/no-such-trip/inquire/", valid_data())
        assert response.status_code == 404

    def test_there_is_no_confirmation_page_for_a_draft(self, client, trip):
        trip.is_published = False
        trip.save()
        assert client.get(thanks_url(trip)).status_code == 404


# --- Admin -----------------------------------------------------------------------------------


def changelist(**query):
    url = reverse("admin:delegations_inquiry_changelist")
    return f"{url}?{urllib.parse.urlencode(query)}" if query else url


def action(staff_client, name, inquiries):
    return staff_client.post(
        changelist(),
        {"action": name, "_selected_action": [inquiry.pk for inquiry in inquiries]},
    )


class TestAdmin:
    def test_failed_emails_stand_out_in_the_list(self, staff_client, trip):
        InquiryFactory(delegation=trip, name="Sent Sue", email_status=Inquiry.EmailStatus.SENT)
        InquiryFactory(delegation=trip, name="Failed Fred", email_status=Inquiry.EmailStatus.FAILED)
        page = text(staff_client.get(changelist()))
        assert "1 inquiry could not be emailed to the trip's contacts: " in page
        assert 'href="?email_status__in=failed,no_recipient"' in page
        assert "icon-no.svg" in page and "<strong>Failed</strong>" in page

        filtered = staff_client.get(changelist(email_status__in="failed,no_recipient"))
        assert [i.name for i in filtered.context["cl"].result_list] == ["Failed Fred"]

    def test_handled_failures_no_longer_raise_the_warning(self, staff_client, trip):
        InquiryFactory(delegation=trip, email_status=Inquiry.EmailStatus.FAILED, handled=True)
        assert "could not be emailed" not in text(staff_client.get(changelist()))

    def test_inquiries_cannot_be_added_in_the_admin(self, staff_client):
        assert staff_client.get(reverse("admin:delegations_inquiry_add")).status_code == 403

    def test_what_the_visitor_sent_is_read_only_but_handled_can_be_ticked(self, staff_client, trip):
        inquiry = InquiryFactory(delegation=trip, name="Ada Visitor")
        url = reverse("admin:delegations_inquiry_change", args=[inquiry.pk])
        response = staff_client.post(url, {"name": "Someone Else", "handled": "on"})
        assert response.status_code == 302
        inquiry.refresh_from_db()
        assert inquiry.name == "Ada Visitor"
        assert inquiry.handled is True

    def test_search_finds_names_emails_and_messages(self, staff_client, trip):
        InquiryFactory(delegation=trip, name="Ada Visitor", message="About robotics clubs")
        InquiryFactory(delegation=trip, name="Bo Other", message="About visas")
        response = staff_client.get(changelist(q="robotics"))
        assert [i.name for i in response.context["cl"].result_list] == ["Ada Visitor"]

    def test_csv_export_has_a_header_and_one_row_per_inquiry(self, staff_client, trip):
        with on(D(2026, 2, 20)):
            first = InquiryFactory(
                delegation=trip,
                name="Zoë Ünal",
                email="zoe@example.org",
                organisation='=HYPERLINK("http://evil")',
                message="Line one\nLine two, with a comma",
            )
        second = InquiryFactory(delegation=trip, email_status=Inquiry.EmailStatus.FAILED)
        InquiryFactory(delegation=trip, name="Not Selected")

        response = action(staff_client, "export_csv", [first, second])

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="inquiries-2026-03-02.csv"'
        )
        content = response.content.decode("utf-8")
        assert content.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(content[1:])))
        assert rows[0] == [
            "Received",
            "Delegation",
            "Name",
            "Email",
            "Organisation",
            "Role",
            "Message",
            "Consent",
            "Email to the contacts",
            "Email error",
            "Handled",
        ]
        assert len(rows) == 3
        by_name = {row[2]: row for row in rows[1:]}
        zoe = by_name["Zoë Ünal"]
        assert zoe[0] == "2026-02-20 12:00"
        assert zoe[1] == "Helsinki"
        assert zoe[3] == "zoe@example.org"
        assert zoe[4] == '\'=HYPERLINK("http://evil")'  # never run as a formula
        assert zoe[6] == "Line one\nLine two, with a comma"
        assert zoe[7] == "yes"
        assert by_name[second.name][8] == "Failed"
        assert "Not Selected" not in content

    def test_retry_resends_unsent_inquiries_and_updates_their_status(self, staff_client, trip):
        failed = InquiryFactory(
            delegation=trip, email_status=Inquiry.EmailStatus.FAILED, email_error="Timeout"
        )
        sent = InquiryFactory(delegation=trip, email_status=Inquiry.EmailStatus.SENT)

        response = action(staff_client, "retry_email", [failed, sent])

        assert response.status_code == 302
        assert len(mail.outbox) == 1  # the one already sent is not sent twice
        assert failed.name in mail.outbox[0].body
        failed.refresh_from_db()
        assert (failed.email_status, failed.email_error) == (Inquiry.EmailStatus.SENT, "")
        messages = [str(m) for m in staff_client.get(changelist()).context["messages"]]
        assert "Emailed 1 inquiry to the trip's contacts." in messages

    def test_a_retry_that_fails_again_stays_queued_and_says_so(self, staff_client, trip, settings):
        failed = InquiryFactory(delegation=trip, email_status=Inquiry.EmailStatus.FAILED)
        settings.MAILERS = CLOSED_SMTP
        action(staff_client, "retry_email", [failed])
        failed.refresh_from_db()
        assert failed.email_status == Inquiry.EmailStatus.PENDING
        assert failed.email_error.startswith("Attempt 1 failed")
        messages = [str(m) for m in staff_client.get(changelist()).context["messages"]]
        assert (
            "1 inquiry queued to be emailed to the trip's contacts: the list shows when they "
            "are sent." in messages
        )

    def test_a_trip_with_inquiries_cannot_be_deleted_and_the_admin_says_why(
        self, staff_client, trip
    ):
        InquiryFactory(delegation=trip, name="Ada Visitor", email="ada@example.org")
        url = reverse("admin:delegations_delegation_delete", args=[trip.pk])
        page = text(staff_client.get(url))
        assert "cannot be deleted: 1 record still uses it." in page
        assert "Inquiry “From Ada Visitor &lt;ada@example.org&gt;”" in page
        staff_client.post(url, {"post": "yes"})
        assert Inquiry.objects.filter(delegation=trip).exists()


# --- Under load: every accepted inquiry is stored ----------------------------------------------


@pytest.fixture
def live_site(tmp_path):
    # DEBUG on only spares the test a collectstatic run (the manifest storage of production
    # needs one); requests, database and workers are the same as in production.
    env = {
        **os.environ,
        "DEBUG": "1",
        "SECRET_KEY": "inquiry-load-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SESSION_COOKIE_SECURE": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "ENV_FILE": os.devnull,
        "GUNICORN_ACCESS_LOG": os.devnull,
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "INQUIRY_RATE_LIMIT": "0",
    }
    env.pop("REDIS_URL", None)
    env.pop("EMAIL_HOST", None)
    manage("migrate", "--no-input", "-v0", env=env)
    manage(
        "shell",
        "-v0",
        "-c",
        "import datetime; from django.utils import timezone;"
        "from core.models import Person; from delegations.models import Delegation;"
        "start = timezone.localdate() + datetime.timedelta(days=30);"
        "trip = Delegation.objects.create(title='Load test', slug='load-test',"
        " start_date=start, end_date=start + datetime.timedelta(days=4), is_published=True);"
        "trip.contacts.add(Person.objects.create(name='Organiser', email='o@example.org'))",
        env=env,
    )
    with Gunicorn(env, tmp_path / "gunicorn.log", stop_timeout=30) as server:
        yield server.url, env


VISITORS, INQUIRIES_EACH = 8, 3


def test_every_inquiry_accepted_under_load_is_in_the_database(live_site):
    base, env = live_site
    page = base + "/delegations/load-test/"
    accepted, failures, lock = [], [], threading.Lock()

    def visitor(number):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        for attempt in range(INQUIRIES_EACH):
            try:
                html = opener.open(page, timeout=30).read().decode()
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
                data = valid_data(
                    email=f"visitor{number}-{attempt}@example.org", csrfmiddlewaretoken=token
                )
                response = opener.open(
                    base + "/delegations/load-test/inquire/",
                    urllib.parse.urlencode(data).encode(),
                    timeout=30,
                )
                if response.status == 200 and response.url.endswith("/inquire/thanks/"):
                    with lock:
                        accepted.append(data["email"])
            except Exception as error:  # a refusal is allowed; a lost inquiry is not
                with lock:
                    failures.append(repr(error))

    def reader(stop):
        while not stop.is_set():
            for url in ["/", "/delegations/", "/delegations/load-test/"]:
                urllib.request.urlopen(base + url, timeout=30).read()

    stop = threading.Event()
    readers = [threading.Thread(target=reader, args=(stop,)) for _ in range(3)]
    visitors = [threading.Thread(target=visitor, args=(n,)) for n in range(VISITORS)]
    for thread in readers + visitors:
        thread.start()
    for thread in visitors:
        thread.join()
    stop.set()
    for thread in readers:
        thread.join()

    stored = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-v0",
            "-c",
            "from delegations.models import Inquiry\n"
            "for email in Inquiry.objects.values_list('email', flat=True):"
            " print('stored: ' + email)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    # Log lines share stdout with the answer: keep only the answer's lines.
    stored = [line.removeprefix("stored: ") for line in stored if line.startswith("stored: ")]
    assert set(accepted) <= set(stored)
    assert len(stored) == len(set(stored)) == len(accepted)
    assert len(accepted) == VISITORS * INQUIRIES_EACH, failures
