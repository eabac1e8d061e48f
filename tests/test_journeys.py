"""The site's two main journeys, end to end in headless Chromium (see tests/conftest.py).

A visitor reads a past delegation, downloads its report, browses the symposium archive,
searches and asks about an upcoming delegation; a staff member logs in to the admin,
creates a delegation with a photo and a report, publishes it and finds it on the site.
Everything is done through the pages, as a person would, with nothing blocked by the
Content Security Policy and nothing logged to the browser's console.
"""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.tests.factories import PersonFactory, SectionFactory
from delegations.models import Delegation, Inquiry
from delegations.tests.factories import DelegationFactory, ReportFactory
from symposium.tests.factories import SymposiumFactory
from tests.helpers import jpeg

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_bytes():
    """A real, one-page PDF (Pillow writes a complete file: header, objects, xref, trailer)."""
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, "PDF")
    return buffer.getvalue()


def test_a_visitor_reads_a_past_delegation_its_report_the_symposia_searches_and_inquires(
    live_server, page, page_problems, tmp_path
):
    SectionFactory()
    past = DelegationFactory(title="Lisbon and Porto", slug="lisbon-and-porto")
    report = ReportFactory(
        delegation=past,
        title="Opening Doors",
        external_url="",
        file=ContentFile(pdf_bytes(), name="opening-doors.pdf"),
    )
    SymposiumFactory(year=2019, theme="Learning in a connected world")
    start = timezone.localdate() + datetime.timedelta(days=45)
    upcoming = DelegationFactory(
        title="Helsinki",
        slug="helsinki",
        destinations=["Finland"],
        start_date=start,
        end_date=start + datetime.timedelta(days=5),
    )
    upcoming.contacts.add(PersonFactory(name="Jo Organiser", email="jo@cosn.example"))

    # From the landing page to the past delegation, and its report.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Lisbon and Porto").click()
    page.wait_for_url(live_server.url + past.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == "Lisbon and Porto"
    download_link = page.get_by_role("link", name=re.compile("^Download the report"))
    assert "(PDF," in download_link.inner_text()
    with page.expect_download() as download_info:
        download_link.click()
    saved = tmp_path / "report.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes() == report.file.open("rb").read()
    assert saved.read_bytes().startswith(b"%PDF-")

    # The symposium archive, from the main navigation.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="International Symposium"
    ).click()
    page.wait_for_url(live_server.url + reverse("symposium:symposium-list"))
    page.get_by_role("link", name="2019 International Symposium").click()
    assert page.get_by_text("Learning in a connected world").is_visible()

    # The header's search box.
    page.get_by_role("searchbox", name="Search delegations").fill("Lisbon")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=Lisbon$"))
    results = page.locator(".search-results")
    assert results.get_by_role("link", name="Lisbon and Porto").is_visible()
    assert "1 result" in page.get_by_role("heading", level=2).first.inner_text()

    # An upcoming delegation, from the landing page, and a question about it.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Global Leadership"
    ).click()
    page.get_by_role("link", name=re.compile("^Apply, see the agenda or ask")).click()
    page.wait_for_url(live_server.url + upcoming.get_absolute_url())
    form = page.locator("#inquire")
    form.get_by_label("Your name").fill("Ada Visitor")
    form.get_by_label("Your email address").fill("ada@example.org")
    form.get_by_label("Organisation").fill("Lakeside School District")
    form.get_by_label("Your question or message").fill("Can principals join this delegation?")
    form.get_by_label("I agree that CoSN may store").check()
    form.get_by_role("button", name="Send your message").click()
    page.wait_for_url(re.compile(r"/delegations/helsinki/inquire/thanks/"))
    assert "received your message" in page.get_by_role("heading", level=1).inner_text()
    assert "Jo Organiser will reply" in page.locator("main").inner_text()

    inquiry = Inquiry.objects.get()
    assert (inquiry.delegation, inquiry.email) == (upcoming, "ada@example.org")
    assert inquiry.email_status == Inquiry.EmailStatus.SENT
    [email] = mail.outbox
    assert email.to == ["jo@cosn.example"]
    assert "Can principals join this delegation?" in email.body
    assert page_problems == []


def test_staff_create_a_delegation_with_a_photo_and_a_report_publish_it_and_see_it(
    live_server, browser, page, page_problems, admin_user
):
    url = live_server.url
    page.goto(url + reverse("admin:login"))
    page.get_by_label("Username").fill(admin_user.username)
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(url + reverse("admin:index"))

    page.goto(url + reverse("admin:delegations_delegation_add"))
    # The web address is filled in from the title, as editors see it happen.
    page.fill("#id_title", "Tallinn")
    page.press("#id_title", "Tab")
    assert page.input_value("#id_slug") == "tallinn"
    page.fill("#id_summary", "A study tour of Estonia's digital schools.")
    page.fill("#id_start_date", "2016-05-02")
    page.fill("#id_end_date", "2016-05-06")
    page.fill("#id_destinations-0-place", "Tallinn")

    page.get_by_text("Add another Photo").click()
    page.set_input_files(
        "#id_photos-0-image",
        files=[
            {"name": "classroom.jpg", "mimeType": "image/jpeg", "buffer": jpeg((640, 480)).read()}
        ],
    )
    page.fill("#id_photos-0-caption", "Pupils at a Tallinn school")
    page.fill("#id_photos-0-alt_text", "Pupils working on laptops in a bright classroom")

    page.get_by_text("Add another Report").click()
    page.fill("#id_reports-0-title", "Digital Schools of Estonia")
    page.press("#id_reports-0-title", "Tab")
    assert page.input_value("#id_reports-0-slug") == "digital-schools-of-estonia"
    report_pdf = pdf_bytes()
    page.set_input_files(
        "#id_reports-0-file",
        files=[{"name": "estonia.pdf", "mimeType": "application/pdf", "buffer": report_pdf}],
    )
    assert not page.is_checked("#id_is_published")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()

    trip = Delegation.objects.get(slug="tallinn")
    public_url = url + trip.get_absolute_url()
    visitor = browser.new_context()
    try:
        # A draft: not on the public site yet.
        assert visitor.new_page().goto(public_url).status == 404

        page.check("#id_is_published")
        page.click("input[name=_save]")
        page.locator(".messagelist .success").wait_for()
        assert Delegation.objects.get(pk=trip.pk).is_published

        public = visitor.new_page()
        response = public.goto(public_url)
        assert response.status == 200
        assert public.get_by_role("heading", level=1).inner_text() == "Tallinn"
        photo = public.get_by_role("img", name="Pupils working on laptops in a bright classroom")
        photo.scroll_into_view_if_needed()
        assert photo.is_visible()
        assert public.evaluate(
            "(img) => img.complete && img.naturalWidth > 0", photo.element_handle()
        )
        assert public.get_by_text("Pupils at a Tallinn school").is_visible()
        report_link = public.get_by_role("link", name=re.compile("^Download the report"))
        assert "Digital Schools of Estonia" in report_link.inner_text()
        assert public.request.get(url + report_link.get_attribute("href")).body() == report_pdf
        # And on the list of delegations.
        public.goto(url + reverse("delegations:delegation-list"))
        assert public.get_by_role("link", name="Tallinn").is_visible()
    finally:
        visitor.close()
    assert page_problems == []
