"""Signing up for announcements (double opt-in), confirming, and unsubscribing."""

import datetime
import re
import urllib.parse

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse

from core.ratelimit import client_hash, rate_limited
from mail import subscriptions
from mail.models import Email, Subscriber
from mail.tests.factories import SubscriberFactory
from mail.tokens import confirm_token, read_unsubscribe_token, unsubscribe_token

SIGNED_UP = datetime.datetime(2026, 3, 2, 17, 0, tzinfo=datetime.UTC)
NOINDEX = '<meta name="robots" content="noindex">'

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def words(response):
    return " ".join(text(response).split())


def sign_up(client, email="ada@example.org", **data):
    return client.post(
        reverse("mail:subscribe"), {"email": email, "website": "", **data}, REMOTE_ADDR="192.0.2.10"
    )


def path_of(url):
    return urllib.parse.urlsplit(url).path


def confirm_link(smtp_server, address="ada@example.org"):
    """The path of the confirmation link in the last email that reached `address`."""
    [link] = smtp_server.to(address)[-1].links
    return path_of(link)


def unsubscribe_url(address):
    return reverse("mail:unsubscribe", args=[unsubscribe_token(address)])


def assert_personal(response):
    """A page reached through a link in someone's email: never indexed, never cached."""
    assert NOINDEX in text(response)
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "private" in cache_control


class TestSignUpPage:
    def test_the_sign_up_page_has_a_form_that_posts_to_itself(self, client):
        response = client.get(reverse("mail:subscribe"))

        assert response.status_code == 200
        page = text(response)
        assert page.count("<h1") == 1
        assert '<form class="form" method="post" action="/subscribe/" novalidate>' in page
        assert re.search(r'<input type="email" name="email"[^>]*maxlength="254"', page)
        assert '<div class="field field--trap" aria-hidden="true">' in page
        assert "csrfmiddlewaretoken" not in page  # the page stays cacheable

    def test_the_footer_form_on_the_landing_page_posts_to_the_sign_up(self, client):
        page = text(client.get("/"))
        footer = page.split("<footer", 1)[1]
        form = re.search(r'<form class="subscribe" method="post" action="([^"]+)"', footer)
        assert form, "the footer has the sign-up form"
        assert form.group(1) == reverse("mail:subscribe") == "/subscribe/"
        assert 'name="email"' in footer and 'name="website"' in footer
        assert "csrfmiddlewaretoken" not in footer

    def test_the_footer_form_works_without_a_csrf_token(self, smtp_server):
        visitor = Client(enforce_csrf_checks=True)
        footer = text(visitor.get("/")).split("<footer", 1)[1]
        action = re.search(r'<form class="subscribe" method="post" action="([^"]+)"', footer)

        response = visitor.post(action.group(1), {"email": "ada@example.org", "website": ""})

        assert response.status_code == 302
        assert Subscriber.objects.filter(email="ada@example.org").exists()
        assert smtp_server.to("ada@example.org")


