"""Browsing the archive: the past-delegations filters and the "Where CoSN has been" page."""

import datetime
import gzip
import json
import re
from html.parser import HTMLParser

import pytest
from django.templatetags.static import static
from django.urls import reverse

from delegations import geo
from delegations.geo import build
from delegations.models import Delegation, Destination
from delegations.tests.factories import CountryFactory, DelegationFactory, DestinationFactory
from delegations.views import ArchiveFilter, DelegationListView
from tests.helpers import on

D = datetime.date
TODAY = D(2026, 11, 29)
ARCHIVE = reverse("delegations:delegation-list")
OVERVIEW = reverse("delegations:overview")
SEEDED_CODES = {"SG", "PT", "AR", "UY", "GB", "FR", "NL", "AU"}


def text(response):
    assert response.status_code == 200
    return response.content.decode()


def past_titles(page):
    past = page.split('id="past-heading"', 1)[1]
    return re.findall(r'<h4 class="card__title">\s*<a href="[^"]*">([^<]*)</a>', past)


def trip(title, year, *countries, region=None, **kwargs):
    delegation = DelegationFactory(
        title=title,
        start_date=D(year, 5, 1) if year else None,
        destinations=list(countries),
        **({"undated": True} if year is None else {}),
        **kwargs,
    )
    if region:
        DestinationFactory(delegation=delegation, country=None, place=region)
    return delegation


@pytest.fixture
def archive(db):
    CountryFactory(name="Portugal", code="PT")
    CountryFactory(name="United Kingdom", code="GB")
    CountryFactory(name="France", code="FR")
    trip("Portugal", 2013, "Portugal")
    trip("London and Paris", 2011, "United Kingdom", "France")
    trip("Scotland", 2009, "United Kingdom")
    trip("Scandinavia", 2007, region="Scandinavia")
    trip("Somewhere", None, "Portugal")
    trip("Draft to Japan", 2012, "Japan", is_published=False)
    trip("Next year in Chile", 2027, "Chile")


