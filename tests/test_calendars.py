import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from icalendar import Calendar

from core.dates import DatePrecision
from delegations.tests.factories import DelegationFactory
from symposium.tests.factories import SymposiumFactory
from tests.helpers import on

D = datetime.date
UTC = datetime.UTC
TODAY = D(2027, 1, 15)

pytestmark = pytest.mark.django_db


def at(moment):
    return time_machine.travel(moment, tick=False)


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def only_event(response):
    [event] = parse(response).events
    return event


def trip_ics(client, trip):
    return client.get(reverse("delegations:delegation-calendar", args=[trip.slug]))


def symposium_ics(client, symposium):
    return client.get(reverse("symposium:symposium-calendar", args=[symposium.year]))


class TestDelegationFile:
    def test_a_trip_is_an_all_day_event_whose_end_is_the_day_after_it_ends(self, client):
        trip = DelegationFactory(
            title="Finland and Estonia",
            slug="finland-estonia",
            start_date=D(2027, 3, 10),
            end_date=D(2027, 3, 14),
            destinations=["Finland", "Estonia"],
        )
        event = only_event(trip_ics(client, trip))
        assert event["DTSTART"].params["VALUE"] == "DATE"
        assert event["DTEND"].params["VALUE"] == "DATE"
        assert event.decoded("DTSTART") == D(2027, 3, 10)
        assert event.decoded("DTEND") == D(2027, 3, 15)
        assert event["SUMMARY"] == "CoSN International Delegation: Finland and Estonia"
        assert event["LOCATION"] == "Finland; Estonia"
        assert event["URL"] == "http://testserver/delegations/finland-estonia/"
        assert event["UID"] == f"delegation-{trip.pk}@testserver"
        assert "http://testserver/delegations/finland-estonia/" in event["DESCRIPTION"]

    def test_a_one_day_trip_ends_the_next_day(self, client):
        trip = DelegationFactory(start_date=D(2027, 3, 10), end_date=D(2027, 3, 10))
        event = only_event(trip_ics(client, trip))
        assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(days=1)

    def test_is_a_download_with_a_file_name(self, client):
        trip = DelegationFactory(slug="finland-2027")
        response = trip_ics(client, trip)
        assert (
            response["Content-Disposition"]
            == 'attachment; filename="cosn-delegation-finland-2027.ics"'
        )

    def test_an_edit_keeps_the_uid_and_raises_sequence_and_last_modified(self, client):
        created = datetime.datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
        edited = datetime.datetime(2026, 6, 2, 14, 0, 5, tzinfo=UTC)
        with at(created):
            trip = DelegationFactory(title="Finland")
            before = only_event(trip_ics(client, trip))
        with at(edited):
            trip.title = "Finland and Estonia"
            trip.start_date = D(2013, 10, 8)
            trip.save()
            after = only_event(trip_ics(client, trip))
        assert after["UID"] == before["UID"]
        assert after["SUMMARY"] == "CoSN International Delegation: Finland and Estonia"
        assert after.decoded("DTSTART") == D(2013, 10, 8)
        assert after["SEQUENCE"] > before["SEQUENCE"]
        assert before.decoded("LAST-MODIFIED") == created
        assert after.decoded("LAST-MODIFIED") == edited
        assert after.decoded("DTSTAMP") == edited

    def test_the_file_stays_the_same_until_the_trip_changes(self, client):
        with at(datetime.datetime(2026, 5, 1, 9, 30, tzinfo=UTC)):
            trip = DelegationFactory()
            first = trip_ics(client, trip).content
        cache.clear()
        with at(datetime.datetime(2026, 7, 1, 9, 30, tzinfo=UTC)):
            second = trip_ics(client, trip).content
        assert second == first
        assert b"SEQUENCE:" in first and b"DTSTAMP:20260501T093000Z" in first

    @pytest.mark.parametrize(
        ("precision", "start"),
        [(DatePrecision.MONTH, D(2027, 10, 12)), (DatePrecision.YEAR, D(2004, 1, 1))],
    )
    def test_a_trip_known_only_by_its_month_or_year_has_no_file(self, client, precision, start):
        # A month-long or year-long event would be a span nobody announced.
        trip = DelegationFactory(date_precision=precision, start_date=start)
        assert trip_ics(client, trip).status_code == 404

    def test_a_trip_with_unknown_dates_has_no_file(self, client):
        trip = DelegationFactory(undated=True)
        assert trip_ics(client, trip).status_code == 404

    def test_a_draft_has_no_file_even_for_staff(self, client, staff_client):
        trip = DelegationFactory(is_published=False)
        assert trip_ics(client, trip).status_code == 404
        assert trip_ics(staff_client, trip).status_code == 404