class TestSigningUp:
    def test_a_sign_up_stores_the_address_unconfirmed_and_emails_one_link_to_confirm(
        self, client, smtp_server
    ):
        response = sign_up(client)

        assert response.status_code == 302
        assert response["Location"] == reverse("mail:subscribe-sent")
        subscriber = Subscriber.objects.get()
        assert (subscriber.email, subscriber.confirmed_at) == ("ada@example.org", None)

        [received] = smtp_server.received
        assert received.rcpt_tos == ["ada@example.org"]
        assert received.message["To"] == "ada@example.org"
        assert received.message["Subject"] == (
            "Confirm: email me when CoSN announces a delegation or symposium"
        )
        assert "The link works for 7 days." in received.body
        [link] = received.links
        assert link.startswith("http://testserver/subscribe/confirm/")

        page = client.get(path_of(link))
        assert page.status_code == 200
        assert "ada@example.org" in text(page)
        assert client.post(path_of(link)).status_code == 200
        subscriber.refresh_from_db()
        assert subscriber.confirmed_at is not None

    def test_the_page_after_signing_up_says_to_check_the_email_and_names_no_one(
        self, client, smtp_server
    ):
        page = client.get(sign_up(client)["Location"])

        assert page.status_code == 200
        assert "Check your email" in text(page)
        assert "ada@example.org" not in text(page)
        assert NOINDEX in text(page)

    def test_the_confirmation_email_names_the_days_the_link_works(
        self, client, smtp_server, settings
    ):
        settings.SUBSCRIBER_CONFIRM_DAYS = 3
        sign_up(client)
        assert "The link works for 3 days." in smtp_server.received[0].body

    def test_an_invalid_address_shows_the_form_again_with_the_error_and_what_was_typed(
        self, client, smtp_server
    ):
        response = sign_up(client, email="not-an-address")

        assert response.status_code == 400
        page = text(response)
        assert "Enter an email address like name@example.org." in page
        assert 'value="not-an-address"' in page
        assert re.search(r'name="email"[^>]*aria-invalid="true"', page)
        assert Subscriber.objects.count() == 0
        assert smtp_server.received == []

    def test_an_empty_address_is_asked_for(self, client, smtp_server):
        response = sign_up(client, email="")
        assert response.status_code == 400
        assert "Enter your email address." in text(response)
        assert Subscriber.objects.count() == 0

    def test_a_filled_honeypot_looks_like_success_but_nothing_is_stored_or_sent(
        self, client, smtp_server
    ):
        response = sign_up(client, website="http://spam.example")

        assert response.status_code == 302
        assert response["Location"] == reverse("mail:subscribe-sent")
        assert Subscriber.objects.count() == 0
        assert Email.objects.count() == 0
        assert smtp_server.received == []

    def test_over_the_rate_limit_a_client_is_asked_to_wait(self, client, smtp_server, settings):
        settings.INQUIRY_RATE_LIMIT, settings.INQUIRY_RATE_WINDOW = 1, 600
        assert sign_up(client).status_code == 302

        response = sign_up(client, email="bo@example.org")

        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 600
        assert "Please wait a few minutes and try again." in text(response)
        assert 'value="bo@example.org"' in text(response)  # nothing typed is lost
        assert list(Subscriber.objects.values_list("email", flat=True)) == ["ada@example.org"]
        assert len(smtp_server.received) == 1

    def test_inquiries_do_not_use_up_the_sign_up_allowance(self, client, smtp_server, settings):
        settings.INQUIRY_RATE_LIMIT = 1
        request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
        assert rate_limited(client_hash(request), form="inquiry") == 0
        assert rate_limited(client_hash(request), form="inquiry") > 0

        assert sign_up(client).status_code == 302

    def test_signing_up_again_before_confirming_sends_a_new_link(self, client, smtp_server):
        sign_up(client)
        sign_up(client, email="Ada@Example.org")

        assert Subscriber.objects.count() == 1
        assert len(smtp_server.to("ada@example.org")) == 2

    def test_an_address_already_confirmed_gets_nothing_new(self, client, smtp_server):
        SubscriberFactory(email="ada@example.org", confirmed=True)

        response = sign_up(client, email="ADA@example.org")

        assert response.status_code == 302
        assert response["Location"] == reverse("mail:subscribe-sent")
        assert Subscriber.objects.count() == 1
        assert Email.objects.count() == 0
        assert smtp_server.received == []


