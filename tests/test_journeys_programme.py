"""The programme's journeys, end to end in headless Chromium (see tests/conftest.py).

A district CTO reads an open trip's key facts, applies (after one mistake), gets the
acknowledgement by email and withdraws with the link in it; a visitor who finds no trip
open signs up to hear of the next one, confirms, gets the announcement and unsubscribes.
Everything a person does is done through the pages; the emails arrive over SMTP at a
real server (the `smtp_server` fixture) and the links in them are opened in the
browser. Nothing is blocked by the Content Security Policy or logged to the console.
"""

import datetime
import re
import time
import urllib.request

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Section
from core.tests.factories import PersonFactory, SectionFactory
from delegations.models import Application
from delegations.tests.factories import ApplicationFactory, DelegationFactory
from mail import announcements
from mail.models import Subscriber

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_mail(smtp_server, address, count, timeout=10):
    """The messages sent to `address` once there are `count` of them.

    They are sent during the request that causes them (the tests run tasks at once), so
    this rarely waits; it only spares the test a race with the SMTP server's thread.
    """
    deadline = time.monotonic() + timeout
    while len(smtp_server.to(address)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    received = smtp_server.to(address)
    assert len(received) == count, [message.message["Subject"] for message in received]
    return received


def link_in(received, path):
    """The one link in the body of `received` whose path starts with `path`."""
    [link] = [link for link in received.links if re.match(rf"https?://[^/]+{path}", link)]
    return link


def test_a_district_cto_reads_the_key_facts_applies_gets_the_email_and_withdraws(
    live_server, page, page_problems, smtp_server
):
    today = timezone.localdate()
    start = today + datetime.timedelta(days=75)
    apply_by = today + datetime.timedelta(days=30)
    trip = DelegationFactory(
        title="Helsinki and Tallinn",
        slug="helsinki-and-tallinn",
        destinations=["Finland", "Estonia"],
        start_date=start,
        end_date=start + datetime.timedelta(days=6),
        cost=3950,
        cost_includes="Hotels, school visits and most meals; not the flights.",
        audience="Superintendents, CTOs and other senior district leaders.",
        apply_by=apply_by,
        capacity=20,
    )
    trip.contacts.add(PersonFactory(name="Jo Organiser", email="jo@cosn.example"))
    # Someone else's application, which the CTO must never see.
    ApplicationFactory(delegation=trip, name="Bo Other", email="bo.other@example.org")
    address = "cto@lakeside.example.org"

    # The trip's page: its key facts, and that it takes applications.
    page.goto(live_server.url + trip.get_absolute_url())
    facts = page.get_by_role("region", name="Key facts")
    apply_by_text = f"{apply_by:%B} {apply_by.day}, {apply_by.year}"
    assert " ".join(facts.locator(".registration").inner_text().split()) == (
        f"Open for applications: apply by {apply_by_text}, 20 places left"
    )
    listed = {
        " ".join(term.text_content().split()): " ".join(
            term.locator("xpath=following-sibling::dd").inner_text().split()
        )
        for term in facts.locator("dt").all()
    }
    assert listed == {
        "Cost": "USD 3,950 Includes: Hotels, school visits and most meals; not the flights.",
        "Who it is for": "Superintendents, CTOs and other senior district leaders.",
        "Apply by": apply_by_text,
        "Places": "20 in all; 20 left",
    }

    # A first try without ticking the consent box: the errors, and nothing lost.
    form = page.locator("#apply")
    assert form.get_by_role("heading", name="Apply to join the delegation").is_visible()
    typed = {
        "Your name": "Casey CTO",
        "Your email address": address,
        "Organisation or school district": "Lakeside School District",
        "Your role": "Chief technology officer (CTO)",
        "State or country": "Ohio",
        "Anything we should know": "We are rolling out 1:1 devices next year.",
    }
    for label, value in typed.items():
        form.get_by_label(label).fill(value)
    with page.expect_response(re.compile(r"/apply/$")) as answer:
        form.get_by_role("button", name="Send your application").click()
    # The page with the errors answers 400, which Chromium logs to the console: the only
    # problem allowed below.
    assert answer.value.status == 400
    rejected = (
        "console error: Failed to load resource: the server responded with a status of 400"
        f" (Bad Request) ({live_server.url}{trip.get_absolute_url()}apply/#apply)"
    )
    summary = page.locator("#apply .error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    assert summary.get_by_role("link").all_inner_texts() == [
        "Tick the box to agree to how CoSN uses your details."
    ]
    form = page.locator("#apply")
    for label, value in typed.items():
        assert form.get_by_label(label).input_value() == value, label
    consent = form.get_by_label("I agree that CoSN may store these details")
    assert not consent.is_checked()
    assert Application.objects.filter(email=address).count() == 0
    assert smtp_server.to(address) == []

    # The summary's link leads to the box; ticked, the application goes.
    summary.get_by_role("link").click()
    assert page.url.endswith("#apply-consent")
    consent.check()
    form.get_by_role("button", name="Send your application").click()
    page.wait_for_url(re.compile(r"/delegations/helsinki-and-tallinn/apply/thanks/"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Thank you: we have your application"
    )
    main = page.locator("main").inner_text()
    assert "Helsinki and Tallinn" in main and "questions to Jo Organiser" in main
    application = Application.objects.get(email=address)
    assert application.status == Application.Status.RECEIVED
    assert (application.name, application.role) == ("Casey CTO", "Chief technology officer (CTO)")

    # The acknowledgement, by email.
    [acknowledgement] = wait_for_mail(smtp_server, address, 1)
    assert acknowledgement.message["To"] == address
    assert acknowledgement.message["Subject"] == "We have your application: Helsinki and Tallinn"
    assert acknowledgement.message["Reply-To"] == "jo@cosn.example"
    body = acknowledgement.body
    assert body.startswith("Dear Casey CTO,")
    assert "What happens next: CoSN's staff read every application" in body
    assert "Jo Organiser (jo@cosn.example)" in body
    withdraw_link = link_in(acknowledgement, "/applications/withdraw/")
    assert withdraw_link.startswith(live_server.url + "/applications/withdraw/")

    # The link in it: the CTO's own application and nobody else's.
    page.goto(withdraw_link)
    assert page.get_by_role("heading", level=1).inner_text() == "Withdraw your application"
    main = page.locator("main").inner_text()
    assert "Casey CTO" in main and "Helsinki and Tallinn" in main
    assert "Its status now: received." in main
    assert "Bo Other" not in page.content() and "bo.other@example.org" not in page.content()
    page.get_by_role("button", name="Withdraw my application").click()
    page.get_by_role("heading", level=1, name="Your application is withdrawn").wait_for()
    assert "we are emailing you to confirm it" in page.locator("main").inner_text()

    # The second email, and the database.
    _, withdrawn = wait_for_mail(smtp_server, address, 2)
    assert withdrawn.message["To"] == address
    assert withdrawn.message["Subject"] == "Your application is withdrawn: Helsinki and Tallinn"
    assert "Nothing more is needed from you." in withdrawn.body
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert Application.objects.get(email="bo.other@example.org").status == "received"

    # The link again: already withdrawn, and nothing more is sent.
    page.goto(withdraw_link)
    assert page.get_by_role("heading", level=1).inner_text() == "Your application is withdrawn"
    assert "was already withdrawn" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Withdraw my application").count() == 0
    assert len(smtp_server.to(address)) == 2
    assert page_problems == [rejected]


def one_click_unsubscribe(url):
    """The POST that a mail program sends for List-Unsubscribe-Post (RFC 8058)."""
    request = urllib.request.Request(
        url,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def test_a_visitor_finds_no_trip_open_signs_up_confirms_is_told_of_one_and_unsubscribes(
    live_server, page, page_problems, smtp_server
):
    SectionFactory(
        key=Section.Key.DELEGATIONS,
        contact=PersonFactory(name="Delegations Desk", email="desk@cosn.example"),
    )
    DelegationFactory(title="Lisbon and Porto", slug="lisbon-and-porto")
    # Someone already signed up, who mails with a one-click unsubscribe button.
    Subscriber.objects.create(email="reader@example.org", confirmed_at=timezone.now())
    address = "visitor@example.org"

    # No trip open: the notice, and the sign-up in it.
    page.goto(live_server.url + reverse("delegations:delegation-list"))
    notice = page.locator(".notice")
    assert "No delegation is open for registration right now" in notice.inner_text()
    notice.get_by_label("Your email address").fill(address)
    notice.get_by_role("button", name="Sign up").click()
    page.wait_for_url(live_server.url + reverse("mail:subscribe-sent"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"

    # The confirmation request, and its link: a page with a button, not yet a sign-up.
    [request] = wait_for_mail(smtp_server, address, 1)
    assert request.message["To"] == address
    assert request.message["Subject"].startswith("Confirm: email me when CoSN announces")
    confirm_link = link_in(request, "/subscribe/confirm/")
    page.goto(confirm_link)
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm your address"
    assert address in page.locator("main").inner_text()
    assert Subscriber.objects.get(email=address).confirmed_at is None
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", level=1, name="You are signed up").wait_for()
    assert Subscriber.objects.get(email=address).confirmed_at is not None

    # Staff announce a new trip.
    start = timezone.localdate() + datetime.timedelta(days=90)
    trip = DelegationFactory(
        title="Singapore",
        slug="singapore",
        destinations=["Singapore"],
        start_date=start,
        end_date=start + datetime.timedelta(days=5),
    )
    trip_url = live_server.url + trip.get_absolute_url()
    _, started = announcements.announce(
        trip,
        subject="New delegation: Singapore",
        body="Join CoSN in Singapore's schools and ministry.",
        url=trip_url,
        site_url=live_server.url + "/",
    )
    assert started
    _, announcement = wait_for_mail(smtp_server, address, 2)
    assert announcement.message["To"] == address
    assert announcement.message["Subject"] == "New delegation: Singapore"
    assert f"Read more: {trip_url}" in announcement.body
    header = announcement.message["List-Unsubscribe"]
    assert re.fullmatch(r"<https?://\S+>", header), header
    assert announcement.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_link = link_in(announcement, "/unsubscribe/")
    assert header == f"<{unsubscribe_link}>"

    # The visitor unsubscribes from the link in the body.
    page.goto(unsubscribe_link)
    assert page.get_by_role("heading", level=1).inner_text() == "Unsubscribe"
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", level=1, name="You are unsubscribed").wait_for()
    assert address in page.locator("main").inner_text()
    assert not Subscriber.objects.filter(email__iexact=address).exists()
    assert page_problems == []

    # The one-click POST of the other reader's mail program, to the header's address:
    # it unsubscribes, and sent again (or to an address already gone) it still answers 200.
    [other] = wait_for_mail(smtp_server, "reader@example.org", 1)
    one_click = other.message["List-Unsubscribe"].strip("<>")
    status, body = one_click_unsubscribe(one_click)
    assert status == 200 and "You are unsubscribed" in body
    assert not Subscriber.objects.filter(email="reader@example.org").exists()
    assert one_click_unsubscribe(one_click)[0] == 200
    assert one_click_unsubscribe(header.strip("<>"))[0] == 200
    assert Subscriber.objects.count() == 0
