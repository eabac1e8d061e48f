"""An editor drafts a change to a published trip in Chromium: the public page stays as it
was, the preview shows the change, a share link shows it to someone signed out, and
publishing puts it on the public page."""

import pytest

from core.models import Draft
from delegations.models import Delegation
from tests.helpers import admin_url, axe_violations, log_in_to_admin, save_summary_as_draft

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "Drafted in the browser: a week of schools in Lisbon and Porto."


def test_an_editor_drafts_previews_shares_and_publishes_a_change(
    page, browser, live_server, editor, page_problems
):
    trip = Delegation.objects.published().get(slug="portugal-2013")
    public = live_server.url + trip.get_absolute_url()
    place = trip.destinations.first().place
    visitor = browser.new_context()
    public_page = visitor.new_page()

    log_in_to_admin(page, live_server)
    page.goto(live_server.url + admin_url(Delegation, "change", trip.pk))
    page.locator("#id_summary").fill(SUMMARY)
    page.locator("#id_destinations-0-place").fill("Porto, drafted")
    page.locator("input[name=_save_draft]").first.click()
    page.get_by_text("The draft is saved.").wait_for()
    assert "A draft of changes is pending, saved by editor" in page.locator(".drafts").inner_text()
    assert page.locator("#id_summary").input_value() == SUMMARY  # the form shows the draft

    # The public page has not changed.
    public_page.goto(public)
    assert SUMMARY not in public_page.content()
    assert place in public_page.content()

    # The preview shows the draft, the destination too.
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview draft").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert SUMMARY in preview.content()
    assert "Porto, drafted" in preview.content()
    assert preview.locator(".preview-banner").inner_text().startswith("Preview of a draft")
    preview.close()

    # A share link shows it to someone who is not signed in.
    page.locator(".share-links summary").click()
    page.get_by_role("button", name="Create a share link").click()
    page.get_by_text("A share link is ready").wait_for()
    link = page.locator(".share-links td a").first.get_attribute("href")
    stranger = browser.new_context()
    shared = stranger.new_page()
    shared.goto(link)
    assert SUMMARY in shared.content()
    assert "Log in" not in shared.content()

    # Published, it is the public page.
    page.get_by_role("button", name="Publish draft").click()
    page.get_by_text("The draft is published").wait_for()
    assert not Draft.objects.exists()
    public_page.goto(public)
    assert SUMMARY in public_page.content()
    assert "Porto, drafted" in public_page.content()

    # The share link has nothing left to show.
    shared.goto(link)
    assert shared.get_by_role("heading", level=1).inner_text() == "Preview not available"
    stranger.close()
    visitor.close()
    assert page_problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_trip_with_a_draft_and_a_share_link_has_no_axe_violations(
    scheme_page, live_server, editor, axe_source, scheme
):
    page = scheme_page(scheme)
    log_in_to_admin(page, live_server)
    trip = Delegation.objects.get(slug="portugal-2013")
    save_summary_as_draft(page, live_server, trip, SUMMARY)
    page.locator(".share-links summary").click()
    page.get_by_role("button", name="Create a share link").click()
    page.get_by_text("A share link is ready").wait_for()

    assert axe_violations(page, axe_source) == []