class TestSymposiumFile:
    def test_an_edition_with_dates_is_an_all_day_event(self, client):
        symposium = SymposiumFactory(
            year=2027,
            title="CoSN/UNESCO International Symposium",
            date_precision=DatePrecision.DAY,
            start_date=D(2027, 4, 12),
            end_date=D(2027, 4, 12),
        )
        response = symposium_ics(client, symposium)
        event = only_event(response)
        assert event["DTSTART"].params["VALUE"] == "DATE"
        assert event.decoded("DTSTART") == D(2027, 4, 12)
        assert event.decoded("DTEND") == D(2027, 4, 13)
        assert event["SUMMARY"] == "2027 CoSN/UNESCO International Symposium"
        assert event["UID"] == "symposium-2027@testserver"
        assert event["LOCATION"] == symposium.location
        assert event["URL"] == "http://testserver/symposium/2027/"
        assert event["SEQUENCE"] >= 0 and "LAST-MODIFIED" in event
        assert symposium.theme in event["DESCRIPTION"]
        assert "<p>" not in event["DESCRIPTION"]
        assert response["Content-Disposition"] == 'attachment; filename="cosn-symposium-2027.ics"'

    def test_an_edition_with_unknown_dates_has_no_file(self, client):
        symposium = SymposiumFactory(year=2027)  # dates not known yet by default
        assert symposium_ics(client, symposium).status_code == 404

    def test_a_draft_edition_has_no_file(self, client):
        symposium = SymposiumFactory(
            year=2027, is_published=False, date_precision=DatePrecision.MONTH,
            start_date=D(2027, 4, 1),
        )  # fmt: skip
        assert symposium_ics(client, symposium).status_code == 404


class TestSubscriptionFeed:
    def uids(self, client):
        with on(TODAY):
            calendar = parse(client.get(reverse("calendar")))
        return calendar, [str(event["UID"]) for event in calendar.events]

    def test_lists_upcoming_published_trips_and_symposia_with_known_dates(self, client):
        later = DelegationFactory(start_date=D(2027, 5, 1))
        soon = DelegationFactory(start_date=D(2027, 2, 1))
        under_way = DelegationFactory(start_date=D(2027, 1, 12))
        DelegationFactory(start_date=D(2026, 10, 1))  # past
        DelegationFactory(start_date=D(2027, 3, 1), is_published=False)
        DelegationFactory(undated=True)
        day = DatePrecision.DAY
        SymposiumFactory(year=2027, date_precision=day, start_date=D(2027, 1, 20))
        SymposiumFactory(year=2028, date_precision=DatePrecision.YEAR, start_date=D(2028, 1, 1))
        SymposiumFactory(year=2026, date_precision=day, start_date=D(2026, 4, 1))  # last year
        SymposiumFactory(year=2025, date_precision=DatePrecision.YEAR, start_date=D(2025, 1, 1))
        SymposiumFactory(year=2029)  # dates unknown
        SymposiumFactory(
            year=2030, date_precision=day, start_date=D(2030, 4, 1), is_published=False
        )

        calendar, uids = self.uids(client)
        assert uids == [
            f"delegation-{under_way.pk}@testserver",
            "symposium-2027@testserver",
            f"delegation-{soon.pk}@testserver",
            f"delegation-{later.pk}@testserver",
        ]  # not 2028's, known only by its year
        assert calendar["X-WR-CALNAME"] == "CoSN Global Leadership"
        assert calendar.decoded("REFRESH-INTERVAL") == datetime.timedelta(hours=12)

    def test_is_served_for_subscription_not_as_a_download(self, client):
        response = client.get(reverse("calendar"))
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert "Content-Disposition" not in response
        # Microsoft's older name for REFRESH-INTERVAL, still read by Outlook.
        assert b"X-PUBLISHED-TTL:PT12H" in response.content

    def test_events_are_all_day_with_an_exclusive_end(self, client):
        DelegationFactory(start_date=D(2027, 2, 1), end_date=D(2027, 2, 6))
        calendar, _ = self.uids(client)
        [event] = calendar.events
        assert event["DTSTART"].to_ical() == b"20270201"
        assert event["DTEND"].params["VALUE"] == "DATE"
        assert event.decoded("DTEND") == D(2027, 2, 7)
        assert "DTSTAMP" in event and "SEQUENCE" in event


