import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

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
        # Content version, section, editions, their partners with their organisations.
        with django_assert_max_num_queries(4):
            client.get(reverse("symposium:symposium-list"))


@pytest.mark.usefixtures("seeded")
def test_seeded_edition_is_the_cosn_unesco_symposium(client):
    page = text(client.get("/symposium/2014/"))
    assert "2014 CoSN/UNESCO International Symposium" in page
    assert "“Connected Learning: Implications for Schooling from Informal Learning”" in page
    assert "explored the connections between formal learning in school systems" in page