@pytest.mark.usefixtures("archive")
class TestArchiveFilters:
    @pytest.mark.parametrize(
        ("query", "titles"),
        [
            ("", ["Portugal", "London and Paris", "Scotland", "Scandinavia", "Somewhere"]),
            ("?where=portugal", ["Portugal", "Somewhere"]),
            ("?where=united-kingdom", ["London and Paris", "Scotland"]),
            ("?where=france", ["London and Paris"]),
            ("?where=scandinavia", ["Scandinavia"]),
            ("?year=2011", ["London and Paris"]),
            ("?where=united-kingdom&year=2009", ["Scotland"]),
            ("?where=portugal&year=2011", []),
            (
                "?where=&year=",
                ["Portugal", "London and Paris", "Scotland", "Scandinavia", "Somewhere"],
            ),
        ],
    )
    def test_where_and_year_narrow_the_past_delegations(self, client, query, titles):
        with on(TODAY):
            page = text(client.get(ARCHIVE + query))
        assert past_titles(page) == titles
        count = len(titles)
        assert f"{count} past delegation{'s' if count != 1 else ''}" in page

    def test_the_where_choices_are_the_countries_and_regions_of_past_published_trips(self, client):
        with on(TODAY):
            page = text(client.get(ARCHIVE))
        where = re.search(r'<select id="filter-where" name="where">(.*?)</select>', page, re.S)
        choices = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', where.group(1))
        assert choices == [
            ("", "Anywhere"),
            ("france", "France"),
            ("portugal", "Portugal"),
            ("scandinavia", "Scandinavia"),
            ("united-kingdom", "United Kingdom"),
        ]

    def test_the_year_choices_are_the_years_of_past_published_trips(self, client):
        with on(TODAY):
            page = text(client.get(ARCHIVE))
        year = re.search(r'<select id="filter-year" name="year">(.*?)</select>', page, re.S)
        assert re.findall(r"<option[^>]*>([^<]*)</option>", year.group(1)) == [
            "Any year",
            "2013",
            "2011",
            "2009",
            "2007",
        ]

    def test_the_chosen_filters_are_selected_and_can_be_cleared(self, client):
        with on(TODAY):
            page = text(client.get(ARCHIVE + "?where=united-kingdom&year=2011"))
        assert '<option value="united-kingdom" selected>United Kingdom</option>' in page
        assert "<option selected>2011</option>" in page
        assert f'<a href="{ARCHIVE}">Clear filters</a>' in page
        assert "1 past delegation: United Kingdom, 2011." in page
        assert "<title>International Delegations: United Kingdom, 2011 |" in page
        assert "Clear filters" not in text(client.get(ARCHIVE))

    def test_the_filter_form_is_a_plain_get_form_with_a_button(self, client):
        with on(TODAY):
            page = text(client.get(ARCHIVE))
        form = re.search(r'<form class="filters" method="get"[^>]*>(.*?)</form>', page, re.S)
        assert form and '<button class="button" type="submit">' in form.group(1)
        assert '<label for="filter-where">Where</label>' in form.group(1)
        assert '<label for="filter-year">Year</label>' in form.group(1)
        assert "csrfmiddlewaretoken" not in page

    def test_upcoming_trips_head_only_the_unfiltered_first_page(self, client):
        with on(TODAY):
            assert "Next year in Chile" in text(client.get(ARCHIVE))
            filtered = text(client.get(ARCHIVE + "?year=2011"))
        assert "Next year in Chile" not in filtered
        assert "Upcoming delegations" not in filtered

    def test_a_filter_that_matches_nothing_says_so(self, client):
        with on(TODAY):
            page = text(client.get(ARCHIVE + "?where=portugal&year=2011"))
        assert "No past delegations match these filters." in page

    @pytest.mark.parametrize(
        "query",
        [
            "?where=atlantis",
            "?where=japan",  # only a draft went there
            "?where=chile",  # not yet: the trip is upcoming
            "?where=%3Cscript%3Ealert(1)%3C/script%3E",
            "?where=portugal%00",
            "?year=abc",
            "?year=99999",
            "?year=1999",
            "?year=2012",  # only a draft that year
            "?year=2027",  # only an upcoming trip that year
            "?year=%202011",
            "?year=-2011",
            "?year=2011.0",
            "?year=%D9%A2%D9%A0%D9%A1%D9%A1",  # 2011 in Arabic-Indic digits
            "?where=portugal&year=abc",
        ],
    )
    def test_a_filter_value_that_names_nothing_is_a_404(self, client, query):
        with on(TODAY):
            response = client.get(ARCHIVE + query)
        assert response.status_code == 404
        assert "<script>alert(1)</script>" not in response.content.decode()

    def test_page_links_keep_the_filters(self, client, monkeypatch):
        monkeypatch.setattr(DelegationListView, "past_per_page", 2)
        for year in (2001, 2002, 2003):
            trip(f"Edinburgh {year}", year, "United Kingdom")
        with on(TODAY):
            first = text(client.get(ARCHIVE + "?where=united-kingdom"))
            second = text(client.get(ARCHIVE + "?where=united-kingdom&page=2"))
            third = text(client.get(ARCHIVE + "?where=united-kingdom&page=3"))
            filtered_by_both = text(client.get(ARCHIVE + "?where=united-kingdom&year=2001"))
        assert 'href="?where=united-kingdom&amp;page=2" rel="next"' in first
        assert 'href="?where=united-kingdom&amp;page=3"' in first
        assert 'href="?where=united-kingdom" rel="prev"' in second
        assert 'href="?where=united-kingdom&amp;page=2" rel="prev"' in third
        assert past_titles(third) == ["Edinburgh 2001"]
        assert "page=" not in filtered_by_both.split('id="past-heading"')[1]

    def test_unfiltered_page_links_point_page_one_at_the_plain_address(self, client, monkeypatch):
        monkeypatch.setattr(DelegationListView, "past_per_page", 2)
        with on(TODAY):
            second = text(client.get(ARCHIVE + "?page=2"))
        assert f'href="{ARCHIVE}" rel="prev"' in second

    def test_the_choices_come_from_two_queries_and_match_the_places_of_the_destinations(
        self, django_assert_num_queries
    ):
        # A city in a country is the country; a region spelt like a country is that country.
        DestinationFactory(
            delegation=Delegation.objects.get(title="Scotland"),
            country=CountryFactory(name="United Kingdom"),
            place="Glasgow",
        )
        trip("Portugal again", 2005, region="Portugal")
        trip("Nowhere known", 2004, region="!!!")
        past = Delegation.objects.published().past(TODAY)
        with django_assert_num_queries(2):
            places, years = ArchiveFilter.choices(past)
        expected = geo.places(
            Destination.objects.filter(delegation__in=past).select_related("country")
        )

        def described(found):
            return [
                (p.slug, p.name, p.code, p.country_ids, p.region_names, p.delegations)
                for p in found
            ]

        assert described(places) == described(expected)
        assert [place.slug for place in places] == [
            "france",
            "portugal",
            "scandinavia",
            "united-kingdom",
        ]
        assert years == [2013, 2011, 2009, 2007, 2005, 2004]


