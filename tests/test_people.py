"""People: one record each, a page listing what they took part in, and nothing shown of
anyone whom nothing public names."""

import pytest
from django.urls import reverse

from core.tests.factories import OrganisationFactory, PersonFactory
from delegations.tests.factories import (
    DelegationFactory,
    DispatchFactory,
    TestimonialFactory,
)
from symposium.models import Session
from symposium.tests.factories import SymposiumFactory

pytestmark = pytest.mark.django_db


def page(client, person):
    response = client.get(reverse("person", args=[person.slug]))
    return response.status_code, response.content.decode()


def test_a_persons_page_lists_everything_they_took_part_in(client):
    ada = PersonFactory(
        name="Ada Lovelace",
        title="CTO",
        organisation=OrganisationFactory(name="Lakeside Schools"),
        listed=True,
        bio="Leads technology for 40 schools.",
    )
    trip = DelegationFactory(title="Finland")
    trip.contacts.add(ada)
    trip.delegates.add(ada)
    DispatchFactory(delegation=trip, title="Day one in Helsinki", author=ada)
    TestimonialFactory(delegation=trip, person=ada, quote="Eye-opening.")
    edition = SymposiumFactory(year=2016, title="International Symposium")
    Session.objects.create(symposium=edition, title="Opening panel").speakers.add(ada)

    status, html = page(client, ada)

    assert status == 200
    assert "<h1>Ada Lovelace</h1>" in html
    assert "CTO, Lakeside Schools" in html and "Leads technology for 40 schools." in html
    for shown in (
        "Contact for",
        "Delegations",
        "Day one in Helsinki",
        "Opening panel",
        "Eye-opening.",
    ):
        assert shown in html
    assert html.count(trip.get_absolute_url()) >= 3


def test_nobody_unnamed_by_public_content_has_a_page(client):
    quiet = PersonFactory()
    unlisted = PersonFactory(listed=False)
    DelegationFactory().delegates.add(unlisted)
    draft_contact = PersonFactory()
    DelegationFactory(is_published=False).contacts.add(draft_contact)
    for person in (quiet, unlisted, draft_contact):
        assert page(client, person)[0] == 404


def test_a_trip_names_only_the_delegates_who_agreed(client):
    trip = DelegationFactory()
    trip.delegates.add(PersonFactory(name="Willing Delegate", listed=True))
    trip.delegates.add(PersonFactory(name="Private Delegate", listed=False))
    html = client.get(trip.get_absolute_url()).content.decode()
    assert "Willing Delegate" in html and "Private Delegate" not in html


def test_dispatch_authors_link_to_their_page(client):
    dispatch = DispatchFactory(author=PersonFactory(name="Ana Autora"))
    html = client.get(dispatch.get_absolute_url()).content.decode()
    assert f'<a href="{dispatch.author.get_absolute_url()}">Ana Autora</a>' in html
