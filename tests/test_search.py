"""Site search: the same tests run on SQLite and, in CI, on PostgreSQL (full-text search)."""

import datetime
import re

import pytest
from django.urls import reverse

from core.tests.factories import PersonFactory
from cosn_global.search import MAX_QUERY_LENGTH, PER_PAGE, clean_query, excerpt, parse_terms
from delegations.tests.factories import DelegationFactory, DispatchFactory, ReportFactory
from symposium.tests.factories import SymposiumFactory

D = datetime.date
SEARCH = reverse("search")


@pytest.fixture(autouse=True)
def _symposium_years_restart():
    # SymposiumFactory's years come from a global sequence: put it back after these tests,
    # which make many editions, so that later tests still get years before today's.
    yield
    SymposiumFactory.reset_sequence()


def search(client, query, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def result_titles(page):
    return re.findall(r'<h3 class="search-result__title">\s*<a href="[^"]*">([^<]*)</a>', page)


def result_links(page):
    return re.findall(r'<h3 class="search-result__title">\s*<a href="([^"]*)">', page)


@pytest.mark.django_db
class TestFinds:
    def test_each_kind_of_content_by_a_word_in_its_title(self, client):
        trip = DelegationFactory(title="Zanzibar")
        report = ReportFactory(title="Zanzibar findings")
        post = DispatchFactory(title="Zanzibar diary")
        edition = SymposiumFactory(title="Zanzibar Symposium", year=2030)
        page = search(client, "zanzibar")
        assert sorted(result_links(page)) == sorted(
            obj.get_absolute_url() for obj in (trip, report, post, edition)
        )
        for label in ("Delegation", "Report", "Blog post", "Symposium"):
            assert f'<p class="search-result__type">{label}</p>' in page
        assert "4 results for “zanzibar”" in page

    def test_each_kind_of_content_by_a_word_in_its_text(self, client):
        trip = DelegationFactory(body="<p>We met teachers in Tallinn.</p>")
        report = ReportFactory(summary="<p>What Tallinn teaches.</p>")
        episode = DispatchFactory(kind="podcast", body="<p>Recorded in Tallinn.</p>")
        edition = SymposiumFactory(description="<p>Speakers from Tallinn.</p>")
        page = search(client, "Tallinn")
        assert sorted(result_links(page)) == sorted(
            obj.get_absolute_url() for obj in (trip, report, episode, edition)
        )
        assert '<p class="search-result__type">Podcast episode</p>' in page

    def test_a_title_match_ranks_above_a_newer_text_match(self, client):
        DelegationFactory(
            title="Ministries and schools",
            start_date=D(2020, 3, 1),
            body="<p>We flew on to Kyoto for a day.</p>",
        )
        DelegationFactory(title="Kyoto", start_date=D(2010, 3, 1), body="<p>Temples.</p>")
        assert result_titles(search(client, "kyoto")) == ["Kyoto", "Ministries and schools"]

    def test_equal_matches_come_newest_first(self, client):
        DelegationFactory(title="Bergen 2005", start_date=D(2005, 3, 1))
        DelegationFactory(title="Bergen 2019", start_date=D(2019, 3, 1))
        assert result_titles(search(client, "bergen")) == ["Bergen 2019", "Bergen 2005"]

    def test_every_word_must_match_and_a_minus_word_excludes(self, client):
        # (The factory's summary mentions schools and ministries.)
        DelegationFactory(title="Lisbon schools", summary="")
        DelegationFactory(title="Lisbon ministries", summary="")
        DelegationFactory(title="Porto schools", summary="")
        assert result_titles(search(client, "lisbon schools")) == ["Lisbon schools"]
        assert result_titles(search(client, "lisbon -ministries")) == ["Lisbon schools"]

    def test_a_quoted_phrase_is_found_as_a_phrase(self, client):
        DelegationFactory(title="Opening doors", body="<p>Doors were opening.</p>")
        DelegationFactory(title="Doors", body="<p>Opening doors with technology.</p>")
        assert sorted(result_titles(search(client, '"opening doors"'))) == [
            "Doors",
            "Opening doors",
        ]
        DelegationFactory(title="Unrelated", body="<p>Doors; later, an opening.</p>")
        assert "Unrelated" not in result_titles(search(client, '"opening doors"'))

    def test_results_show_an_excerpt_with_the_words_marked(self, client):
        DelegationFactory(
            title="Nordic study tour",
            summary="",
            body="<p>" + "Long introduction. " * 30 + "Then we saw Reykjavik schools.</p>",
        )
        page = search(client, "reykjavik")
        assert "<mark>Reykjavik</mark> schools." in page
        assert "… " in page


@pytest.mark.django_db
def test_unpublished_content_is_never_found(client):
    DelegationFactory(title="Svalbard draft", is_published=False)
    draft_trip = DelegationFactory(title="Hidden trip", is_published=False)
    ReportFactory(title="Svalbard report of a draft trip", delegation=draft_trip)
    ReportFactory(title="Svalbard report unpublished", is_published=False)
    DispatchFactory(title="Svalbard post of a draft trip", delegation=draft_trip)
    DispatchFactory(title="Svalbard post unpublished", is_published=False)
    SymposiumFactory(title="Svalbard symposium", is_published=False)
    DelegationFactory(title="Svalbard")
    assert result_titles(search(client, "svalbard")) == ["Svalbard"]


@pytest.mark.django_db
def test_an_empty_search_shows_the_form_and_a_prompt(client):
    DelegationFactory(title="Anything")
    for page in (search(client, ""), client.get(SEARCH).content.decode(), search(client, "   ")):
        assert 'name="q"' in page
        assert "Type a word or two" in page
        assert "search-result" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        '" OR ""="',
        "%",
        "_",
        "\\",
        "\x00",
        "school\x00s",
        "a & b | !c <-> d:*",
        "-",
        '"',
        "OR",
        "São Paulo 東京 🙂 مدرسة",
        "\u202eevil",
        "x" * 10_000,
        "word " * 2_000,
    ],
)
def test_hostile_or_odd_queries_get_a_normal_page_with_the_input_escaped(client, query):
    DelegationFactory(title="São Paulo schools", body="<p>100% of schools & more.</p>")
    page = search(client, query)
    assert "<h1" in page and "Search" in page
    assert "<script>alert(1)</script>" not in page
    assert "\x00" not in page
    value = re.search(r'<input type="search" id="search-q" name="q" value="([^"]*)"', page)
    assert value and len(value.group(1)) <= MAX_QUERY_LENGTH * 6  # escaped, never the raw text