class TestConfirming:
    def test_opening_the_link_shows_a_button_and_does_not_confirm(self, client, smtp_server):
        sign_up(client)

        response = client.get(confirm_link(smtp_server))

        assert response.status_code == 200
        page = text(response)
        assert '<form method="post">' in page
        assert '<button class="button" type="submit">Confirm</button>' in page
        assert Subscriber.objects.get().confirmed_at is None
        assert_personal(response)

    def test_pressing_confirm_confirms_the_address(self, client, smtp_server):
        sign_up(client)

        response = client.post(confirm_link(smtp_server))

        assert response.status_code == 200
        assert "You are signed up" in text(response)
        assert Subscriber.objects.get().confirmed_at is not None
        assert_personal(response)

    def test_confirming_again_keeps_the_first_time_and_says_signed_up(self, client, smtp_server):
        sign_up(client)
        link = confirm_link(smtp_server)
        client.post(link)
        first = Subscriber.objects.get().confirmed_at

        assert client.post(link).status_code == 200
        again = client.get(link)

        assert Subscriber.objects.get().confirmed_at == first
        assert "You are signed up" in text(again)

    def test_the_link_still_works_just_before_the_confirm_days_are_up(self, client, smtp_server):
        with time_machine.travel(SIGNED_UP, tick=False) as traveller:
            sign_up(client)
            traveller.shift(datetime.timedelta(days=7) - datetime.timedelta(minutes=1))
            assert client.post(confirm_link(smtp_server)).status_code == 200
        assert Subscriber.objects.get().confirmed_at is not None

    def test_an_expired_link_is_refused_and_does_not_confirm(self, client, smtp_server):
        with time_machine.travel(SIGNED_UP, tick=False) as traveller:
            sign_up(client)
            traveller.shift(datetime.timedelta(days=7, minutes=1))
            link = confirm_link(smtp_server)
            shown, pressed = client.get(link), client.post(link)

        assert shown.status_code == pressed.status_code == 400
        assert "This link does not work" in text(shown)
        assert "Links to confirm work for 7 days." in words(shown)
        assert Subscriber.objects.get().confirmed_at is None
        assert_personal(shown)

    def test_a_forged_link_is_refused(self, client, smtp_server):
        sign_up(client)
        link = confirm_link(smtp_server)
        payload, signature = link.rstrip("/").rsplit("/", 1)[1].split(":", 1)
        forged = reverse("mail:confirm", args=[payload[:-2] + "xx:" + signature])

        assert client.get(forged).status_code == 400
        assert client.post(forged).status_code == 400
        assert Subscriber.objects.get().confirmed_at is None

    def test_an_unsubscribe_token_does_not_confirm(self, client):
        SubscriberFactory(email="ada@example.org")
        url = reverse("mail:confirm", args=[unsubscribe_token("ada@example.org")])

        assert client.post(url).status_code == 400
        assert Subscriber.objects.get().confirmed_at is None

    def test_the_link_of_an_address_that_unsubscribed_no_longer_confirms(self, client):
        subscriber = SubscriberFactory(email="ada@example.org")
        link = reverse("mail:confirm", args=[confirm_token(subscriber)])
        client.post(unsubscribe_url("ada@example.org"))
        SubscriberFactory(email="ada@example.org")  # signed up again: a new record

        response = client.post(link)

        assert response.status_code == 400
        assert "has since unsubscribed" in words(response)
        assert Subscriber.objects.get().confirmed_at is None


