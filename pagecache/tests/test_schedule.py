"""The page cache around a scheduled change: no cached page, ETag or 304 shows a record
before its go-live time or after its expiry time, with the cache in local memory or in
Redis (with each process's own copy in front of it).

The clock is frozen (time_machine): pages are warmed at noon on a day ahead of the real
clock, and looked at again a millisecond before the moment, at the moment itself and a
millisecond after it. Every page is compared by the record's own address, which each of
them shows when it shows the record (a link, a canonical URL, an .ics URL, a sitemap
entry).
"""

import datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.utils import timezone

from core.dates import DatePrecision
from core.models import Draft
from delegations.models import Delegation, Dispatch, Report
from delegations.tests.factories import DelegationFactory, DispatchFactory, ReportFactory
from pagecache import schedule, version
from symposium.models import Symposium
from symposium.tests.factories import SymposiumFactory
from tests.helpers import on

from .test_caching import get, hit_queries

pytestmark = pytest.mark.usefixtures("seeded")

MILLISECOND = datetime.timedelta(milliseconds=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(params=["local memory", "redis"])
def cache_kind(request):
    if request.param == "redis":
        request.getfixturevalue("shared_cache")
    return request.param


def day_ahead():
    """A day after the real clock's: the version last moved on before its noon."""
    return timezone.localdate() + datetime.timedelta(days=2)


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def at(moment):
    return time_machine.travel(moment, tick=False)


def search(text):
    return "/search/?" + urlencode({"q": text})


def new_dispatch(**schedule_fields):
    trip = Delegation.objects.get(slug="portugal-2013")
    return DispatchFactory(
        delegation=trip,
        title="Quokka diary",
        slug="quokka-diary",
        published_on=timezone.localdate(),
        **schedule_fields,
    )


def dispatch_pages(dispatch):
    """Every public page that shows a dispatch, and the pages that exist only while it
    is public."""
    shown_on = [
        dispatch.delegation.get_absolute_url(),
        "/journal/",
        "/journal/feed/",
        "/feeds/latest/",
        "/sitemap.xml",
        search(dispatch.title),
    ]
    return shown_on, [dispatch.get_absolute_url()]


def new_trip(**schedule_fields):
    start = timezone.localdate() + datetime.timedelta(days=60)
    return DelegationFactory(
        title="Zanzibar",
        slug="zanzibar",
        start_date=start,
        end_date=start + datetime.timedelta(days=4),
        destinations=["Tanzania"],
        **schedule_fields,
    )


def trip_pages(trip):
    shown_on = [
        "/",
        "/delegations/",
        "/feeds/latest/",
        "/sitemap.xml",
        "/calendar.ics",
        search(trip.title),
    ]
    return shown_on, [trip.get_absolute_url(), f"{trip.get_absolute_url()}calendar.ics"]


def new_edition(**schedule_fields):
    start = timezone.localdate() + datetime.timedelta(days=90)
    return SymposiumFactory(
        year=start.year,
        theme="Learning with quokkas",
        date_precision=DatePrecision.DAY,
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        **schedule_fields,
    )


def edition_pages(edition):
    shown_on = ["/", "/symposium/", "/sitemap.xml", "/calendar.ics", search(edition.theme)]
    return shown_on, [edition.get_absolute_url(), f"{edition.get_absolute_url()}calendar.ics"]


SCENARIOS = {
    "dispatch": (new_dispatch, dispatch_pages),
    "trip": (new_trip, trip_pages),
    "symposium edition": (new_edition, edition_pages),
}


def shows(response, record):
    return response.status_code == 200 and record.get_absolute_url() in response.content.decode()


def cacheable(response):
    """A page with a form carries a visitor's own CSRF token, so it is never cached (an
    upcoming trip's page, with its inquiry form)."""
    return response.status_code == 200 and b"csrfmiddlewaretoken" not in response.content


def warm(client, urls):
    """Each page twice, the second time from the cache; the first answers, by URL."""
    answers = {}
    for url in urls:
        first = get(client, url)
        second = get(client, url)
        if cacheable(first):
            assert second.queries == hit_queries(), f"{url} was not served from the cache"
            assert second.content == first.content and second["ETag"] == first["ETag"]
        answers[url] = first
    return answers


def assert_served_from_the_cache(client, url, before, record):
    """Just before the moment: the page warmed earlier, as a cache hit that costs no more
    than any other, and 304 for its ETag."""
    if not cacheable(before):
        assert shows(get(client, url), record) is shows(before, record), url
        return
    again = get(client, url)
    assert again.queries == hit_queries(), f"{url} was not served from the cache"
    assert again.content == before.content and again["ETag"] == before["ETag"]
    revalidated = get(client, url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert revalidated.status_code == 304 and revalidated.queries == hit_queries()


def revalidations(response):
    """The conditional requests a browser or CDN holding `response` may send (none for a
    page sent without validators)."""
    return [
        {f"HTTP_{header.upper().replace('-', '_')}": response[validator]}
        for header, validator in (("If-None-Match", "ETag"), ("If-Modified-Since", "Last-Modified"))
        if validator in response
    ]


def assert_turned_over(client, url, before, record, now_shown):
    """After the moment: a new ETag, and neither the old ETag nor the old Last-Modified
    gets a 304; every answer shows the record if and only if `now_shown`."""
    fresh = get(client, url)
    assert shows(fresh, record) is now_shown, url
    assert fresh["ETag"] != before["ETag"], url
    for conditional in revalidations(before):
        answer = get(client, url, **conditional)
        assert answer.status_code != 304, f"{url} answered 304 to {conditional}"
        assert shows(answer, record) is now_shown, url
    hit = get(client, url)
    assert hit.queries == hit_queries(), f"{url} was not cached again after the moment"
    assert hit.content == fresh.content


@pytest.mark.parametrize("late", [0, 1], ids=["at the moment", "a millisecond after"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_record_appears_on_every_page_at_its_go_live_time(client, cache_kind, scenario, late):
    make, pages = SCENARIOS[scenario]
    day = day_ahead()
    go_live = noon(day) + HOUR
    with on(day):
        record = make(go_live_at=go_live)
        shown_on, only_while_public = pages(record)
        warmed = warm(client, shown_on + only_while_public)
    for url in shown_on:
        assert warmed[url].status_code == 200, url
        assert not shows(warmed[url], record), f"{url} shows it before its go-live time"
    with at(go_live - MILLISECOND):
        for url in shown_on:
            assert_served_from_the_cache(client, url, warmed[url], record)
        for url in only_while_public:
            assert get(client, url).status_code == 404, url
    with at(go_live + late * MILLISECOND):
        for url in only_while_public:
            assert shows(get(client, url), record), f"{url} is missing from its go-live time"
        for url in shown_on:
            assert_turned_over(client, url, warmed[url], record, now_shown=True)


@pytest.mark.parametrize("late", [0, 1], ids=["at the moment", "a millisecond after"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_record_leaves_every_page_at_its_expiry_time(client, cache_kind, scenario, late):
    make, pages = SCENARIOS[scenario]
    day = day_ahead()
    expiry = noon(day) + HOUR
    with on(day):
        record = make(expires_at=expiry)
        shown_on, only_while_public = pages(record)
        warmed = warm(client, shown_on + only_while_public)
    for url, answer in warmed.items():
        assert shows(answer, record), f"{url} does not show it before its expiry time"
    with at(expiry - MILLISECOND):
        for url in shown_on + only_while_public:
            assert_served_from_the_cache(client, url, warmed[url], record)
    with at(expiry + late * MILLISECOND):
        for url in only_while_public:
            assert get(client, url).status_code == 404, f"{url} is still there after expiry"
            for conditional in revalidations(warmed[url]):
                assert get(client, url, **conditional).status_code == 404, url
        for url in shown_on:
            assert_turned_over(client, url, warmed[url], record, now_shown=False)


class TestState:
    """version.state(): the version, and the first scheduled moment after it moved on."""

    def test_nothing_scheduled_means_no_change_ahead(self):
        assert version.state().next_change_at == version.NO_CHANGE_AHEAD

    @pytest.mark.parametrize("field", ["go_live_at", "expires_at"])
    @pytest.mark.parametrize(
        "make",
        [
            lambda **moment: DelegationFactory(**moment),
            lambda **moment: ReportFactory(**moment),
            lambda **moment: DispatchFactory(**moment),
            lambda **moment: SymposiumFactory(**moment),
        ],
        ids=["trip", "report", "dispatch", "symposium edition"],
    )
    def test_every_scheduled_model_takes_part(self, make, field):
        day = day_ahead()
        with on(day):
            make(**{field: noon(day) + HOUR})
            assert version.state().next_change_at == noon(day) + HOUR

    def test_the_scheduled_models(self):
        assert set(schedule.scheduled_models()) == {Delegation, Report, Dispatch, Symposium, Draft}

    def test_a_draft_due_stays_due_whatever_was_saved_since(self):
        trip = DelegationFactory()
        day = day_ahead()
        with on(day):
            draft = Draft.objects.create(record=trip, go_live_at=noon(day) - HOUR)
            SymposiumFactory()  # saved after the draft's time
            version.state()
        # Its time was reached and it was dealt with: without an author to publish it as,
        # it is kept, unscheduled, with the reason.
        draft.refresh_from_db()
        assert draft.go_live_at is None and "no longer has an account" in draft.publish_error

    def test_the_earliest_moment_after_the_last_change_across_models(self):
        day = day_ahead()
        with on(day):
            now = noon(day)
            # Already past when the version last moved on: it changes nothing ahead.
            ReportFactory(go_live_at=now - HOUR)
            SymposiumFactory(go_live_at=now + 5 * HOUR)
            DelegationFactory(expires_at=now + 4 * HOUR)
            DispatchFactory(go_live_at=now + 3 * HOUR, expires_at=now + 6 * HOUR)
            ReportFactory(expires_at=now + 2 * HOUR)
            found = version.state()
        assert found.changed_at == now
        assert found.next_change_at == now + 2 * HOUR

    def test_the_version_moves_on_once_at_the_moment(self):
        day = day_ahead()
        with on(day):
            ReportFactory(expires_at=noon(day) + HOUR)
            DispatchFactory(go_live_at=noon(day) + 3 * HOUR)
            before = version.state()
        with at(noon(day) + HOUR - MILLISECOND):
            assert version.state() == before
        with at(noon(day) + HOUR):
            first = version.state()
            second = version.state()
        assert first.version > before.version
        assert second == first
        assert first.changed_at == noon(day) + HOUR
        assert first.next_change_at == noon(day) + 3 * HOUR

    def test_two_readers_of_the_old_version_move_it_on_once(self):
        """As two processes that both read the version just after the moment: the second
        finds it moved on already, and the scheduled change is announced once."""
        day = day_ahead()
        with on(day):
            ReportFactory(expires_at=noon(day) + HOUR)
            before = version.state()
        reached = []

        def count(due, **kwargs):
            reached.append(due)

        schedule.schedule_reached.connect(count)
        try:
            with at(noon(day) + HOUR):
                version.reach(before)
                version.reach(before)
                after = version.state()
        finally:
            schedule.schedule_reached.disconnect(count)
        assert reached == [noon(day) + HOUR]
        moved_once = max(before.version + 1, version.milliseconds(noon(day) + HOUR))
        assert after.version == moved_once
        assert version.state().version == after.version


class TestScheduledDrafts:
    """A draft is not content, but giving it a time moves the version on: the copies of
    the version (Redis's, each process's) know the next scheduled change, and must learn
    of this one."""

    def test_a_draft_given_a_time_moves_the_version_on(self):
        trip = DelegationFactory()
        before = version.read()
        draft = Draft.objects.create(record=trip)
        assert version.read() == before, "a draft without a time changes no page"
        draft.go_live_at = timezone.now() + HOUR
        draft.save()
        after = version.state()
        assert after.version > before
        assert after.next_change_at == draft.go_live_at

    def test_redis_learns_the_drafts_time_with_the_version(self, shared_cache):
        trip = DelegationFactory()
        moment = timezone.now() + HOUR
        Draft.objects.create(record=trip, go_live_at=moment)
        assert shared_cache.get(version.VERSION_KEY) == version.read()
        assert shared_cache.get(version.NEXT_CHANGE_KEY) == version.milliseconds(moment)
