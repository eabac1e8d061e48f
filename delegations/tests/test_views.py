import datetime
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.tests.factories import OrganisationFactory, PersonFactory, SectionFactory
from delegations.models import Delegation
from delegations.tests.factories import (
    DelegationFactory,
    DelegationPartnerFactory,
    DispatchFactory,
    ItineraryDayFactory,
    ReportFactory,
    TopicFactory,
    VisitFactory,
)
from tests.helpers import count_queries, on

D = datetime.date
TODAY = D(2026, 11, 29)
NEW_YEAR_2015 = D(2015, 1, 1)


def text(response):
    return response.content.decode()


@pytest.mark.usefixtures("seeded")
class TestDelegationList:
    def test_groups_past_trips_by_year_newest_first(self, client):
        with on(TODAY):
            page = text(client.get(reverse("delegations:delegation-list")))
        years = ["2015", "2013", "2011", "2009", "2007", "2004", "Year not recorded"]
        positions = [page.index(f'<h3 class="year-heading">{year}</h3>') for year in years]
        assert positions == sorted(positions)
        assert page.index("South America (Argentina &amp; Uruguay)") > positions[-1]

    def test_upcoming_trips_are_listed_before_they_happen(self, client):
        with on(NEW_YEAR_2015):
            page = text(client.get(reverse("delegations:delegation-list")))
        upcoming, past = page.split('id="past-heading"')
        assert "Singapore" in upcoming
        assert "Singapore" not in past


@pytest.mark.usefixtures("seeded")
class TestDelegationDetail:
    def test_upcoming_trip_shows_contact_and_registration(self, client):
        with on(NEW_YEAR_2015):
            page = text(client.get("/delegations/singapore-2015/"))
        assert "Upcoming delegation" in page
        assert '<time datetime="2015-01-09">January 9-17, 2015</time>' in page
        assert "Apply or ask" in page
        assert "to see an agenda, or to register for the trip." in page
        assert 'href="mailto:ispero@cosn.org"' in page

    def test_past_trip_keeps_its_contact_but_drops_registration(self, client):
        with on(TODAY):
            page = text(client.get("/delegations/singapore-2015/"))
        assert "Past delegation" in page
        assert "Apply or ask" not in page
        assert "Irene Spero" in page

    def test_a_photo_without_a_picture_is_its_caption_and_promises_nothing(self, client):
        page = text(client.get("/delegations/portugal-2013/"))
        assert "Our group in Portugal, October 2013" in page
        assert "(the picture is not online)" in page
        assert "Photo to come" not in page and "placeholder" not in page
        assert "<img" not in page

    def test_report_without_a_file_shows_its_title_and_no_download_link(self, client):
        page = text(client.get("/delegations/portugal-2013/"))
        assert "Reinventing Learning in Portugal" in page
        assert "Not available online." in page
        assert "Download the report" not in page
        assert 'href=""' not in page

    def test_shows_every_part_of_a_trip(self, client):
        trip = DelegationFactory(title="Finland", destinations=["Finland"])
        trip.topics.add(TopicFactory(name="Teacher training"))
        trip.contacts.add(PersonFactory(name="Ada Contact", phone="+1 202 555 0199"))
        DelegationPartnerFactory(delegation=trip, organisation__name="Nordic Partner")
        DispatchFactory(delegation=trip, title="Notes from Helsinki")
        page = text(client.get(trip.get_absolute_url()))
        for fragment in [
            "Teacher training",
            "Ada Contact",
            'href="tel:+12025550199"',
            "Nordic Partner",
            "Notes from Helsinki",
        ]:
            assert fragment in page

    def test_unknown_slug_is_a_404(self, client):
        assert client.get("/delegations/atlantis/").status_code == 404


@pytest.mark.django_db
def test_report_download_link_states_format_and_size(client):
    report = ReportFactory(external_url="", not_online=True)
    report.file.save("takeaways.pdf", ContentFile(b"%PDF-1.4" + b"0" * 2040))
    page = text(client.get(report.get_absolute_url()))
    assert f'href="{report.file.url}"' in page
    assert "(PDF, 2.0\xa0KB)" in page


@pytest.mark.django_db
def test_past_trips_and_reports_do_not_present_the_sections_contact_as_theirs(client):
    SectionFactory(key="delegations", contact=PersonFactory(name="Ana Archivist"))
    offline = ReportFactory(external_url="", not_online=True)
    assert "Ana Archivist" not in text(client.get(offline.get_absolute_url()))
    assert "Ana Archivist" not in text(client.get(offline.delegation.get_absolute_url()))


@pytest.mark.django_db
def test_trip_page_query_count_does_not_grow_with_contacts_and_partners(client):
    def trip_with(people):
        trip = DelegationFactory(start_date=D(2015, 5, 1))
        for _ in range(people):
            trip.contacts.add(PersonFactory(organisation=OrganisationFactory()))
            DelegationPartnerFactory(delegation=trip)
        return count_queries(client, trip.get_absolute_url())

    assert trip_with(1) == trip_with(6)


@pytest.mark.usefixtures("seeded")
def test_bilingual_report_marks_its_spanish_title(client):
    page = text(client.get("/delegations/argentina-uruguay/reports/opening-doors-with-ict/"))
    assert '<span lang="es">Abriendo Puertas Con ICT</span>' in page
    assert "English and Spanish" in page
    assert "This report is not available online." in page
    # The seed names Irene Spero as Singapore's contact, not this trip's or its report's.
    assert "Irene Spero" not in page


@pytest.mark.django_db
def test_report_url_must_match_its_delegation(client):
    report = ReportFactory()
    other = DelegationFactory()
    url = reverse(
        "delegations:report-detail", kwargs={"delegation_slug": other.slug, "slug": report.slug}
    )
    assert client.get(url).status_code == 404