class SvgLinks(HTMLParser):
    """The links drawn on the map (inside <svg>), and their accessible names."""

    def __init__(self):
        super().__init__()
        self.in_svg, self.links, self.svg_attrs = False, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.in_svg, self.svg_attrs = True, attrs
        elif tag == "a" and self.in_svg:
            self.links.append(attrs)

    def handle_endtag(self, tag):
        if tag == "svg":
            self.in_svg = False


def svg_links(page):
    parser = SvgLinks()
    parser.feed(page)
    return parser


@pytest.mark.usefixtures("seeded")
class TestOverviewOfTheSeededSite:
    def test_the_timeline_lists_every_published_delegation_oldest_first(self, client):
        with on(TODAY):
            page = text(client.get(OVERVIEW))
        timeline = page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
        links = re.findall(r'<li>\s*<a href="([^"]*)">', timeline)
        expected = list(
            Delegation.objects.published()
            .order_by("start_date", "title")
            .exclude(start_date=None)
            .values_list("slug", flat=True)
        ) + ["argentina-uruguay"]
        assert links == [reverse("delegations:delegation-detail", args=[s]) for s in expected]
        assert len(links) == Delegation.objects.published().count()
        # The one trip with no dates closes the timeline.
        assert timeline.index("Date not recorded") > timeline.index('<time datetime="2015">')

    def test_the_map_links_every_visited_country_with_a_code(self, client):
        with on(TODAY):
            page = text(client.get(OVERVIEW))
        parsed = svg_links(page)
        labels = {link["aria-label"].split(":")[0]: link["href"] for link in parsed.links}
        assert set(labels) == {
            "Singapore",
            "Portugal",
            "Argentina",
            "Uruguay",
            "United Kingdom",
            "France",
            "Netherlands",
            "Australia",
        }
        assert labels["Portugal"] == "/delegations/portugal-2013/"
        assert labels["Argentina"] == labels["Uruguay"] == "/delegations/argentina-uruguay/"
        # Two trips went to the United Kingdom: the map links to both, in the archive.
        assert labels["United Kingdom"] == f"{ARCHIVE}?where=united-kingdom"
        uk = text(client.get(labels["United Kingdom"]))
        assert past_titles(uk) == ["London and Paris", "Scotland and the Netherlands"]
        for href in labels.values():
            assert client.get(href).status_code == 200

    def test_the_map_is_drawn_on_the_server_and_labelled(self, client):
        with on(TODAY):
            page = text(client.get(OVERVIEW))
        svg = svg_links(page).svg_attrs
        assert svg["viewbox"] == " ".join(map(str, geo.world()["viewBox"]))
        assert svg["aria-labelledby"] == "map-title map-desc"
        assert '<title id="map-title">' in page and '<desc id="map-desc">' in page
        assert "<figcaption>" in page
        assert f'href="{static("img/world.svg")}#land"' in page
        assert "<script" not in page and "style=" not in page
        assert "http://" not in page.split("<svg", 1)[1].split("</svg>")[0].replace(
            'xmlns="http://www.w3.org/2000/svg"', ""
        )
        # Singapore is too small to see at this scale: it gets a dot as well.
        singapore = page.split('aria-label="Singapore:', 1)[1].split("</a>", 1)[0]
        assert '<circle class="world-map__marker"' in singapore

    def test_regions_are_listed_under_the_map(self, client):
        with on(TODAY):
            page = text(client.get(OVERVIEW))
        places = page.split('id="places-heading"', 1)[1].split("</ul>", 1)[0]
        assert 'Scandinavia</span> <span class="muted">(not shown on the map)</span>' in places
        assert 'href="/delegations/scandinavia-2007/"' in places
        for name in ("Argentina", "Australia", "France", "United Kingdom", "Uruguay"):
            assert f'<span class="places__name">{name}</span>:' in places

    def test_the_page_stays_small(self, client):
        with on(TODAY):
            response = client.get(OVERVIEW)
        assert len(gzip.compress(response.content)) < 30_000

    def test_the_landing_page_and_the_archive_link_to_it(self, client):
        with on(TODAY):
            for url in ("/", ARCHIVE):
                assert f'href="{OVERVIEW}"' in text(client.get(url))