@pytest.mark.django_db
def test_html_in_a_query_is_shown_escaped(client):
    page = search(client, "<b>bold</b>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<b>bold</b>" not in page


@pytest.mark.django_db
def test_an_overlong_query_is_shortened_politely(client):
    DelegationFactory(title="Windhoek")
    page = search(client, "windhoek " + "x" * 500)
    assert f"only its first {MAX_QUERY_LENGTH} characters were used" in page
    short = search(client, "windhoek")
    assert "characters were used" not in short
    assert result_titles(short) == ["Windhoek"]


@pytest.mark.django_db
def test_results_are_paginated_and_page_links_keep_the_query(client):
    for n in range(PER_PAGE + 5):
        DelegationFactory(title=f"Kraków {n}", start_date=D(1990 + n, 1, 1))
    first = search(client, "kraków")
    assert len(result_titles(first)) == PER_PAGE
    assert f"{PER_PAGE + 5} results for “kraków”" in first
    assert 'href="?q=krak%C3%B3w&amp;page=2" rel="next"' in first
    second = search(client, "kraków", page=2)
    assert len(result_titles(second)) == 5
    assert 'href="?q=krak%C3%B3w" rel="prev"' in second
    assert not set(result_titles(first)) & set(result_titles(second))


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["2", "0", "abc", "-1", "99999999999999999999"])
def test_a_page_beyond_the_results_is_a_404(client, page):
    DelegationFactory(title="Riga")
    assert client.get(SEARCH, {"q": "riga", "page": page}).status_code == 404