@pytest.mark.django_db
class TestDrafts:
    @pytest.fixture
    def draft(self):
        return DelegationFactory(title="Secret Trip", is_published=False)

    def test_are_hidden_from_the_public(self, client, draft):
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert "Secret Trip" not in text(client.get("/"))
        assert "Secret Trip" not in text(client.get(reverse("delegations:delegation-list")))

    def test_reports_of_a_draft_trip_are_hidden_too(self, client, draft):
        report = ReportFactory(delegation=draft)
        assert client.get(report.get_absolute_url()).status_code == 404

    def test_a_draft_report_is_hidden_on_a_published_trip(self, client):
        report = ReportFactory(title="Draft Report", is_published=False)
        assert client.get(report.get_absolute_url()).status_code == 404
        assert "Draft Report" not in text(client.get(report.delegation.get_absolute_url()))

    def test_staff_can_preview_them_uncached_and_unindexed(self, staff_client, draft):
        response = staff_client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert '<meta name="robots" content="noindex">' in text(response)
        assert response["X-Robots-Tag"] == "noindex"
        assert "no-cache" in response["Cache-Control"]
        assert "Preview: this page is not published" in text(response)

    def test_published_pages_are_not_marked_as_previews(self, staff_client):
        trip = DelegationFactory()
        response = staff_client.get(trip.get_absolute_url())
        assert "noindex" not in text(response)
        assert not response.has_header("X-Robots-Tag")


@pytest.mark.django_db
def test_past_delegations_are_paginated_with_stable_urls(client):
    for year in range(1990, 2025):
        DelegationFactory(title=f"Trip of {year}", start_date=D(year, 5, 1))
    first = text(client.get("/delegations/"))
    second = text(client.get("/delegations/?page=2"))
    assert "Trip of 2024" in first and "Trip of 1995" in first
    assert "Trip of 1994" in second and "Trip of 1990" in second
    assert "Trip of 2024" not in second
    assert 'href="?page=2" rel="next"' in first
    assert "Upcoming delegations" not in second


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["3", "0", "abc", "-1", "999999999999999999999"])
def test_a_page_beyond_the_archive_is_a_404(client, page):
    DelegationFactory()
    assert client.get(f"/delegations/?page={page}").status_code == 404


@pytest.mark.usefixtures("seeded")
def test_promotional_wording_is_shown_only_while_the_trip_is_upcoming(client):
    promotion = "outstanding professional development experience"
    singapore = Delegation.objects.get(slug="singapore-2015")
    with on(NEW_YEAR_2015):
        assert promotion in text(client.get(singapore.get_absolute_url()))
    with on(TODAY):
        pages = [
            singapore.get_absolute_url(),
            "/",
            reverse("delegations:delegation-list"),
            reverse("feed-latest"),
            reverse("delegations:delegation-calendar", args=[singapore.slug]),
            reverse("search") + "?q=Singapore",
        ]
        for url in pages:
            assert promotion not in text(client.get(url)), url


@pytest.mark.usefixtures("seeded")
def test_a_blog_posts_and_a_podcasts_outside_links_say_what_they_lead_to(client):
    trip = Delegation.objects.get(slug="portugal-2013")
    post = DispatchFactory(delegation=trip, external_url="https://blog.example.org/day-1")
    episode = DispatchFactory(
        delegation=trip, kind="podcast", external_url="https://pod.example.org/1"
    )
    assert "Read the post on the site that published it" in text(
        client.get(post.get_absolute_url())
    )
    assert "Listen to the episode on the site that published it" in text(
        client.get(episode.get_absolute_url())
    )


@pytest.mark.django_db
def test_a_trip_shows_its_itinerary_day_by_day_in_the_page_json_ld_and_calendar(client):
    trip = DelegationFactory(title="Portugal", start_date=datetime.date(2027, 10, 7))
    lisbon = ItineraryDayFactory(
        delegation=trip, date=datetime.date(2027, 10, 7), day_number=None, city="Lisbon", order=0
    )
    VisitFactory(day=lisbon, name="Escola Secundária de Camões", url="https://camoes.example")
    ItineraryDayFactory(delegation=trip, day_number=2, city="Porto", order=1)

    with on(datetime.date(2027, 9, 1)):
        page = text(client.get(trip.get_absolute_url()))
        ics = text(client.get(reverse("delegations:delegation-calendar", args=[trip.slug])))

    assert "Day by day" in page
    assert page.index("Lisbon") < page.index("Porto")
    assert '<a href="https://camoes.example">Escola Secundária de Camões</a>' in page
    assert "Day 2: Porto" in page
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', page).group(1))
    days = data["subEvent"]
    assert days[0]["location"]["address"]["addressLocality"] == "Lisbon"
    assert days[0]["startDate"] == "2027-10-07"
    assert "Escola Secundária de Camões" in days[0]["description"]
    assert "Day by day:" in ics.replace("\r\n ", "")


@pytest.mark.django_db
def test_a_reports_length_date_findings_and_cover_are_shown(client):
    report = ReportFactory(
        page_count=48,
        published_on=datetime.date(2014, 3, 1),
        key_findings="<ul><li>Broadband everywhere</li></ul>",
        cover_image=ContentFile(b"GIF89a", name="cover.gif"),
        cover_alt="The report's cover",
    )
    page = text(client.get(report.get_absolute_url()))
    assert "48 pages" in page and "March 1, 2014" in page
    assert "Key findings" in page and "<li>Broadband everywhere</li>" in page
    trip_page = text(client.get(report.delegation.get_absolute_url()))
    assert f'<img class="report__cover" src="{report.cover_image.url}"' in trip_page
