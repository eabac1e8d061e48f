import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from core.dates import DatePrecision
from symposium.models import Symposium
from symposium.tests.factories import ResourceFactory, SymposiumFactory, SymposiumPartnerFactory
from tests.helpers import on


def text(response):
    return response.content.decode()


@pytest.mark.django_db
class TestModel:
    def test_one_symposium_per_year(self):
        SymposiumFactory(year=2014)
        with pytest.raises(
            IntegrityError, match=r"symposium_one_per_year|symposium_symposium\.year"
        ):
            SymposiumFactory(year=2014)

    def test_a_second_edition_for_a_year_gets_a_plain_message(self):
        SymposiumFactory(year=2014)
        with pytest.raises(ValidationError, match="There is already a symposium for this year."):
            SymposiumFactory.build(year=2014).full_clean()

    def test_dates_must_fall_in_the_editions_year(self):
        edition = SymposiumFactory.build(
            year=2014, date_precision=DatePrecision.DAY, start_date=datetime.date(2015, 3, 1)
        )
        with pytest.raises(ValidationError, match="The dates must fall in 2014"):
            edition.full_clean()

    def test_a_resource_needs_a_file_or_a_link(self):
        with pytest.raises(IntegrityError, match="resource_has_file_or_link"):
            ResourceFactory(url="")

    def test_the_current_edition_is_the_next_to_come(self):
        for year in (2013, 2014, 2030):
            SymposiumFactory(year=year)
        with on(datetime.date(2026, 11, 29)):
            assert Symposium.objects.current().year == 2030
        with on(datetime.date(2012, 6, 1)):
            assert Symposium.objects.current().year == 2013
        assert Symposium.objects.none().current() is None

    def test_this_years_edition_is_current_while_its_days_are_unknown(self):
        for year in (2014, 2030):
            SymposiumFactory(year=year)
        SymposiumFactory(year=2026, date_precision=DatePrecision.UNKNOWN)
        with on(datetime.date(2026, 11, 29)):
            assert Symposium.objects.current().year == 2026
            assert [s.year for s in Symposium.objects.upcoming()] == [2026, 2030]

    def test_without_one_to_come_the_current_edition_is_the_latest_held(self):
        SymposiumFactory(year=2014)
        SymposiumFactory(
            year=2026, date_precision=DatePrecision.DAY, start_date=datetime.date(2026, 4, 1)
        )
        with on(datetime.date(2026, 11, 29)):
            assert Symposium.objects.current().year == 2026
            assert [s.year for s in Symposium.objects.past()] == [2026, 2014]
            assert not Symposium.objects.upcoming().exists()


@pytest.mark.django_db
class TestPages:
    def test_index_lists_every_published_edition_newest_first(self, client):
        for year in (2012, 2014, 2013):
            SymposiumFactory(year=year, theme=f"Theme of {year}")
        SymposiumFactory(year=2015, theme="Unpublished theme", is_published=False)
        page = text(client.get(reverse("symposium:symposium-list")))
        positions = [page.index(f"Theme of {year}") for year in (2014, 2013, 2012)]
        assert positions == sorted(positions)
        assert "Unpublished theme" not in page

    def test_edition_page_shows_theme_partners_place_and_resources(self, client):
        edition = SymposiumFactory(year=2014, theme="Connected Learning")
        SymposiumPartnerFactory(symposium=edition, organisation__name="UNESCO")
        ResourceFactory(symposium=edition, title="Opening keynote slides")
        page = text(client.get(edition.get_absolute_url()))
        for fragment in [
            "Connected Learning",
            "UNESCO",
            "CoSN’s Annual Conference",
            "Opening keynote slides",
            '<time datetime="2014">2014</time>',
        ]:
            assert fragment in page

    def test_drafts_are_404_for_the_public_and_previewable_by_staff(self, client, admin_user):
        draft = SymposiumFactory(is_published=False)
        assert client.get(draft.get_absolute_url()).status_code == 404
        client.force_login(admin_user)
        response = client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex"

    def test_unknown_year_is_a_404(self, client):
        assert client.get("/symposium/1999/").status_code == 404
        assert client.get("/symposium/not-a-year/").status_code == 404

    def test_index_query_count_does_not_grow_with_editions(
        self, client, django_assert_max_num_queries
    ):
        for edition in SymposiumFactory.create_batch(20):
            SymposiumPartnerFactory.create_batch(2, symposium=edition)
        # Content version, section, editions, their partners with their organisations; and
        # the editors' wording, loaded by the first page rendered after an edit.
        with django_assert_max_num_queries(5):
            client.get(reverse("symposium:symposium-list"))


