"""Drafts of changes to published records: saved without changing the public page,
previewed as the public will see it, shared by a signed link, published as one version,
or discarded; two editors never silently overwrite each other's draft."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from core.drafts import share_token
from core.models import Draft, Section, ShareLink
from delegations.models import Delegation, Photo
from delegations.tests.factories import CountryFactory, DispatchFactory, ReportFactory
from pagecache import version
from symposium.tests.factories import SymposiumFactory
from tests.helpers import (
    admin_url,
    delegation_post_data,
    form_data,
    management_form,
    on,
    page_cache_in_redis,
    photo_inline_data,
    tiny_png,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip(staff_client):
    """A published past trip made in the admin, with a photo. (Its page has no forms, so
    the page cache keeps it.)"""
    data = delegation_post_data(
        CountryFactory(name="Portugal"),
        start_date="2015-03-01",
        end_date="2015-03-05",
        **management_form("photos", total=1),
        **photo_inline_data(caption="Our group in Lisbon"),
    )
    assert staff_client.post(admin_url(Delegation, "add"), data).status_code == 302
    return Delegation.objects.get(slug="lisbon-2027")


def change_url(obj, query=""):
    return admin_url(type(obj), "change", obj.pk) + query


def draft_url(obj, action):
    return admin_url(type(obj), "draft", obj.pk, action)


def open_form(client, obj, query=""):
    return form_data(client.get(change_url(obj, query)))


def save_draft(client, obj, data, query=""):
    data = {key: value for key, value in data.items() if key != "_save"}
    return client.post(change_url(obj, query), {**data, "_save_draft": "Save draft"})


def preview_url(obj):
    from django.contrib.contenttypes.models import ContentType

    return reverse("draft-preview", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


def draft_the_trip(client, trip):
    data = open_form(client, trip)
    data["summary"] = "A draft summary."
    data["photos-0-caption"] = "A drafted caption"
    response = save_draft(client, trip, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def share(client, obj, days=7):
    before = set(ShareLink.objects.values_list("pk", flat=True))
    client.post(draft_url(obj, "share"), {"days": days})
    link = ShareLink.objects.exclude(pk__in=before).get()
    return link, reverse("shared-preview", args=[share_token(link)])


def test_a_draft_through_preview_share_and_publish_to_history(staff_client, trip, settings):
    settings.PAGE_CACHE = True
    public = trip.get_absolute_url()
    visitor = Client()
    first = visitor.get(public)
    assert "A week in Lisbon" in first.content.decode()
    assert visitor.get(public, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304  # cached
    content_version = version.read()
    versions_before = Version.objects.get_for_object(trip).count()

    draft_the_trip(staff_client, trip)

    # The public page, and everything behind it, is as it was.
    page = visitor.get(public).content.decode()
    assert "A week in Lisbon" in page and "A draft summary." not in page
    assert "A drafted caption" not in page
    assert version.read() == content_version
    assert Delegation.objects.get(pk=trip.pk).summary == "A week in Lisbon's schools."
    assert Photo.objects.get(delegation=trip).caption == "Our group in Lisbon"
    assert Version.objects.get_for_object(trip).count() == versions_before

    # The change form says so, and opens on the draft.
    form = staff_client.get(change_url(trip)).content.decode()
    assert "A draft of changes is pending, saved by admin" in form
    assert "A draft summary." in form

    # The preview shows the draft, parts too, as the public page.
    preview = staff_client.get(preview_url(trip))
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "A draft summary." in text and "A drafted caption" in text
    assert "Preview of a draft" in text
    assert '<meta name="robots" content="noindex">' in text
    assert preview["X-Robots-Tag"] == "noindex"
    assert "no-store" in preview["Cache-Control"] and "private" in preview["Cache-Control"]
    # ...for a visitor: no staff-only preview note, and nothing was kept.
    assert "only staff can see it" not in text
    assert Delegation.objects.get(pk=trip.pk).summary == "A week in Lisbon's schools."
    assert version.read() == content_version
    assert "A draft summary." not in visitor.get(public).content.decode()

    # A share link shows the same to someone signed out.
    _, shared = share(staff_client, trip)
    seen = visitor.get(shared)
    assert seen.status_code == 200
    assert "A draft summary." in seen.content.decode()
    assert "no-store" in seen["Cache-Control"] and seen["X-Robots-Tag"] == "noindex"
    assert "/admin" not in seen.content.decode().replace(settings.ADMIN_URL, "/admin")

    # Publishing makes it the public page, as one new version in History.
    published = staff_client.post(draft_url(trip, "publish"))
    assert published.status_code == 302
    assert not Draft.objects.exists()
    page = visitor.get(public).content.decode()
    assert "A draft summary." in page and "A drafted caption" in page
    versions = Version.objects.get_for_object(trip)
    assert versions.count() == versions_before + 1
    newest = versions.first().revision
    assert newest.get_comment() == "Published the draft by admin."
    assert {v.object for v in newest.version_set.all()} >= {trip, trip.photos.get()}

    # The share link has nothing to show any more.
    assert visitor.get(shared).status_code == 410

    # And History still restores the version before.
    before = versions[1]
    restore = admin_url(Delegation, "revision", trip.pk, before.pk)
    assert staff_client.post(restore, form_data(staff_client.get(restore))).status_code == 302
    assert Delegation.objects.get(pk=trip.pk).summary == "A week in Lisbon's schools."
    assert Photo.objects.get(delegation=trip).caption == "Our group in Lisbon"


def test_a_preview_neither_retires_nor_fills_the_page_cache(staff_client, trip, settings):
    settings.PAGE_CACHE = True
    visitor = Client()
    public = trip.get_absolute_url()
    visitor.get(public)
    draft_the_trip(staff_client, trip)
    content_version = version.read()

    staff_client.get(preview_url(trip))

    assert version.read() == content_version
    hit = visitor.get(public, HTTP_IF_NONE_MATCH=visitor.get(public)["ETag"])
    assert hit.status_code == 304  # the cached page and its ETag are still good
    assert "A draft summary." not in visitor.get(public).content.decode()


def media_files(settings):
    return sorted(Path(settings.MEDIA_ROOT).rglob("*.*"))


@pytest.fixture
def redis_page_cache(settings):
    """The page cache in Redis, as in production (a database of its own)."""
    settings.PAGE_CACHE = True
    with page_cache_in_redis(settings, "redis://127.0.0.1:6379/13") as cache:
        yield cache


def test_a_preview_leaves_no_trace_in_redis(staff_client, trip, redis_page_cache, monkeypatch):
    # The copy of the version is kept for seconds; long enough here for a slow machine.
    monkeypatch.setattr(version, "VERSION_COPY_TIMEOUT", 300)
    visitor = Client()
    public = trip.get_absolute_url()
    draft_the_trip(staff_client, trip)
    visitor.get(public)
    shared_copy = redis_page_cache.get(version.VERSION_KEY)
    keys = set(redis_page_cache._cache.get_client().keys(redis_page_cache.make_key("*")))

    preview = staff_client.get(preview_url(trip))

    assert "A draft summary." in preview.content.decode()
    assert redis_page_cache.get(version.VERSION_KEY) == shared_copy == version.read()
    assert (
        set(redis_page_cache._cache.get_client().keys(redis_page_cache.make_key("*"))) == keys
    )  # nothing stored
    with CaptureQueriesContext(connection) as queries:
        hit = visitor.get(public)
    assert len(queries) == 0  # still served from the cache, without a miss
    assert "A draft summary." not in hit.content.decode()


def test_discarding_removes_the_draft_and_its_files(
    staff_client, trip, django_capture_on_commit_callbacks
):
    data = open_form(staff_client, trip)
    data["photos-0-image"] = tiny_png()
    data["photos-0-alt_text"] = "Delegates outside a school"
    assert save_draft(staff_client, trip, data).status_code == 302
    stored = Draft.objects.get().data["files"]["photos-0-image"]
    assert stored.startswith("drafts/") and default_storage.exists(stored)
    assert not Photo.objects.get(delegation=trip).image  # the live photo has none

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(draft_url(trip, "discard"))

    assert not Draft.objects.exists()
    assert not default_storage.exists(stored)


def test_a_drafted_picture_is_previewed_without_writing_files_then_published(
    staff_client, trip, settings, django_capture_on_commit_callbacks
):
    data = open_form(staff_client, trip)
    data["photos-0-image"] = tiny_png()
    data["photos-0-alt_text"] = "Delegates outside a school"
    assert save_draft(staff_client, trip, data).status_code == 302
    stored = Draft.objects.get().data["files"]["photos-0-image"]
    files = media_files(settings)

    preview = staff_client.get(preview_url(trip)).content.decode()

    assert stored in preview
    assert media_files(settings) == files
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(draft_url(trip, "publish")).status_code == 302
    photo = Photo.objects.get(delegation=trip)
    assert photo.image and not photo.image.name.startswith("drafts/")
    assert photo.thumbnail  # its smaller copy is made when published
    assert not default_storage.exists(stored)


def test_a_draft_with_errors_is_refused_with_everything_typed_kept(staff_client, trip):
    data = open_form(staff_client, trip)
    data["title"] = ""
    data["summary"] = "Typed, not lost."
    response = save_draft(staff_client, trip, data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "Typed, not lost." in response.content.decode()
    assert not Draft.objects.exists()


@pytest.fixture
def ada():
    """A second editor, in a browser of her own."""
    user = User.objects.create_superuser("ada", "ada@example.org", "x", first_name="Ada")
    client = Client()
    client.force_login(user)
    return client


def test_a_draft_saved_by_someone_else_after_the_page_was_opened_is_not_overwritten(
    staff_client, ada, trip
):
    mine = open_form(staff_client, trip)
    draft_the_trip(ada, trip)
    mine["summary"] = "My own summary."

    refused = save_draft(staff_client, trip, mine)

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Ada saved a draft of this delegation at" in page
    assert "My own summary." in page
    assert Draft.objects.get().data["post"]["summary"] == ["A draft summary."]
    # Having seen why, saving again replaces it, deliberately.
    assert save_draft(staff_client, trip, form_data(refused)).status_code == 302
    assert Draft.objects.get().data["post"]["summary"] == ["My own summary."]


def test_the_form_warns_of_someone_elses_draft(staff_client, ada, trip):
    draft_the_trip(ada, trip)
    page = staff_client.get(change_url(trip)).content.decode()
    assert "saved by Ada" in page
    assert "changes you save as a draft replace theirs" in page


def test_editing_the_live_version_and_publishing_an_out_of_date_draft(staff_client, trip):
    draft_the_trip(staff_client, trip)
    live = open_form(staff_client, trip, "?edit=live")
    assert live["summary"] == "A week in Lisbon's schools."
    live["title"] = "Lisbon, changed live"
    saved = staff_client.post(change_url(trip, "?edit=live"), live, follow=True)
    assert "was made from the version before this save" in saved.content.decode()

    refused = staff_client.post(draft_url(trip, "publish"), follow=True)

    assert "The draft was not published" in refused.content.decode()
    assert "publishing the draft would undo that change" in refused.content.decode()
    trip.refresh_from_db()
    assert trip.title == "Lisbon, changed live"
    assert trip.summary == "A week in Lisbon's schools."
    assert Draft.objects.exists()

    # Opened again, the draft says what changed; saved again, it can be published.
    again = staff_client.get(change_url(trip))
    assert "after you opened it" in again.content.decode()
    data = form_data(again)
    data["title"] = "Lisbon, changed live"
    assert save_draft(staff_client, trip, data).status_code == 302
    assert staff_client.post(draft_url(trip, "publish")).status_code == 302
    trip.refresh_from_db()
    assert (trip.title, trip.summary) == ("Lisbon, changed live", "A draft summary.")


def test_saving_from_the_drafts_form_makes_it_live(staff_client, trip):
    draft_the_trip(staff_client, trip)
    data = open_form(staff_client, trip)
    data["_from_draft"] = "1"
    assert staff_client.post(change_url(trip), data).status_code == 302
    assert Delegation.objects.get(pk=trip.pk).summary == "A draft summary."
    assert not Draft.objects.exists()


def test_the_list_filters_records_with_a_pending_draft(staff_client, trip):
    url = admin_url(Delegation, "changelist")
    assert "Has a pending draft" in staff_client.get(url).content.decode()
    assert staff_client.get(url + "?draft=pending").context["cl"].result_count == 0
    draft_the_trip(staff_client, trip)
    assert staff_client.get(url + "?draft=pending").context["cl"].result_count == 1
    assert staff_client.get(url + "?draft=none").context["cl"].result_count == 0


# --- Share links -----------------------------------------------------------------------


def test_an_unpublished_record_can_be_shared_as_it_would_look(staff_client, trip):
    Delegation.objects.filter(pk=trip.pk).update(is_published=False)
    visitor = Client()
    assert visitor.get(trip.get_absolute_url()).status_code == 404
    link, shared = share(staff_client, trip)
    seen = visitor.get(shared)
    assert seen.status_code == 200
    assert "A week in Lisbon" in seen.content.decode()
    assert "Preview of a page that is not published" in seen.content.decode()
    assert not Delegation.objects.get(pk=trip.pk).is_published
    # The link is listed on the form, with its expiry.
    form = staff_client.get(change_url(trip)).content.decode()
    assert shared in form


def test_a_published_record_without_a_draft_has_nothing_to_share(staff_client, trip):
    staff_client.post(draft_url(trip, "share"), {"days": 7})
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize("days", ["0", "91", "soon"])
def test_a_share_link_lasts_one_to_ninety_days(staff_client, trip, days):
    draft_the_trip(staff_client, trip)
    response = staff_client.post(draft_url(trip, "share"), {"days": days}, follow=True)
    assert response.status_code == 200
    assert "A share link lasts from 1 to 90 days." in response.content.decode()
    assert not ShareLink.objects.exists()


def test_revoked_expired_and_forged_share_links_show_nothing(staff_client, trip):
    draft_the_trip(staff_client, trip)
    link, shared = share(staff_client, trip)
    visitor = Client()
    assert visitor.get(shared).status_code == 200

    staff_client.post(draft_url(trip, "revoke"), {"link": link.pk})
    gone = visitor.get(shared)
    assert gone.status_code == 410
    assert "withdrawn" in gone.content.decode()
    assert "A draft summary." not in gone.content.decode()
    assert "no-store" in gone["Cache-Control"]

    link, shared = share(staff_client, trip)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    assert visitor.get(shared).status_code == 410
    assert "expired" in visitor.get(shared).content.decode()

    forged = shared.replace(re.search(r"preview/([^/]+)/", shared)[1][-6:], "abcdef")
    for url in (forged, "/preview/1/", "/preview/%00/", reverse("shared-preview", args=["x:y:z"])):
        response = visitor.get(url)
        assert response.status_code == 404, url
        assert "not valid" in response.content.decode()


def test_revoking_needs_a_link_of_this_record(staff_client, trip):
    assert staff_client.post(draft_url(trip, "revoke"), {"link": "x"}).status_code == 404
    assert staff_client.post(draft_url(trip, "revoke"), {"link": "99"}).status_code == 404


def test_the_preview_of_a_published_record_without_a_draft_is_its_public_page(staff_client, trip):
    response = staff_client.get(preview_url(trip))
    assert response.status_code == 302
    assert response["Location"] == trip.get_absolute_url()


def test_the_staff_preview_needs_a_login(trip):
    response = Client().get(preview_url(trip))
    assert response.status_code == 302
    assert "login" in response["Location"]


# --- Other kinds of content --------------------------------------------------------------


@pytest.mark.usefixtures("seeded")
def test_section_copy_can_be_drafted_previewed_and_published(staff_client):
    section = Section.objects.get(key="delegations")
    data = open_form(staff_client, section)
    data["heading"] = "Delegations, drafted"
    assert save_draft(staff_client, section, data).status_code == 302
    visitor = Client()
    assert "Delegations, drafted" not in visitor.get(section.get_absolute_url()).content.decode()
    assert "Delegations, drafted" in staff_client.get(preview_url(section)).content.decode()
    assert staff_client.post(draft_url(section, "publish")).status_code == 302
    assert "Delegations, drafted" in visitor.get(section.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "make",
    [
        lambda: ReportFactory(title="The report as published"),
        lambda: DispatchFactory(title="The post as published"),
        lambda: SymposiumFactory(title="The edition as published"),
    ],
    ids=["report", "dispatch", "symposium"],
)
def test_reports_dispatches_and_editions_can_be_drafted_previewed_and_published(staff_client, make):
    record = make()
    data = open_form(staff_client, record)
    data["title"] = "Its drafted title"
    response = save_draft(staff_client, record, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    visitor = Client()
    assert "Its drafted title" not in visitor.get(record.get_absolute_url()).content.decode()
    assert "Its drafted title" in staff_client.get(preview_url(record)).content.decode()
    assert staff_client.post(draft_url(record, "publish")).status_code == 302
    assert "Its drafted title" in visitor.get(record.get_absolute_url()).content.decode()


def test_a_record_not_live_yet_is_previewed_and_shared_as_it_will_be(staff_client, trip):
    Delegation.objects.filter(pk=trip.pk).update(
        go_live_at=timezone.now() + datetime.timedelta(days=2)
    )
    trip.refresh_from_db()
    visitor = Client()
    assert visitor.get(trip.get_absolute_url()).status_code == 404
    page = staff_client.get(preview_url(trip))
    assert page.status_code == 200 and "Our group in Lisbon" in page.content.decode()
    _, shared = share(staff_client, trip)
    assert "Our group in Lisbon" in visitor.get(shared).content.decode()
    trip.refresh_from_db()
    assert trip.go_live_at is not None, "the preview changed nothing"


def test_a_scheduled_draft_is_published_even_if_something_else_was_saved_at_its_time(
    staff_client, trip
):
    draft_the_trip(staff_client, trip)
    Draft.objects.update(go_live_at=timezone.now() - datetime.timedelta(seconds=1))
    # Saved after the draft's time, before any page was asked for.
    SymposiumFactory()
    assert "A draft summary." in Client().get(trip.get_absolute_url()).content.decode()
    assert not Draft.objects.exists()


# --- Scheduled drafts ----------------------------------------------------------------------

NEW_YORK = ZoneInfo("America/New_York")  # the site's time zone (settings.TIME_ZONE)
SCHEDULING_DAY = datetime.date(2027, 1, 15)  # `on` it, it is noon in New York


@pytest.fixture
def scheduling_day():
    """Noon on SCHEDULING_DAY, from before the editor signs in (a session opened at the
    real time would have expired by then)."""
    with on(SCHEDULING_DAY):
        yield


def schedule(client, obj, value):
    return client.post(draft_url(obj, "schedule"), {"go_live_at": value}, follow=True)


def at(*moment):
    return datetime.datetime(*moment, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2027-01-15T11:59", "Choose a time in the future."),
        ("", "The time is required."),
        ("Tuesday at nine", "Enter a valid date/time."),
        ("2027-02-30T09:00", "Enter a valid date/time."),
        # Clocks go from 02:00 to 03:00 that night in New York.
        (
            "2027-03-14T02:30",
            "2027-03-14 02:30:00 couldn’t be interpreted in time zone America/New_York",
        ),
    ],
    ids=["past", "empty", "words", "no-such-day", "no-such-hour"],
)
def test_a_draft_is_not_scheduled_for_a_past_missing_or_impossible_time(
    scheduling_day, staff_client, trip, value, reason
):
    draft_the_trip(staff_client, trip)

    response = schedule(staff_client, trip, value)

    assert response.redirect_chain == [(change_url(trip), 302)]
    assert f"The draft was not scheduled: {reason}" in response.content.decode()
    draft = Draft.objects.get()
    assert draft.go_live_at is None
    assert draft.data["post"]["summary"] == ["A draft summary."]


def test_a_scheduled_draft_is_listed_until_it_is_unscheduled_and_then_waits(
    scheduling_day, staff_client, trip
):
    draft_the_trip(staff_client, trip)
    trips = admin_url(Delegation, "changelist")

    scheduled = schedule(staff_client, trip, "2027-01-16T09:00").content.decode()
    index = staff_client.get(reverse("admin:index")).content.decode()
    listed = staff_client.get(trips + "?draft=scheduled").context["cl"].result_list

    assert "It will be published by itself at Jan. 16, 2027, 09:00 (America/New_York)." in (
        scheduled
    )
    assert 'value="2027-01-16T09:00"' in scheduled
    assert Draft.objects.get().go_live_at == at(2027, 1, 16, 9)
    assert "1 trip with a draft to be published in the next 7 days" in index
    assert f"The draft of the trip “{trip}” is published" in index
    assert list(listed) == [trip]

    unscheduled = staff_client.post(draft_url(trip, "unschedule"), follow=True)
    index = staff_client.get(reverse("admin:index")).content.decode()
    listed = staff_client.get(trips + "?draft=scheduled").context["cl"].result_list

    page = unscheduled.content.decode()
    assert "The draft is no longer scheduled: publish it by hand." in page
    assert "It will be published by itself" not in page
    assert "in the next 7 days" not in index and "Scheduled next" not in index
    assert list(listed) == []

    # The time it was set for passes, and it is still a draft.
    with time_machine.travel(at(2027, 1, 16, 9, 1), tick=False):
        assert "A draft summary." not in Client().get(trip.get_absolute_url()).content.decode()
    assert Draft.objects.get().data["post"]["summary"] == ["A draft summary."]
    assert Delegation.objects.get(pk=trip.pk).summary == "A week in Lisbon's schools."


def test_a_scheduled_draft_that_would_undo_a_later_save_waits_unscheduled_saying_why(
    scheduling_day, staff_client, trip
):
    draft_the_trip(staff_client, trip)
    versions_before = Version.objects.get_for_object(trip).count()
    schedule(staff_client, trip, "2027-01-15T13:00")
    live = open_form(staff_client, trip, "?edit=live")
    live["title"] = "Lisbon, changed live"
    assert staff_client.post(change_url(trip, "?edit=live"), live).status_code == 302

    with time_machine.travel(at(2027, 1, 15, 13, 0, 30), tick=False):
        page = Client().get(trip.get_absolute_url()).content.decode()
        form = staff_client.get(change_url(trip)).content.decode()
        index = staff_client.get(reverse("admin:index")).content.decode()
        trips = admin_url(Delegation, "changelist")
        failed = staff_client.get(trips + "?draft=failed").context["cl"].result_list
        scheduled = staff_client.get(trips + "?draft=scheduled").context["cl"].result_list

    # Nothing was published: the public page is the live version, saved by hand.
    assert "Lisbon, changed live" in page and "A draft summary." not in page
    trip.refresh_from_db()
    assert (trip.title, trip.summary) == ("Lisbon, changed live", "A week in Lisbon's schools.")
    assert Version.objects.get_for_object(trip).count() == versions_before + 1  # that save
    # The draft waits, unscheduled, and says why.
    draft = Draft.objects.get()
    assert draft.go_live_at is None
    assert draft.data["post"]["summary"] == ["A draft summary."]
    assert draft.publish_error.startswith("the record was saved after the draft was made")
    assert "It was not published at the time it was scheduled for: the record was saved" in form
    assert "1 trip whose scheduled draft could not be published" in index
    assert (list(failed), list(scheduled)) == ([trip], [])

    # Scheduled again, it no longer says it failed.
    with time_machine.travel(at(2027, 1, 16, 12), tick=False):
        form = schedule(staff_client, trip, "2027-01-17T09:00").content.decode()
    assert "It was not published at the time" not in form
    assert Draft.objects.get().publish_error == ""


def test_the_to_do_line_for_the_coming_week_links_to_just_those_drafts(
    scheduling_day, staff_client, trip
):
    draft_the_trip(staff_client, trip)
    schedule(staff_client, trip, "2027-02-20T09:00")  # weeks away
    trips = admin_url(Delegation, "changelist")
    assert list(staff_client.get(trips + "?draft=scheduled").context["cl"].result_list) == [trip]
    assert list(staff_client.get(trips + "?draft=week").context["cl"].result_list) == []
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert "in the next 7 days" not in index
    schedule(staff_client, trip, "2027-01-20T09:00")
    assert list(staff_client.get(trips + "?draft=week").context["cl"].result_list) == [trip]