@pytest.mark.django_db
class TestOverview:
    def test_drafts_appear_nowhere(self, client):
        CountryFactory(name="Japan", code="JP")
        trip("Draft to Japan", 2012, "Japan", is_published=False)
        trip("Portugal", 2013, "Portugal")
        with on(TODAY):
            page = text(client.get(OVERVIEW))
        assert "Japan" not in page
        assert "Portugal" in page

    def test_upcoming_trips_are_on_the_timeline_but_not_on_the_map(self, client):
        CountryFactory(name="Chile", code="CL")
        trip("Santiago", 2027, "Chile")
        trip("Lisbon", 2013, "Portugal")
        with on(TODAY):
            page = text(client.get(OVERVIEW))
        assert '<span class="tag">Upcoming</span>' in page
        assert [link["aria-label"] for link in svg_links(page).links] == []
        assert 'href="/delegations/' in page.split('id="timeline-heading"')[1]
        assert "Chile" not in page.split('id="places-heading"')[1].split("</ul>")[0]

    def test_countries_that_cannot_be_drawn_are_listed_but_not_mapped(self, client):
        CountryFactory(name="Kosovo", code="XK")  # not an ISO code: not in the map data
        CountryFactory(name="Narnia")  # no code at all
        CountryFactory(name="Malta", code="MT")
        trip("Pristina", 2012, "Kosovo")
        trip("Cair Paravel", 2010, "Narnia")
        trip("Valletta", 2011, "Malta")
        with on(TODAY):
            page = text(client.get(OVERVIEW))
        assert [link["aria-label"] for link in svg_links(page).links] == [
            "Malta: Valletta (May 1-6, 2011)"
        ]
        places = page.split('id="places-heading"', 1)[1].split("</ul>", 1)[0]
        for name in ("Kosovo", "Narnia"):
            assert f'{name}</span> <span class="muted">(not shown on the map)</span>' in places
        assert "Malta</span>:" in places

    def test_nothing_published_yet(self, client):
        with on(TODAY):
            page = text(client.get(OVERVIEW))
        assert "No past delegations have been published yet." in page
        assert "No delegations have been published yet." in page
        assert "<svg" not in page

    def test_query_count_does_not_grow_with_trips(self, client, django_assert_max_num_queries):
        def build_trips(first, count):
            for n in range(first, first + count):
                CountryFactory(name=f"Land {n}", code=f"Z{n % 10}" if n < 10 else "")
                trip(f"Trip {n}", 1990 + n % 30, f"Land {n}", "Portugal", region=f"Region {n}")

        build_trips(0, 3)
        with on(TODAY), django_assert_max_num_queries(5):
            text(client.get(OVERVIEW))
        build_trips(3, 40)
        with on(TODAY), django_assert_max_num_queries(5):
            text(client.get(OVERVIEW))


