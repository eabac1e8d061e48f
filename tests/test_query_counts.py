"""Every public page makes a fixed number of queries, however much content there is."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.factories import PersonFactory, SectionFactory
from delegations.models import Delegation
from delegations.tests.factories import (
    DelegationFactory,
    DispatchFactory,
    PhotoFactory,
    ReportFactory,
    TestimonialFactory,
    VisitFactory,
)
from delegations.views import DelegationListView
from symposium.models import Session, Symposium
from symposium.tests.factories import SymposiumFactory
from tests.helpers import count_queries

D = datetime.date
TODAY = D(2026, 11, 29)
NEW_YEAR_2015 = D(2015, 1, 1)


def text(response):
    return response.content.decode()


def build_catalogue(trips):
    """Published trips with everything a page lists: places, reports, photos, dispatches."""
    for n in range(trips):
        # Every fifth trip is still to come, so that pages list upcoming trips too.
        year = 2000 + n % 20 if n % 5 else 2090 + n % 10
        trip = DelegationFactory(start_date=D(year, 5, 1), destinations=["A", "B"])
        ReportFactory.create_batch(2, delegation=trip)
        PhotoFactory.create_batch(3, delegation=trip)
        DispatchFactory(delegation=trip)
        trip.contacts.add(PersonFactory())
        trip.delegates.add(*PersonFactory.create_batch(2, listed=True))
        TestimonialFactory(delegation=trip, on_landing=True)
        for day in range(2):
            VisitFactory.create_batch(2, day__delegation=trip, day__day_number=day + 1)
    edition = SymposiumFactory()
    for n in range(3):
        session = Session.objects.create(symposium=edition, title=f"Session {n}")
        session.speakers.add(*PersonFactory.create_batch(2))
        session.moderators.add(PersonFactory())


# The most queries each public page may make, however much content there is.
QUERY_LIMITS = {
    "landing": 10,
    # The cards of upcoming and past trips share their places' and reports' queries.
    "delegation list": 9,
    "delegation list, page 2": 8,
    # Its places, partners, contacts, topics, photos, reports, posts, days with their
    # visits, delegates and testimonials.
    "delegation detail": 13,
    # The report with its trip, and the trip's first photo for link previews.
    "report detail": 3,
    "symposium list": 4,
    # The version, the edition, its partners, resources, and sessions with their speakers
    # and moderators.
    "symposium detail": 7,
    # Trips, then a page of posts and episodes with their trips and authors.
    "journal": 4,
    # The person, then each list of what they took part in.
    "person": 8,
}


def page_urls():
    first = Delegation.objects.order_by("pk").first()
    urls = {
        "landing": "/",
        "delegation list": reverse("delegations:delegation-list"),
        "delegation detail": first.get_absolute_url(),
        "report detail": first.reports.first().get_absolute_url(),
        "symposium list": reverse("symposium:symposium-list"),
        "symposium detail": Symposium.objects.order_by("pk").first().get_absolute_url(),
        "journal": reverse("delegations:journal"),
        "person": first.delegates.order_by("pk").first().get_absolute_url(),
    }
    if Delegation.objects.count() > DelegationListView.past_per_page:
        urls["delegation list, page 2"] = reverse("delegations:delegation-list") + "?page=2"
    return urls


@pytest.mark.django_db
def test_query_count_does_not_grow_with_content(client, django_assert_max_num_queries):
    SectionFactory()
    build_catalogue(10)
    # The first page rendered after an edit also loads the editors' wording: one query,
    # once per process and edit (test_wording_is_loaded_once_per_edit). Not counted here.
    count_queries(client, "/")
    few = {name: count_queries(client, url) for name, url in page_urls().items()}
    build_catalogue(190)
    first = Delegation.objects.order_by("pk").first()
    PhotoFactory.create_batch(20, delegation=first)
    ReportFactory.create_batch(10, delegation=first)
    count_queries(client, "/")
    many = {}
    for name, url in page_urls().items():
        with django_assert_max_num_queries(QUERY_LIMITS[name]):
            many[name] = count_queries(client, url)
    assert Delegation.objects.count() == 200
    # Ten trips fit on one page, so later pages are compared with each other.
    assert count_queries(client, "/delegations/?page=6") == many.pop("delegation list, page 2")
    assert many == few


@pytest.mark.django_db
def test_listings_do_not_load_the_long_texts_that_cards_leave_out(client):
    build_catalogue(6)
    # The landing page shows the next trip's registration details; the archive does not.
    for url, left_out in (
        ("/", ["delegation.body", "report.summary"]),
        (
            reverse("delegations:delegation-list"),
            ["delegation.body", "delegation.registration", "report.summary"],
        ),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        sql = " ".join(query["sql"] for query in queries)
        assert '"delegations_delegation"."title"' in sql
        assert '"delegations_report"."title"' in sql
        for column in left_out:
            table, name = column.split(".")
            assert f'"delegations_{table}"."{name}"' not in sql