@pytest.mark.parametrize("name", ["calendar", "delegation", "symposium"])
def test_calendar_files_answer_304_when_unchanged(client, name):
    trip = DelegationFactory(start_date=D(2027, 2, 1))
    symposium = SymposiumFactory(
        year=2027, date_precision=DatePrecision.DAY, start_date=D(2027, 4, 12)
    )
    url = {
        "calendar": reverse("calendar"),
        "delegation": reverse("delegations:delegation-calendar", args=[trip.slug]),
        "symposium": reverse("symposium:symposium-calendar", args=[symposium.year]),
    }[name]
    with on(TODAY):
        first = client.get(url)
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert first.status_code == 200 and first["Last-Modified"]
    assert again.status_code == 304


class TestAddToCalendarLinks:
    def test_an_upcoming_trip_page_offers_its_calendar_file_when_its_days_are_known(self, client):
        trip = DelegationFactory(slug="finland-2027", start_date=D(2027, 2, 1))
        with on(TODAY):
            page = client.get(trip.get_absolute_url()).content.decode()
        assert 'href="/delegations/finland-2027/calendar.ics"' in page
        assert "Add to calendar" in page and "(.ics)" in page

    @pytest.mark.parametrize(
        ("precision", "start"),
        [
            (DatePrecision.DAY, D(2013, 10, 7)),  # past
            (DatePrecision.MONTH, D(2027, 10, 1)),  # upcoming, days not known
            (DatePrecision.YEAR, D(2004, 1, 1)),
        ],
    )
    def test_no_calendar_file_is_offered_where_it_would_not_help(self, client, precision, start):
        trip = DelegationFactory(date_precision=precision, start_date=start)
        with on(TODAY):
            page = client.get(trip.get_absolute_url()).content.decode()
        assert "Add to calendar" not in page

    def test_an_upcoming_trip_page_offers_the_subscription(self, client):
        trip = DelegationFactory(start_date=D(2027, 2, 1))
        with on(TODAY):
            page = client.get(trip.get_absolute_url()).content.decode()
        assert 'href="webcal://testserver/calendar.ics"' in page

    def test_a_trip_page_without_dates_offers_no_calendar_file(self, client):
        trip = DelegationFactory(undated=True)
        page = client.get(trip.get_absolute_url()).content.decode()
        assert "calendar.ics" not in page
        assert "Add to calendar" not in page

    def test_a_symposium_page_offers_its_calendar_file_only_with_days_ahead(self, client):
        dated = SymposiumFactory(
            year=2027, date_precision=DatePrecision.DAY, start_date=D(2027, 4, 12)
        )
        undated = SymposiumFactory(year=2028)
        held = SymposiumFactory(
            year=2026, date_precision=DatePrecision.DAY, start_date=D(2026, 4, 12)
        )
        with on(TODAY):
            pages = {
                edition.year: client.get(edition.get_absolute_url()).content.decode()
                for edition in (dated, undated, held)
            }
        assert 'href="/symposium/2027/calendar.ics"' in pages[2027]
        assert "Add to calendar" not in pages[2028]
        assert "Add to calendar" not in pages[2026]
