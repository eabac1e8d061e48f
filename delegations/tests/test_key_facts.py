"""A trip's key facts (cost, who it is for, apply-by day, places) and its registration
status: on its page, on the cards that list it, and in its JSON-LD."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from delegations.models import Application, Delegation
from delegations.tests.factories import ApplicationFactory, DelegationFactory
from tests.helpers import count_queries, on

D = datetime.date
TODAY = D(2026, 3, 2)
APPLY_BY = D(2026, 3, 20)
START, END = D(2026, 4, 13), D(2026, 4, 17)
Registration = Delegation.Registration
Status = Application.Status


def text(response):
    return response.content.decode()


def words(response):
    return " ".join(text(response).split())


def facts_panel(page):
    """The "Key facts" panel of a trip's page, or None."""
    found = re.search(r'<section class="panel facts".*?</section>', page, re.S)
    return " ".join(found.group(0).split()) if found else None


def event_jsonld(page):
    """The trip's schema.org Event from the page's JSON-LD blocks."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    events = [data for data in map(json.loads, blocks) if data.get("@type") == "Event"]
    assert len(events) == 1, blocks
    return events[0]


@pytest.fixture(autouse=True)
def today():
    with on(TODAY):
        yield TODAY


@pytest.fixture
def trip(db):
    return DelegationFactory(
        title="Helsinki",
        slug="helsinki-2026",
        start_date=START,
        end_date=END,
        destinations=["Finland"],
        cost=Decimal("3950"),
        currency="USD",
        cost_includes="Hotels, visits and most meals; not the flights.",
        audience="Superintendents, CTOs and other senior district leaders.",
        apply_by=APPLY_BY,
        capacity=2,
    )


def status_on(trip, day):
    """The trip's registration status on `day`, read afresh from the database."""
    with on(day):
        return Delegation.objects.get(pk=trip.pk).registration_status


def accept(trip, count):
    return ApplicationFactory.create_batch(count, delegation=trip, status=Status.ACCEPTED)


# --- Registration status ---------------------------------------------------------------


class TestRegistrationStatus:
    def test_a_trip_with_places_left_before_its_apply_by_day_is_open(self, trip):
        accept(trip, 1)
        assert status_on(trip, TODAY) == Registration.OPEN
        assert status_on(trip, APPLY_BY) == Registration.OPEN  # the last day still counts

    def test_a_trip_without_a_limit_or_apply_by_day_is_open_until_it_starts(self, trip):
        trip.capacity = trip.apply_by = None
        trip.save()
        accept(trip, 30)
        assert status_on(trip, START - datetime.timedelta(days=1)) == Registration.OPEN

    def test_when_accepted_applications_fill_every_place_only_the_waitlist_is_open(self, trip):
        accept(trip, 2)
        fresh = Delegation.objects.get(pk=trip.pk)
        assert (fresh.places_taken, fresh.places_left) == (2, 0)
        assert fresh.registration_status == Registration.WAITLIST
        assert fresh.takes_applications

    def test_only_accepted_applications_take_places(self, trip):
        accept(trip, 1)
        for status in (Status.RECEIVED, Status.WAITLISTED, Status.DECLINED, Status.WITHDRAWN):
            ApplicationFactory(delegation=trip, status=status)
        fresh = Delegation.objects.get(pk=trip.pk)
        assert (fresh.places_taken, fresh.places_left) == (1, 1)
        assert fresh.registration_status == Registration.OPEN

    def test_the_annotated_places_taken_match_the_counted_ones(self, trip):
        accept(trip, 2)
        ApplicationFactory(delegation=trip, status=Status.WAITLISTED)
        other = DelegationFactory(start_date=START, capacity=5)
        annotated = {t.pk: t for t in Delegation.objects.with_places_taken()}
        assert annotated[trip.pk].places_taken == 2
        assert annotated[other.pk].places_taken == 0
        assert annotated[trip.pk].registration_status == Registration.WAITLIST

    def test_after_the_apply_by_day_applications_are_closed(self, trip):
        assert status_on(trip, APPLY_BY + datetime.timedelta(days=1)) == Registration.CLOSED
        with on(APPLY_BY + datetime.timedelta(days=1)):
            assert not Delegation.objects.get(pk=trip.pk).takes_applications

    def test_a_trip_that_has_started_is_under_way_from_its_first_to_its_last_day(self, trip):
        for day in (START, D(2026, 4, 15), END):
            assert status_on(trip, day) == Registration.UNDER_WAY

    def test_a_trip_that_has_ended_is_past(self, trip):
        assert status_on(trip, END + datetime.timedelta(days=1)) == Registration.PAST

    def test_a_trip_with_unknown_dates_is_past_and_takes_no_applications(self, db):
        undated = DelegationFactory(undated=True, capacity=5)
        assert undated.registration_status == Registration.PAST
        assert not undated.takes_applications

    def test_a_draft_takes_no_applications_even_when_open(self, trip):
        trip.is_published = False
        trip.save()
        fresh = Delegation.objects.get(pk=trip.pk)
        assert fresh.registration_status == Registration.OPEN
        assert not fresh.takes_applications

    def test_has_key_facts_is_false_only_without_any_fact(self, db):
        bare = DelegationFactory(start_date=START)
        assert not bare.has_key_facts
        for fact in (
            {"cost": Decimal("0")},
            {"cost_on_request": True},
            {"cost_includes": "Meals"},
            {"audience": "Principals"},
            {"apply_by": APPLY_BY},
            {"capacity": 0},
        ):
            assert DelegationFactory.build(start_date=START, **fact).has_key_facts, fact

    def test_cost_display_drops_zero_cents_and_keeps_others(self):
        assert DelegationFactory.build(cost=Decimal("3950")).cost_display == "USD 3,950"
        assert (
            DelegationFactory.build(cost=Decimal("3950.5"), currency="EUR").cost_display
            == "EUR 3,950.50"
        )
        assert DelegationFactory.build(cost=None).cost_display is None


