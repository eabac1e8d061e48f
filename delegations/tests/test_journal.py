"""The delegates' journal: every published post and episode, newest first, filterable by
trip and kind, with its own feed."""

import datetime

import feedparser
import pytest
from django.urls import reverse

from delegations.models import Dispatch
from delegations.tests.factories import DelegationFactory, DispatchFactory

pytestmark = pytest.mark.django_db
D = datetime.date
JOURNAL = reverse("delegations:journal")


@pytest.fixture
def journal():
    lisbon = DelegationFactory(title="Lisbon", slug="lisbon")
    oslo = DelegationFactory(title="Oslo", slug="oslo")
    DispatchFactory(delegation=lisbon, title="Day one", published_on=D(2013, 10, 7))
    DispatchFactory(
        delegation=oslo, kind=Dispatch.Kind.PODCAST, title="Episode 1", published_on=D(2013, 10, 9)
    )
    DispatchFactory(delegation=oslo, title="Draft", is_published=False)
    DispatchFactory(delegation=DelegationFactory(is_published=False), title="Of a draft trip")


def titles(html):
    return [
        line.split(">", 1)[1].split("<", 1)[0]
        for line in html.split('class="journal__title"><a')[1:]
    ]


def test_lists_every_published_post_and_episode_newest_first(client, journal):
    html = client.get(JOURNAL).content.decode()
    assert titles(html) == ["Episode 1", "Day one"]
    assert "<h1>The delegates' journal</h1>" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"trip": "lisbon"}, ["Day one"]), ({"kind": "podcast"}, ["Episode 1"])],
)
def test_filters_by_trip_and_kind(client, journal, query, expected):
    assert titles(client.get(JOURNAL, query).content.decode()) == expected


@pytest.mark.parametrize("query", [{"trip": "atlantis"}, {"kind": "video"}, {"page": "9"}])
def test_a_filter_or_page_that_names_nothing_is_a_404(client, journal, query):
    assert client.get(JOURNAL, query).status_code == 404


def test_has_its_own_feed_with_the_same_filters(client, journal):
    feed = feedparser.parse(client.get(reverse("delegations:journal-feed")).content)
    assert [entry.title for entry in feed.entries] == [
        "Podcast episode: Episode 1",
        "Blog post: Day one",
    ]
    podcasts = feedparser.parse(
        client.get(reverse("delegations:journal-feed"), {"kind": "podcast"}).content
    )
    assert [entry.title for entry in podcasts.entries] == ["Podcast episode: Episode 1"]


def test_the_query_count_does_not_grow_with_the_entries(client, django_assert_max_num_queries):
    for n in range(30):
        DispatchFactory(delegation=DelegationFactory(), title=f"Post {n}")
    # Content version, trips, count, entries; and the editors' wording, loaded by the first
    # page rendered after an edit (cosn_global/wording.py).
    with django_assert_max_num_queries(5):
        assert client.get(JOURNAL).status_code == 200