class TestMapData:
    def test_every_seeded_country_can_be_drawn(self):
        countries = geo.world()["countries"]
        for code in SEEDED_CODES:
            shape = countries[code]
            assert shape["d"].startswith("M") and shape["d"].endswith("z"), code
        assert countries["SG"]["s"] < geo.MARKER_BELOW <= countries["PT"]["s"]

    def test_the_data_file_is_small(self):
        assert geo.COUNTRIES_FILE.stat().st_size < 100_000
        assert (build.WORLD_SVG).stat().st_size < 100_000

    def test_the_base_map_shares_the_data_files_view_box(self):
        svg = build.WORLD_SVG.read_text()
        view_box = " ".join(map(str, json.loads(geo.COUNTRIES_FILE.read_text())["viewBox"]))
        assert f'viewBox="{view_box}"' in svg
        assert '<path id="land" d="M' in svg and '<path id="sphere" d="M' in svg


class TestBuild:
    """The one-off converter, on a tiny hand-made topology."""

    def topology(self):
        # Arcs are delta-encoded integers; the transform maps them to degrees.
        return {
            "type": "Topology",
            "transform": {"scale": [1, 1], "translate": [-180, -90]},
            "arcs": [
                [[180, 90], [10, 0], [0, 10], [-10, 0], [0, -10]],  # a square at 0°-10°E
                [[355, 100], [10, 0], [0, 10], [-10, 0], [0, -10]],  # across the antimeridian
                [[200, 120], [0, 0], [0, 0]],  # too small to draw at all
            ],
            "objects": {
                "countries": {
                    "type": "GeometryCollection",
                    "geometries": [
                        {"type": "Polygon", "arcs": [[0]], "id": "1", "properties": {"name": "A"}},
                        {"type": "Polygon", "arcs": [[1]], "id": "2", "properties": {"name": "B"}},
                        {"type": "Polygon", "arcs": [[2]], "id": "3", "properties": {"name": "C"}},
                        {"type": "Polygon", "arcs": [[0]], "properties": {"name": "No code"}},
                    ],
                }
            },
        }

    def test_projects_and_keys_countries_by_their_alpha_2_code(self):
        codes = {"1": "AA", "2": "BB", "3": "CC"}
        countries, land, sphere, view_box = build.build(self.topology(), codes.get)
        assert set(countries) == {"AA", "BB", "CC"}
        assert view_box[:3] == [0, 0, build.WIDTH]
        x, y = countries["AA"]["c"]
        assert build.WIDTH / 2 < x < build.WIDTH / 2 + 60  # just east of Greenwich
        assert countries["CC"]["d"] == ""  # a marker only
        assert land.count("M") == 4  # A, B in two pieces, and the one without a code
        assert sphere.startswith("M") and sphere.endswith("z")

    def test_splits_a_country_that_crosses_the_antimeridian(self):
        countries, *_ = build.build(self.topology(), {"2": "BB"}.get)
        rings = countries["BB"]["d"].split("z")[:-1]
        assert len(rings) == 2
        for ring in rings:
            numbers = [int(n) for n in re.findall(r"-?\d+", ring)]
            xs = [numbers[0]]
            for dx in numbers[2::2]:
                xs.append(xs[-1] + dx)
            # Each piece hugs one edge of the map instead of streaking across it.
            assert max(xs) - min(xs) < 100
            assert min(xs) >= 0 and max(xs) <= build.WIDTH


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("where=%ED%A0%80%FF", 404),
        ("year=%00", 404),
        ("where=portugal&where=atlantis", 404),  # the last value counts, as everywhere
        ("where=atlantis&where=portugal", 200),
        ("where[]=portugal", 200),  # an unknown parameter is ignored
        ("page=1&where=portugal&year=", 200),
    ],
)
def test_malformed_archive_query_strings_answer_200_or_404(client, raw, status):
    trip("Portugal", 2013, "Portugal")
    with on(TODAY):
        assert client.get(f"{ARCHIVE}?{raw}").status_code == status