class TestCostConstraint:
    def test_a_cost_and_on_request_together_are_refused_by_the_database(self, trip):
        trip.cost_on_request = True
        with pytest.raises(IntegrityError), transaction.atomic():
            trip.save()

    def test_a_cost_and_on_request_together_are_refused_with_a_message(self, trip):
        trip.cost_on_request = True
        with pytest.raises(ValidationError) as error:
            trip.full_clean()
        assert "Give the cost or tick “on request”, not both." in str(error.value)

    def test_on_request_without_an_amount_is_allowed(self, trip):
        trip.cost, trip.cost_on_request = None, True
        trip.full_clean()
        trip.save()


# --- On the trip's page ----------------------------------------------------------------


class TestFactsPanel:
    def test_the_panel_shows_the_cost_includes_audience_apply_by_and_places_left(
        self, client, trip
    ):
        accept(trip, 1)
        panel = facts_panel(text(client.get(trip.get_absolute_url())))
        assert panel is not None
        assert "Key facts" in panel
        assert "<dt>Cost</dt><dd>USD 3,950<br>" in panel
        assert "Includes: Hotels, visits and most meals; not the flights." in panel
        assert (
            "<dt>Who it is for</dt><dd>Superintendents, CTOs and other senior district "
            "leaders.</dd>" in panel
        )
        assert '<dt>Apply by</dt><dd><time datetime="2026-03-20">March 20, 2026</time>' in panel
        assert "<dt>Places</dt><dd>2 in all; 1 left</dd>" in panel
        assert "<strong>Open for applications</strong>" in panel
        assert "1 place left" in panel

    def test_a_cost_on_request_says_so(self, client, trip):
        trip.cost, trip.cost_on_request = None, True
        trip.save()
        panel = facts_panel(text(client.get(trip.get_absolute_url())))
        assert "<dt>Cost</dt><dd>On request<br>" in panel
        assert "USD" not in panel

    def test_what_the_cost_includes_is_shown_without_an_amount(self, client, trip):
        trip.cost = None
        trip.save()
        panel = facts_panel(text(client.get(trip.get_absolute_url())))
        assert "<dt>The cost includes</dt><dd>Hotels, visits and most meals" in panel

    def test_a_full_trip_says_new_applications_join_the_waitlist(self, client, trip):
        accept(trip, 2)
        page = text(client.get(trip.get_absolute_url()))
        panel = facts_panel(page)
        assert "<strong>Waitlist only: every place is taken</strong>" in panel
        assert "2 in all; none left: new applications join the waitlist" in panel
        assert 'id="apply"' in page and "Join the waitlist" in page

    def test_after_the_apply_by_day_the_panel_says_closed_and_the_form_is_gone(self, client, trip):
        with on(APPLY_BY + datetime.timedelta(days=1)):
            page = text(client.get(trip.get_absolute_url()))
        assert "<strong>Applications closed</strong>" in facts_panel(page)
        assert 'id="apply"' not in page

    def test_a_trip_under_way_shows_it_and_takes_no_applications(self, client, trip):
        with on(D(2026, 4, 15)):
            page = text(client.get(trip.get_absolute_url()))
        assert "<strong>Under way</strong>" in facts_panel(page)
        assert 'id="apply"' not in page

    def test_a_past_trip_has_no_facts_panel_and_no_form(self, client, trip):
        with on(END + datetime.timedelta(days=1)):
            response = client.get(trip.get_absolute_url())
        assert response.status_code == 200
        assert facts_panel(text(response)) is None
        assert 'id="apply"' not in text(response)

    def test_an_upcoming_trip_without_facts_shows_no_facts_panel(self, client, db):
        bare = DelegationFactory(slug="bare", start_date=START, end_date=END)
        assert not bare.has_key_facts
        response = client.get(bare.get_absolute_url())
        assert response.status_code == 200
        assert 'id="apply"' in text(response)  # it still takes applications
        assert facts_panel(text(response)) is None