class TestUnsubscribing:
    def test_opening_the_link_shows_a_button_and_keeps_the_address(self, client):
        SubscriberFactory(email="ada@example.org", confirmed=True)

        response = client.get(unsubscribe_url("ada@example.org"))

        assert response.status_code == 200
        page = text(response)
        assert "ada@example.org" in page
        assert '<form method="post">' in page
        assert '<button class="button" type="submit">Unsubscribe</button>' in page
        assert Subscriber.objects.count() == 1
        assert_personal(response)

    def test_pressing_unsubscribe_deletes_the_address(self, client):
        SubscriberFactory(email="ada@example.org", confirmed=True)
        other = SubscriberFactory(confirmed=True)

        response = client.post(unsubscribe_url("ada@example.org"))

        assert response.status_code == 200
        assert "You are unsubscribed" in text(response)
        assert list(Subscriber.objects.all()) == [other]
        assert_personal(response)

    def test_unsubscribing_twice_is_the_same_as_once(self, client):
        SubscriberFactory(email="ada@example.org", confirmed=True)
        url = unsubscribe_url("ada@example.org")

        assert client.post(url).status_code == 200
        again = client.post(url)

        assert again.status_code == 200
        assert "You are unsubscribed" in text(again)
        assert Subscriber.objects.count() == 0

    def test_an_unconfirmed_sign_up_can_unsubscribe_too(self, client):
        SubscriberFactory(email="ada@example.org")
        assert client.post(unsubscribe_url("ada@example.org")).status_code == 200
        assert Subscriber.objects.count() == 0

    def test_the_link_finds_the_address_whatever_its_case(self, client):
        SubscriberFactory(email="Ada@Example.org", confirmed=True)
        assert read_unsubscribe_token(unsubscribe_token("Ada@Example.org")) == "ada@example.org"

        client.post(unsubscribe_url("Ada@Example.org"))

        assert Subscriber.objects.count() == 0

    def test_one_click_unsubscribe_works_without_a_csrf_token(self):
        SubscriberFactory(email="ada@example.org", confirmed=True)
        mail_program = Client(enforce_csrf_checks=True)

        response = mail_program.post(
            unsubscribe_url("ada@example.org"),
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )

        assert response.status_code == 200
        assert Subscriber.objects.count() == 0

    def test_the_link_never_expires(self, client):
        SubscriberFactory(email="ada@example.org", confirmed=True)
        url = unsubscribe_url("ada@example.org")

        later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3 * 365)
        with time_machine.travel(later, tick=False):
            assert client.post(url).status_code == 200
        assert Subscriber.objects.count() == 0

    def test_a_forged_link_is_refused_and_deletes_nothing(self, client):
        SubscriberFactory(email="ada@example.org", confirmed=True)
        token = unsubscribe_token("bo@example.org").replace("bo@", "ada@")
        url = reverse("mail:unsubscribe", args=[token])

        shown, pressed = client.get(url), client.post(url)

        assert shown.status_code == pressed.status_code == 400
        assert "The unsubscribe link is incomplete" in words(pressed)
        assert Subscriber.objects.count() == 1
        assert_personal(pressed)

    def test_a_confirmation_token_does_not_unsubscribe(self, client):
        subscriber = SubscriberFactory(email="ada@example.org", confirmed=True)
        url = reverse("mail:unsubscribe", args=[confirm_token(subscriber)])

        assert client.post(url).status_code == 400
        assert Subscriber.objects.count() == 1

    def test_unsubscribing_deletes_the_address_from_the_outbox_too(self, client, smtp_server):
        # The privacy page promises that "unsubscribing deletes your address at once":
        # that includes the stored confirmation email addressed to it.
        sign_up(client)
        client.post(confirm_link(smtp_server))

        client.post(unsubscribe_url("ada@example.org"))

        assert Subscriber.objects.count() == 0
        assert not Email.objects.filter(to__icontains="ada@example.org").exists()


class TestForgettingUnconfirmed:
    def test_forget_unconfirmed_removes_only_sign_ups_unconfirmed_for_the_confirm_days(self):
        with time_machine.travel(SIGNED_UP, tick=False) as traveller:
            stale = SubscriberFactory()
            confirmed = SubscriberFactory(confirmed=True)
            traveller.shift(datetime.timedelta(minutes=2))
            just_in_time = SubscriberFactory()
            traveller.shift(datetime.timedelta(days=7) - datetime.timedelta(minutes=1))

            assert subscriptions.forget_unconfirmed() == 1

        remaining = set(Subscriber.objects.all())
        assert stale not in remaining
        assert remaining == {confirmed, just_in_time}

    def test_forget_unconfirmed_follows_the_confirm_days_setting(self, settings):
        settings.SUBSCRIBER_CONFIRM_DAYS = 2
        with time_machine.travel(SIGNED_UP, tick=False):
            SubscriberFactory()
        later = SIGNED_UP + datetime.timedelta(days=2, minutes=1)

        assert subscriptions.forget_unconfirmed(now=later) == 1
        assert Subscriber.objects.count() == 0

    def test_a_forgotten_sign_up_leaves_no_copy_of_the_address_in_the_outbox(
        self, client, smtp_server
    ):
        # The privacy page: "An address not confirmed within 7 days is deleted."
        with time_machine.travel(SIGNED_UP, tick=False):
            sign_up(client)

        subscriptions.forget_unconfirmed(now=SIGNED_UP + datetime.timedelta(days=8))

        assert Subscriber.objects.count() == 0
        assert not Email.objects.filter(to__icontains="ada@example.org").exists()