@pytest.mark.django_db
def test_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    def build(n):
        for i in range(n):
            trip = DelegationFactory(title=f"Quito {i}", destinations=["Ecuador", "Peru"])
            ReportFactory(title=f"Quito report {i}", delegation=trip)
            DispatchFactory(title=f"Quito post {i}", delegation=trip)
            SymposiumFactory(title=f"Quito symposium {i}")

    # One query per kind of content, then one per kind on the page shown; and the editors'
    # wording, loaded by the first page rendered after an edit (cosn_global/wording.py).
    build(2)
    with django_assert_max_num_queries(13):
        few = search(client, "quito")
    build(30)
    with django_assert_max_num_queries(13):
        many = search(client, "quito")
    assert len(result_titles(few)) == 8
    assert len(result_titles(many)) == PER_PAGE


@pytest.mark.django_db
def test_the_search_page_is_cacheable_and_sets_no_cookie(client):
    DelegationFactory(title="Accra")
    response = client.get(SEARCH, {"q": "accra"})
    assert not response.cookies
    assert "public" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert '<meta name="robots" content="noindex, follow">' in response.content.decode()


@pytest.mark.django_db
def test_every_page_has_the_search_box_in_its_header(client):
    DelegationFactory()
    page = client.get("/").content.decode()
    form = re.search(r'<form class="site-search" role="search"[^>]*>(.*?)</form>', page, re.S)
    assert form and f'action="{SEARCH}"' in form.group(0) and 'method="get"' in form.group(0)
    assert '<label class="visually-hidden" for="site-search-q">' in form.group(1)
    assert 'name="q"' in form.group(1)
    assert "csrfmiddlewaretoken" not in page


class TestQueryParsing:
    def test_control_characters_and_runs_of_space_are_made_plain(self):
        assert clean_query("  a\x00b\tc\n\nd ") == ("a b c d", False)

    def test_a_long_query_is_cut_and_flagged(self):
        query, shortened = clean_query("y" * (MAX_QUERY_LENGTH + 1))
        assert len(query) == MAX_QUERY_LENGTH and shortened

    def test_words_phrases_and_exclusions(self):
        assert parse_terms('"opening doors" lisbon -ministries OR porto, --') == (
            ["opening doors", "lisbon", "porto"],
            ["ministries"],
        )

    def test_at_most_ten_terms_are_used(self):
        wanted, _ = parse_terms(" ".join(f"w{n}" for n in range(50)))
        assert wanted == [f"w{n}" for n in range(10)]


class TestExcerpt:
    def test_is_escaped_text_without_tags(self):
        text = excerpt(["<p>Fish &amp; chips &lt;script&gt; in <b>Leeds</b></p>"], ["leeds"])
        assert text == "Fish &amp; chips &lt;script&gt; in <mark>Leeds</mark>"

    def test_starts_near_the_first_match_in_any_text(self):
        text = excerpt(["A summary.", "word " * 100 + "Dakar " + "word " * 100], ["dakar"])
        assert text.startswith("… word") and "<mark>Dakar</mark>" in text and text.endswith("…")

    def test_without_a_match_begins_at_the_start(self):
        assert excerpt(["<p>Schools.</p>"], ["school"]) == "<mark>School</mark>s."
        assert excerpt(["<p>Ministries.</p>"], ["zzz"]) == "Ministries."
        assert excerpt(["", None], ["x"]) == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("q=%ED%A0%80%FF", 200),
        ("q=%00%00", 200),
        ("q=a&q=abuja", 200),
        ("q[]=x", 200),
        ("q=%25%5F%5C&page=1", 200),
        ("q=abuja&page=%00", 404),
        ("q=abuja&page=1e3", 404),
    ],
)
def test_malformed_query_strings_get_a_normal_page_or_a_404(client, raw, status):
    DelegationFactory(title="Abuja")
    assert client.get(f"{SEARCH}?{raw}").status_code == status


@pytest.mark.usefixtures("seeded")
def test_people_and_organisations_are_found(client):
    irene = search(client, "Irene")
    assert '<a href="/people/irene-spero/">Irene Spero</a>' in irene
    unesco = search(client, "UNESCO")
    assert "Organisation" in unesco
    assert '<a href="/symposium/2014/">2014 CoSN/UNESCO International Symposium</a>' in unesco


@pytest.mark.django_db
def test_people_nothing_public_names_are_not_found(client):
    PersonFactory(name="Quiet Person")
    DelegationFactory().delegates.add(PersonFactory(name="Unlisted Delegate", listed=False))
    for name in ("Quiet", "Unlisted"):
        assert "No results" in search(client, name)