@pytest.mark.usefixtures("seeded")
def test_seeded_edition_is_the_cosn_unesco_symposium(client):
    page = text(client.get("/symposium/2014/"))
    assert "2014 CoSN/UNESCO International Symposium" in page
    assert "“Connected Learning: Implications for Schooling from Informal Learning”" in page
    assert "explored the connections between formal learning in school systems" in page


@pytest.mark.django_db
class TestAnEditionToAttend:
    @pytest.fixture
    def edition(self):
        from core.tests.factories import PersonFactory
        from symposium.models import Session

        edition = SymposiumFactory(
            year=2027,
            theme="AI in every classroom",
            date_precision=DatePrecision.DAY,
            start_date=datetime.date(2027, 4, 12),
            start_time=datetime.time(9, 0),
            end_time=datetime.time(17, 30),
            time_zone="America/Chicago",
            venue_name="Hilton Chicago",
            venue_city="Chicago",
            venue_address="720 S Michigan Ave",
            registration_url="https://example.org/register",
        )
        keynote = Session.objects.create(
            symposium=edition,
            title="Opening keynote",
            start=datetime.time(9, 0),
            end=datetime.time(10, 0),
            room="Grand Ballroom",
        )
        keynote.speakers.add(PersonFactory(name="Ada Speaker"))
        keynote.moderators.add(PersonFactory(name="Mo Derator"))
        return edition

    def page(self, client, edition, day):
        with on(day):
            return client.get(edition.get_absolute_url()).content.decode()

    def test_while_upcoming_it_leads_with_how_to_attend(self, client, edition):
        page = self.page(client, edition, datetime.date(2027, 1, 10))
        assert page.index("How to attend") < page.index("Programme")
        assert 'href="https://example.org/register"' in page
        assert "Hilton Chicago, Chicago" in page and "720 S Michigan Ave" in page
        assert '<time datetime="2027-04-12T09:00:00-05:00">9:00 AM</time>' in page
        assert "(Chicago time)" in page
        assert "Ada Speaker" in page and "Moderated by" in page and "Grand Ballroom" in page

    def test_afterwards_it_leads_with_its_theme_and_programme(self, client, edition):
        page = self.page(client, edition, datetime.date(2027, 6, 1))
        assert "How to attend" not in page and "Register" not in page
        assert page.index("Programme") < page.index("When and where")

    def test_its_calendar_file_has_the_real_times_in_the_venues_zone(self, client, edition):
        from icalendar import Calendar

        with on(datetime.date(2027, 1, 10)):
            ics = client.get(reverse("symposium:symposium-calendar", args=[2027])).content
        event = next(iter(Calendar.from_ical(ics).walk("VEVENT")))
        assert str(event.decoded("DTSTART")) == "2027-04-12 09:00:00-05:00"
        assert event["DTSTART"].params["TZID"] == "America/Chicago"
        assert event.decoded("DTEND").hour == 17
        assert b"BEGIN:VTIMEZONE" in ics

    def test_its_json_ld_has_the_programme_as_sub_events(self, client, edition):
        import json
        import re

        page = self.page(client, edition, datetime.date(2027, 1, 10))
        data = json.loads(re.search(r'ld\+json">(.*?)</script>', page).group(1))
        assert data["startDate"] == "2027-04-12T09:00:00-05:00"
        assert data["location"]["address"]["addressLocality"] == "Chicago"
        assert data["subEvent"][0]["name"] == "Opening keynote"
        assert data["subEvent"][0]["performer"] == [{"@type": "Person", "name": "Ada Speaker"}]


@pytest.mark.django_db
def test_an_edition_is_public_from_its_go_live_time_until_it_comes_down(client):
    noon = timezone.make_aware(datetime.datetime(2026, 12, 7, 12, 0))
    edition = SymposiumFactory(
        year=2027, go_live_at=noon, expires_at=noon + datetime.timedelta(days=400)
    )
    for moment, public in [
        (noon - datetime.timedelta(seconds=1), False),
        (noon, True),
        (noon + datetime.timedelta(days=400), False),
    ]:
        with time_machine.travel(moment, tick=False):
            assert Symposium.objects.published().filter(pk=edition.pk).exists() is public
            status = client.get(edition.get_absolute_url()).status_code
            assert status == (200 if public else 404), moment
