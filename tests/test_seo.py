import datetime
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import factory
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.dates import DatePrecision
from core.models import Role
from core.templatetags.seo import jsonld
from core.tests.factories import OrganisationFactory
from delegations.models import Delegation
from delegations.tests.factories import DelegationFactory, DispatchFactory, ReportFactory
from symposium.tests.factories import SymposiumFactory, SymposiumPartnerFactory
from tests.helpers import on

D = datetime.date
TODAY = D(2026, 11, 29)
SITE = "http://testserver"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
COSN = {
    "@type": "Organization",
    "name": "CoSN",
    "alternateName": "Consortium for School Networking",
}


class Page(HTMLParser):
    """What crawlers read from a page: its head tags, links and JSON-LD blocks."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.meta, self.links, self.jsonld = {}, [], []
        self.title = self.canonical = None
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, attrs.get("content"))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "title" or (tag == "script" and attrs.get("type") == "application/ld+json"):
            self._in = tag
            self._text = ""

    def handle_data(self, data):
        if self._in:
            self._text += data

    def handle_endtag(self, tag):
        if tag == self._in == "title" and self.title is None:
            self.title = self._text  # the page's, not an SVG's
        elif tag == self._in == "script":
            # Raises if the data was cut short or is not JSON.
            self.jsonld.append(json.loads(self._text))
        if tag == self._in:
            self._in = None

    def ld(self, schema_type):
        [found] = [block for block in self.jsonld if block["@type"] == schema_type]
        assert found["@context"] == "https://schema.org"
        return found


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response.content.decode())


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.find("sm:loc", SITEMAP_NS).text: url.findtext("sm:lastmod", namespaces=SITEMAP_NS)
        for url in root.findall("sm:url", SITEMAP_NS)
    }


def crawl(client, start="/"):
    """Every indexable HTML page linked from `start`, as absolute URLs (archive pages aside)."""
    seen, queue, pages = {start}, [start], set()
    while queue:
        url = queue.pop()
        response = client.get(url)
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue
        found = Page(response.content.decode())
        if "noindex" in (found.meta.get("robots") or "") + response.get("X-Robots-Tag", ""):
            continue
        pages.add(SITE + url)
        for href in found.links:
            href = urldefrag(href).url.removeprefix(SITE)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/") or parts.query:
                continue  # another site, mailto:, webcal:, or a paginated archive page
            if href.startswith(("/media/", "/static/", "/admin/")) or href in seen:
                continue
            seen.add(href)
            queue.append(href)
    return pages


def hero_photo():
    return factory.django.ImageField(width=2000, height=1000, format="JPEG", filename="hero.jpg")


@pytest.fixture
def frozen():
    with on(TODAY):
        yield


@pytest.fixture
def singapore(seeded):
    return Delegation.objects.get(slug="singapore-2015")


@pytest.mark.usefixtures("seeded", "frozen")
class TestSitemap:
    def test_lists_every_public_page_reachable_from_the_landing_page(self, client, singapore):
        DispatchFactory(delegation=singapore, kind="podcast", title="Episode 1", slug="episode-1")
        SymposiumFactory(year=2015)

        listed = sitemap(client)

        assert set(listed) == crawl(client)
        assert {
            f"{SITE}/",
            f"{SITE}/delegations/",
            f"{SITE}/where-we-have-been/",
            f"{SITE}/symposium/",
            f"{SITE}/delegations/singapore-2015/",
            f"{SITE}/delegations/singapore-2015/dispatches/episode-1/",
            f"{SITE}/delegations/portugal-2013/reports/reinventing-learning-in-portugal/",
            f"{SITE}/delegations/argentina-uruguay/reports/opening-doors-with-ict/",
            f"{SITE}/symposium/2014/",
            f"{SITE}/symposium/2015/",
        } <= set(listed)
        assert all(listed.values()), "every page has a lastmod"

    def test_leaves_out_drafts(self, client, singapore):
        draft_trip = DelegationFactory(is_published=False, slug="draft-trip")
        hidden = [
            draft_trip,
            ReportFactory(delegation=draft_trip),
            DispatchFactory(delegation=draft_trip),
            ReportFactory(delegation=singapore, is_published=False),
            DispatchFactory(delegation=singapore, is_published=False),
            SymposiumFactory(year=2016, is_published=False),
        ]

        listed = sitemap(client)

        for obj in hidden:
            assert SITE + obj.get_absolute_url() not in listed

    def test_lastmod_is_the_date_of_the_last_edit(self, client):
        with on(D(2020, 5, 1)):
            trip = DelegationFactory(slug="edited-trip")
            report = ReportFactory(delegation=trip)
            post = DispatchFactory(delegation=trip, published_on=D(2013, 10, 8))
            edition = SymposiumFactory(year=2019)
        with on(D(2021, 3, 3)):
            report.save()
        with on(D(2022, 6, 30)):
            post.save()
        new_post = DispatchFactory(delegation=trip, published_on=D(2013, 10, 9))

        listed = sitemap(client)

        assert listed[SITE + trip.get_absolute_url()] == "2020-05-01"
        assert listed[SITE + report.get_absolute_url()] == "2021-03-03"
        assert listed[SITE + edition.get_absolute_url()] == "2020-05-01"
        # A dispatch's last edit, not the date it carries.
        assert listed[SITE + post.get_absolute_url()] == "2022-06-30"
        assert listed[SITE + new_post.get_absolute_url()] == TODAY.isoformat()
        # The overview pages change with any edit, the latest being today's dispatch.
        assert listed[f"{SITE}/"] == listed[f"{SITE}/delegations/"] == TODAY.isoformat()

    def test_answers_not_modified_until_content_changes(self, client):
        first = client.get("/sitemap.xml")
        assert first["Content-Type"] == "application/xml"

        again = client.get("/sitemap.xml", headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304

        trip = DelegationFactory(is_published=False, slug="soon-published")
        trip.is_published = True
        trip.save()
        changed = client.get("/sitemap.xml", headers={"if-none-match": first["ETag"]})
        assert changed.status_code == 200
        assert f"{SITE}/delegations/soon-published/" in changed.content.decode()


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap_and_does_not_reveal_the_admin(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    # The admin's address may be secret (ADMIN_URL); its pages already say noindex.
    assert "Disallow:" in lines
    assert reverse("admin:index") not in response.content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


@pytest.mark.usefixtures("seeded", "frozen")
class TestSocialTags:
    def test_every_public_page_has_open_graph_and_twitter_card_tags(self, client, singapore):
        DispatchFactory(delegation=singapore)

        for url in sitemap(client):
            tags = page(client, url)
            meta = tags.meta
            assert meta["og:site_name"] == "CoSN Global Leadership"
            assert meta["og:title"] == meta["twitter:title"]
            assert tags.title == f"{meta['og:title']} | CoSN Global Leadership"
            assert meta["og:description"] == meta["twitter:description"] == meta["description"]
            assert meta["og:description"], url
            assert meta["og:url"] == tags.canonical == url
            article = "/reports/" in url or "/dispatches/" in url
            assert meta["og:type"] == ("article" if article else "website"), url
            # The seeded content has no photos, and no image is invented.
            assert "og:image" not in meta
            assert meta["twitter:card"] == "summary"

    def test_a_hero_photo_is_the_preview_of_its_trip_reports_and_dispatches(self, client):
        trip = DelegationFactory(hero_image=hero_photo(), hero_alt="Delegates at a school")
        report = ReportFactory(delegation=trip)
        dispatch = DispatchFactory(delegation=trip)
        rendition_url = SITE + trip.hero_rendition.url

        for obj in (trip, report, dispatch):
            meta = page(client, obj.get_absolute_url()).meta
            assert meta["og:image"] == rendition_url
            assert meta["og:image:width"] == "1600"
            assert meta["og:image:height"] == "800"
            assert meta["og:image:alt"] == meta["twitter:image:alt"] == "Delegates at a school"
            assert meta["twitter:card"] == "summary_large_image"
        event = page(client, trip.get_absolute_url()).ld("Event")
        assert event["image"] == rendition_url

    def test_a_report_cover_is_the_preview_of_its_report(self, client):
        trip = DelegationFactory(hero_image=hero_photo(), hero_alt="Delegates at a school")
        report = ReportFactory(
            delegation=trip,
            cover_image=factory.django.ImageField(width=600, height=800, filename="cover.jpg"),
            cover_alt="The report's cover",
        )

        tags = page(client, report.get_absolute_url())

        assert tags.meta["og:image"] == SITE + report.cover_image.url
        assert tags.meta["og:image:alt"] == "The report's cover"
        assert tags.ld("Report")["image"] == SITE + report.cover_image.url


@pytest.mark.usefixtures("seeded", "frozen")
class TestStructuredData:
    def test_each_kind_of_page_describes_itself(self, client, singapore):
        DispatchFactory(delegation=singapore)
        expected = {
            f"{SITE}/": ["Organization"],
            f"{SITE}/delegations/": [],
            f"{SITE}/where-we-have-been/": [],
            f"{SITE}/journal/": [],
            f"{SITE}/symposium/": ["EventSeries"],
            f"{SITE}/privacy/": [],
        }

        for url in sitemap(client):
            types = [block["@type"] for block in page(client, url).jsonld]
            if url in expected:
                assert types == expected[url], url
            elif "/reports/" in url:
                assert types == ["Report"], url
            elif "/people/" in url:
                assert types == ["Person"], url
            elif "/dispatches/" in url:
                assert types == [], url
            else:
                assert types == ["Event"], url

    def test_the_landing_page_describes_cosn(self, client):
        assert page(client, "/").ld("Organization") == {"@context": "https://schema.org", **COSN}

    def test_a_trip_is_an_event_with_its_days_places_and_organizer(self, client):
        event = page(client, "/delegations/singapore-2015/").ld("Event")

        assert event == {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": "CoSN International Delegation: Singapore",
            "url": f"{SITE}/delegations/singapore-2015/",
            "startDate": "2015-01-09",
            "endDate": "2015-01-17",
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": [
                {
                    "@type": "Place",
                    "name": "Singapore",
                    "address": {"@type": "PostalAddress", "addressCountry": "SG"},
                }
            ],
            "organizer": COSN,
            "description": Delegation.objects.get(slug="singapore-2015").summary,
        }
        # Promotional wording is for an upcoming trip's page, not for search engines.
        assert "outstanding professional development" not in event["description"]

    def test_a_trip_known_by_its_month_or_year_is_dated_no_more_precisely(self, client):
        portugal = page(client, "/delegations/portugal-2013/").ld("Event")
        london = page(client, "/delegations/london-paris-2011/").ld("Event")

        assert (portugal["startDate"], portugal["endDate"]) == ("2013-10", "2013-10")
        assert (london["startDate"], london["endDate"]) == ("2011", "2011")
        assert london["location"] == [
            {
                "@type": "Place",
                "name": "London, United Kingdom",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": "London",
                    "addressCountry": "GB",
                },
            },
            {
                "@type": "Place",
                "name": "Paris, France",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": "Paris",
                    "addressCountry": "FR",
                },
            },
        ]

    def test_a_place_without_a_country_or_code_says_only_what_is_known(self, client):
        scandinavia = page(client, "/delegations/scandinavia-2007/").ld("Event")
        DelegationFactory(slug="coded-not", destinations=["Atlantis"])
        uncoded = page(client, "/delegations/coded-not/").ld("Event")

        assert scandinavia["location"] == [{"@type": "Place", "name": "Scandinavia"}]
        assert uncoded["location"][0]["address"]["addressCountry"] == "Atlantis"

    def test_a_trip_with_unknown_dates_states_none(self, client):
        event = page(client, "/delegations/argentina-uruguay/").ld("Event")

        assert "startDate" not in event
        assert "endDate" not in event
        assert event["eventStatus"] == "https://schema.org/EventScheduled"
        assert event["name"] == "CoSN International Delegation: South America (Argentina & Uruguay)"

    def test_a_bilingual_report_states_both_languages_and_offers_no_file(self, client):
        report = page(client, "/delegations/argentina-uruguay/reports/opening-doors-with-ict/").ld(
            "Report"
        )

        assert report == {
            "@context": "https://schema.org",
            "@type": "Report",
            "name": "Opening Doors With ICT: Abriendo Puertas Con ICT",
            "alternateName": "Abriendo Puertas Con ICT",
            "url": f"{SITE}/delegations/argentina-uruguay/reports/opening-doors-with-ict/",
            "inLanguage": ["en", "es"],
            "publisher": COSN,
            "about": {
                "@type": "Event",
                "name": "CoSN International Delegation: South America (Argentina & Uruguay)",
                "url": f"{SITE}/delegations/argentina-uruguay/",
            },
        }

    def test_an_uploaded_pdf_is_the_reports_encoding(self, client):
        report = ReportFactory(
            external_url="",
            file=ContentFile(b"%PDF-1.4" + b"0" * 2040, name="takeaways.pdf"),
            published_on=D(2014, 2, 3),
            language="pt",
        )

        found = page(client, report.get_absolute_url()).ld("Report")

        assert found["inLanguage"] == ["pt"]
        assert found["datePublished"] == "2014-02-03"
        assert found["description"] == "Key takeaways."
        assert found["encoding"] == {
            "@type": "MediaObject",
            "contentUrl": SITE + report.file.url,
            "encodingFormat": "application/pdf",
            "contentSize": "2048 B",
        }

    def test_the_symposium_index_is_a_series_of_its_published_editions(self, client):
        SymposiumFactory(
            year=2015,
            title="International Symposium",
            date_precision=DatePrecision.DAY,
            start_date=D(2015, 3, 16),
            end_date=D(2015, 3, 17),
        )
        SymposiumFactory(year=2016, is_published=False)

        series = page(client, "/symposium/").ld("EventSeries")

        assert series == {
            "@context": "https://schema.org",
            "@type": "EventSeries",
            "name": "CoSN Annual International Symposium",
            "url": f"{SITE}/symposium/",
            "organizer": COSN,
            "subEvent": [
                {
                    "@type": "Event",
                    "name": "2015 International Symposium",
                    "url": f"{SITE}/symposium/2015/",
                    "startDate": "2015-03-16",
                    "endDate": "2015-03-17",
                },
                {
                    "@type": "Event",
                    "name": "2014 CoSN/UNESCO International Symposium",
                    "url": f"{SITE}/symposium/2014/",
                    "startDate": "2014",
                },
            ],
        }

    def test_an_edition_is_an_event_of_the_series(self, client):
        edition = SymposiumFactory(
            year=2015,
            theme="Learning everywhere",
            location="Boston",
            description="<p>Schools &amp; museums,</p>\n<p>together.</p>",
        )
        SymposiumPartnerFactory(symposium=edition, organisation__name="Ministry of Education")
        SymposiumPartnerFactory(
            symposium=edition,
            organisation=OrganisationFactory(name="A Foundation", website="https://example.org/"),
            role=Role.SPONSOR,
        )

        event = page(client, "/symposium/2015/").ld("Event")

        assert event["name"] == "2015 International Symposium"
        assert event["startDate"] == "2015"
        assert event["superEvent"] == {
            "@type": "EventSeries",
            "name": "CoSN Annual International Symposium",
            "url": f"{SITE}/symposium/",
        }
        assert event["about"] == {"@type": "Thing", "name": "Learning everywhere"}
        assert event["location"] == {"@type": "Place", "name": "Boston"}
        assert event["organizer"] == COSN
        assert event["contributor"] == [{"@type": "Organization", "name": "Ministry of Education"}]
        assert event["sponsor"] == [
            {"@type": "Organization", "name": "A Foundation", "url": "https://example.org/"}
        ]
        assert event["description"] == "Schools & museums, together."

    def test_json_ld_cannot_end_its_script_element_early(self, client):
        title = "</script><script>alert(1)</script> & <!-- more"
        trip = DelegationFactory(title=title)

        response = client.get(trip.get_absolute_url())

        assert "<script>alert(1)" not in response.content.decode()
        assert Page(response.content.decode()).ld("Event")["name"] == trip.event_name


def test_jsonld_escapes_markup_characters_and_parses_back():
    data = {"name": "</script> <b> & 'quoted' \"double\" — ünïcode"}

    html = str(jsonld(data))

    assert html.startswith('<script type="application/ld+json">')
    assert html.endswith("</script>")
    body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not {"<", ">", "&"} & set(body)
    assert json.loads(body) == data
