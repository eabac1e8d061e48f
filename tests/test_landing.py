"""The Global Leadership landing page: the next trips, the latest past ones, the symposium."""

import datetime

import pytest

from core.models import Section
from core.tests.factories import PersonFactory
from delegations.tests.factories import (
    DelegationFactory,
)
from tests.helpers import on

D = datetime.date
TODAY = D(2026, 11, 29)
NEW_YEAR_2015 = D(2015, 1, 1)


def text(response):
    return response.content.decode()


@pytest.mark.usefixtures("seeded")
class TestLanding:
    def test_shows_the_section_copy_and_the_current_symposium(self, client):
        with on(TODAY):
            page = text(client.get("/"))
        assert "CoSN is committed to a global dialogue" in page
        assert "International delegations are key parts of CoSN’s efforts" in page
        assert "For over a decade, CoSN has been convening" in page
        assert "Connected Learning: Implications for Schooling from Informal Learning" in page
        assert 'href="/symposium/2014/"' in page
        assert 'href="/symposium/"' in page

    def test_with_no_upcoming_trip_says_whom_to_contact_once_editors_name_someone(self, client):
        with on(TODAY):
            page = text(client.get("/"))
        assert "No delegation is open for registration right now." in page
        assert "Join Us:" not in page
        # The seed names no one for the section as a whole.
        assert "ispero@cosn.org" not in page
        section = Section.objects.get(key="delegations")
        section.contact = PersonFactory(name="Ana Desk", email="desk@cosn.example")
        section.save()
        with on(TODAY):
            assert 'href="mailto:desk@cosn.example"' in text(client.get("/"))

    def test_lists_past_trips_with_their_reports(self, client):
        with on(TODAY):
            page = text(client.get("/"))
        for title in ["Singapore", "Portugal", "London and Paris", "Australia"]:
            assert f">{title}</a>" in page
        assert "<cite>Reinventing Learning in Portugal</cite>: An Ecosystem Approach" in page
        assert '<cite lang="es">Abriendo Puertas Con ICT</cite>' in page

    def test_announces_singapore_before_it_happens(self, client):
        with on(NEW_YEAR_2015):
            page = text(client.get("/"))
        assert (
            "Join Us: CoSN is leading an International Delegation to Singapore from "
            '<time datetime="2015-01-09">January 9-17, 2015</time>.'
        ) in page
        assert "Please contact Irene Spero" in page
        assert "No delegation is open for registration" not in page
        # Said once: the label above the trip does not say it again.
        assert page.lower().count("join us") == 1
        assert "Next delegation" in page
        assert "Our delegates will receive an outstanding professional development" in page

    def test_a_trip_under_way_is_announced_as_such_not_as_one_to_join(self, client):
        with on(D(2015, 1, 12)):
            page = text(client.get("/"))
        assert "Under way now" in page
        assert "CoSN's International Delegation to Singapore is under way" in page
        assert "Join Us" not in page

    def test_past_delegations_are_named_as_the_archive_names_them(self, client):
        with on(TODAY):
            landing = text(client.get("/"))
            archive = text(client.get("/delegations/"))
        assert ">Past Delegations</h3>" in landing and ">Past Delegations</h2>" in archive
        # The main navigation names the page by its heading.
        nav = landing.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
        assert ">Global Leadership</a>" in nav and "Overview" not in nav


@pytest.mark.django_db
def test_sections_missing_from_the_database_fall_back_to_their_names(client):
    page = text(client.get("/"))
    assert "<h1>Global Leadership</h1>" in page
    assert Section.objects.count() == 0


@pytest.mark.django_db
def test_the_landing_page_shows_the_next_trip_and_a_few_more(client):
    with on(D(2026, 1, 1)):
        for month in range(2, 9):
            DelegationFactory(title=f"Trip in month {month}", start_date=D(2026, month, 1))
        page = text(client.get("/"))
    assert "Join Us:" in page and "Trip in month 2" in page
    assert "Trip in month 5" in page and "Trip in month 6" not in page
    assert "All upcoming delegations" in page