# --- On the cards ----------------------------------------------------------------------


class TestCardLine:
    def test_an_upcoming_card_on_the_delegations_page_shows_the_registration_line(
        self, client, trip
    ):
        accept(trip, 1)
        page = words(client.get(reverse("delegations:delegation-list")))
        assert (
            '<p class="registration registration--open"> <strong>Open for applications'
            '</strong>: apply by <time datetime="2026-03-20">March 20, 2026</time>, '
            "1 place left </p>"
        ) in page

    def test_a_full_trip_card_says_waitlist_only(self, client, trip):
        accept(trip, 2)
        page = words(client.get(reverse("delegations:delegation-list")))
        assert "registration--waitlist" in page
        assert "<strong>Waitlist only: every place is taken</strong>" in page
        assert "places left" not in page and "place left" not in page

    def test_a_past_card_has_no_registration_line(self, client, trip):
        with on(END + datetime.timedelta(days=1)):
            page = text(client.get(reverse("delegations:delegation-list")))
        assert "Helsinki" in page
        assert 'class="registration' not in page


# --- JSON-LD ---------------------------------------------------------------------------


class TestOffers:
    def test_an_open_trip_is_offered_in_stock_with_its_price_and_apply_by_day(self, client, trip):
        event = event_jsonld(text(client.get(trip.get_absolute_url())))
        assert event["offers"] == {
            "@type": "Offer",
            "url": "http://testserver/delegations/helsinki-2026/#apply",
            "availability": "https://schema.org/InStock",
            "price": "3950.00",
            "priceCurrency": "USD",
            "validThrough": "2026-03-20",
        }

    def test_a_full_trip_is_sold_out(self, client, trip):
        accept(trip, 2)
        event = event_jsonld(text(client.get(trip.get_absolute_url())))
        assert event["offers"]["availability"] == "https://schema.org/SoldOut"

    def test_a_closed_trip_is_out_of_stock(self, client, trip):
        with on(APPLY_BY + datetime.timedelta(days=1)):
            event = event_jsonld(text(client.get(trip.get_absolute_url())))
        assert event["offers"]["availability"] == "https://schema.org/OutOfStock"

    def test_a_trip_on_request_has_no_price(self, client, trip):
        trip.cost, trip.cost_on_request = None, True
        trip.save()
        offer = event_jsonld(text(client.get(trip.get_absolute_url())))["offers"]
        assert "price" not in offer and "priceCurrency" not in offer
        assert offer["availability"] == "https://schema.org/InStock"

    def test_a_trip_under_way_is_never_offered_as_available(self, client, trip):
        with on(D(2026, 4, 15)):
            event = event_jsonld(text(client.get(trip.get_absolute_url())))
        assert event.get("offers", {}).get("availability") not in (
            "https://schema.org/InStock",
            "https://schema.org/SoldOut",
        )

    def test_a_past_trip_has_no_offer(self, client, trip):
        with on(END + datetime.timedelta(days=1)):
            event = event_jsonld(text(client.get(trip.get_absolute_url())))
        assert "offers" not in event


# --- Query counts ----------------------------------------------------------------------


def upcoming_trip_with_applications(n):
    trip = DelegationFactory(
        slug=f"upcoming-{n}",
        start_date=START + datetime.timedelta(days=n),
        apply_by=APPLY_BY,
        capacity=3,
    )
    ApplicationFactory.create_batch(2, delegation=trip, status=Status.ACCEPTED)
    ApplicationFactory(delegation=trip, status=Status.WAITLISTED)
    ApplicationFactory(delegation=trip, status=Status.RECEIVED)
    return trip


def rendered_queries(client, url):
    """The queries of rendering `url` afresh (never an answer from the page cache)."""
    cache.clear()
    return count_queries(client, url)


@pytest.mark.parametrize("url", ["/", "/delegations/"])
def test_the_query_count_of_listings_does_not_grow_with_upcoming_trips_and_applications(
    client, db, django_assert_max_num_queries, url
):
    upcoming_trip_with_applications(0)
    DelegationFactory(slug="past-trip")  # 2013: a past card too
    one_trip = rendered_queries(client, url)

    for n in range(1, 6):
        upcoming_trip_with_applications(n)
    cache.clear()
    with django_assert_max_num_queries(one_trip):
        page = text(client.get(url))
    # The cards were rendered (not served from the cache) with their registration line.
    assert page.count("1 place left") >= (3 if url == "/" else 6)
