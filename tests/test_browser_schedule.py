"""Scheduled changes in Chromium: an editor schedules a draft, or a dispatch's go-live and
take-down times, a minute or so ahead; the public page stays as it is until then, and
changes at that time with nobody saving anything (the clock is moved on, for the live
server too: it answers from a thread of this process)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from core.models import Draft
from delegations.models import Delegation, Dispatch
from pagecache.lookup import Lookup
from tests.helpers import admin_url, axe_violations, log_in_to_admin, save_summary_as_draft

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "Scheduled in the browser: a week of schools in Lisbon and Porto."
DISPATCH = "Day one in the schools of Lisbon"


def whole_minute_ahead(minutes=1):
    """The site's time `minutes` from now, rounded up to the minute (what an editor would
    type into a date-and-time field)."""
    soon = timezone.localtime() + datetime.timedelta(minutes=minutes)
    return soon.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)


def as_shown(moment):
    return date_format(moment, "N j, Y, H:i")


def shortly_after(moment):
    """Travel to just after `moment`, the clock running on from there."""
    return time_machine.travel(moment + datetime.timedelta(seconds=5), tick=True)


@pytest.fixture
def rendered(monkeypatch, settings):
    """The paths of the public pages rendered and stored by the page cache (on), in the
    order they were: a page served from the cache is not added again."""
    settings.PAGE_CACHE = True
    paths = []
    store = Lookup.store

    def store_and_note(lookup, response):
        paths.append(lookup.request.path)
        return store(lookup, response)

    monkeypatch.setattr(Lookup, "store", store_and_note)
    return paths


def test_an_editor_schedules_a_draft_and_it_appears_at_that_time(
    page, browser, live_server, editor, page_problems, rendered
):
    trip = Delegation.objects.published().get(slug="portugal-2013")
    path = trip.get_absolute_url()
    public = live_server.url + path
    visitor = browser.new_context()
    public_page = visitor.new_page()

    log_in_to_admin(page, live_server)
    save_summary_as_draft(page, live_server, trip, SUMMARY)

    go_live = whole_minute_ahead()
    page.locator("#draft-go-live").fill(go_live.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule").click()
    page.get_by_text("The draft will be published by itself at").wait_for()
    drafts = page.locator(".drafts").inner_text()
    assert f"It will be published by itself at {as_shown(go_live)} ({settings.TIME_ZONE})" in drafts
    assert timezone.localtime(Draft.objects.get().go_live_at) == go_live

    # Until then the public page does not change, rendered or cached.
    first = public_page.goto(public)
    etag = first.headers["etag"]
    assert SUMMARY not in public_page.content()
    assert rendered == [path]
    for _ in range(3):
        again = public_page.request.get(public)
        assert again.status == 200
        assert SUMMARY not in again.text()
        assert again.headers["etag"] == etag
    assert rendered == [path]  # every one of those was served from the cache
    unchanged = public_page.request.get(public, headers={"If-None-Match": etag})
    assert unchanged.status == 304

    # The admin's index says what comes next.
    page.goto(live_server.url + "/admin/")
    coming_up = page.locator("#coming-up-module").inner_text()
    assert f"The draft of the trip “{trip}” is published" in coming_up
    assert as_shown(go_live) in coming_up

    with shortly_after(go_live):
        response = public_page.reload()
        assert SUMMARY in public_page.content()
        assert response.headers["etag"] != etag
        assert rendered == [path, path]
        assert not Draft.objects.exists()
        assert Delegation.objects.get(pk=trip.pk).summary == SUMMARY

        # A browser holding the page of before gets the new one.
        stale = public_page.request.get(public, headers={"If-None-Match": etag})
        assert stale.status == 200
        assert SUMMARY in stale.text()

        # One change in the history, in the name of the draft's author.
        page.goto(live_server.url + admin_url(Delegation, "history", trip.pk))
        rows = page.locator("#content tbody tr")
        assert rows.count() == 2
        assert (
            "editor\tPublished (as scheduled) the draft by editor.\nChanged Summary."
            in rows.first.inner_text()
        )
        revision = Version.objects.get_for_object(trip).first().revision
        assert revision.get_comment() == "Published (as scheduled) the draft by editor."
        page.goto(live_server.url + "/admin/")
        assert "The draft of the trip" not in page.locator("#content").inner_text()

    visitor.close()
    assert page_problems == []


def fill_moment(page, field, moment):
    """Type a time into one of the admin's split date and time inputs."""
    page.locator(f"#id_{field}_0").fill(f"{moment:%Y-%m-%d}")
    page.locator(f"#id_{field}_1").fill(f"{moment:%H:%M:%S}")


def test_a_record_goes_live_and_comes_down_at_its_times(
    page, browser, live_server, editor, page_problems, rendered
):
    trip = Delegation.objects.published().get(slug="portugal-2013")
    public = live_server.url + trip.get_absolute_url()
    visitor = browser.new_context()
    public_page = visitor.new_page()

    log_in_to_admin(page, live_server)
    page.goto(live_server.url + admin_url(Dispatch, "add"))
    page.locator("#id_delegation").locator("..").locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Portugal")
    page.locator(".select2-results__option", has_text=trip.title).click()
    page.locator("#id_title").fill(DISPATCH)
    page.locator("#id_external_url").fill("https://example.org/lisbon-day-one")
    assert page.locator("#id_is_published").is_checked()
    go_live = whole_minute_ahead()
    take_down = go_live + datetime.timedelta(minutes=2)
    fill_moment(page, "go_live_at", go_live)
    fill_moment(page, "expires_at", take_down)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was added successfully").wait_for()

    dispatch = Dispatch.objects.get(title=DISPATCH)
    assert (dispatch.go_live_at, dispatch.expires_at) == (go_live, take_down)
    own_page = live_server.url + dispatch.get_absolute_url()
    assert public_page.goto(own_page).status == 404
    public_page.goto(public)
    assert DISPATCH not in public_page.content()
    assert DISPATCH not in public_page.request.get(public).text()
    assert rendered == [trip.get_absolute_url()]  # the second came from the cache

    with shortly_after(go_live):
        public_page.reload()
        assert DISPATCH in public_page.content()
        public_page.get_by_role("link", name=DISPATCH).click()
        assert public_page.get_by_role("heading", level=1).inner_text() == DISPATCH

    with shortly_after(take_down):
        public_page.goto(public)
        assert DISPATCH not in public_page.content()
        assert public_page.goto(own_page).status == 404

    visitor.close()
    assert page_problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_scheduled_draft_and_what_comes_next_have_no_axe_violations(
    scheme_page, live_server, editor, axe_source, scheme
):
    page = scheme_page(scheme)
    log_in_to_admin(page, live_server)
    trip = Delegation.objects.get(slug="portugal-2013")
    save_summary_as_draft(page, live_server, trip, SUMMARY)
    page.locator("#draft-go-live").fill(whole_minute_ahead(60).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule").click()
    page.get_by_text("The draft will be published by itself at").wait_for()
    assert axe_violations(page, axe_source) == []

    page.goto(live_server.url + "/admin/")
    page.locator("#coming-up-module").wait_for()
    assert axe_violations(page, axe_source) == []
