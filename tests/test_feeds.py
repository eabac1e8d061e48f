import datetime
import io
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.dates import DatePrecision
from core.tests.factories import PersonFactory
from delegations.feeds import PODCAST_COVER
from delegations.models import Dispatch
from delegations.tests.factories import DelegationFactory, DispatchFactory, ReportFactory
from symposium.tests.factories import SymposiumFactory

D = datetime.date
UTC = datetime.UTC
PODCAST = Dispatch.Kind.PODCAST
PODCAST_NS = "https://podcastindex.org/namespace/1.0"

pytestmark = pytest.mark.django_db


def at(moment):
    return time_machine.travel(moment, tick=False)


def parse(response, content_type):
    assert response.status_code == 200
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def latest(client):
    return parse(client.get(reverse("feed-latest")), "application/atom+xml")


def podcast_url(trip):
    return reverse("delegations:delegation-podcast", args=[trip.slug])


def podcast(client, trip):
    return parse(client.get(podcast_url(trip)), "application/rss+xml")


class TestLatestFeed:
    def test_lists_trips_reports_and_dispatches_newest_first(self, client):
        with at(datetime.datetime(2027, 3, 5, 12, tzinfo=UTC)):
            trip = DelegationFactory(
                title="Finland", slug="finland-2027", destinations=[], start_date=D(2027, 9, 6)
            )
        with at(datetime.datetime(2027, 3, 1, 12, tzinfo=UTC)):
            ReportFactory(delegation=trip, title="Draft notes", published_on=None)
        ReportFactory(delegation=trip, title="Learning in Finland", published_on=D(2027, 3, 10))
        post = DispatchFactory(delegation=trip, title="Day one", published_on=D(2027, 3, 8))

        feed = latest(client)
        assert feed.version == "atom10"
        assert feed.feed.title == "CoSN Global Leadership: what’s new"
        assert [entry.title for entry in feed.entries] == [
            "Report: Learning in Finland",
            "Blog post: Day one",
            "CoSN International Delegation: Finland (September 6-11, 2027)",
            "Report: Draft notes",
        ]
        assert feed.entries[1].link == f"http://testserver{post.get_absolute_url()}"
        assert feed.entries[2].link == "http://testserver/delegations/finland-2027/"
        assert feed.entries[2].updated_parsed[:4] == (2027, 3, 5, 12)
        assert feed.entries[0].published_parsed[:3] == (2027, 3, 10)
        assert feed.entries[1].author == "A. Delegate"

    def test_summaries_are_text_without_markup(self, client):
        trip = DelegationFactory(summary="", body="<p>Schools <strong>and</strong> ministries.</p>")
        ReportFactory(delegation=trip, summary="<p>Key <em>takeaways</em> &amp; more.</p>")
        DispatchFactory(delegation=trip, body="<p>What we <b>saw</b> today.</p>")
        summaries = {entry.title.split(":")[0]: entry.summary for entry in latest(client).entries}
        assert summaries == {
            "CoSN International Delegation": "Schools and ministries.",
            "Report": "Key takeaways &amp; more.",  # feedparser gives HTML
            "Blog post": "What we saw today.",
        }

    def test_leaves_out_drafts(self, client):
        trip = DelegationFactory(title="Published trip")
        ReportFactory(delegation=trip, title="Hidden report", is_published=False)
        DispatchFactory(delegation=trip, title="Hidden post", is_published=False)
        draft = DelegationFactory(title="Draft trip", is_published=False)
        ReportFactory(delegation=draft, title="Report of a draft trip")
        DispatchFactory(delegation=draft, title="Post of a draft trip")
        titles = " ".join(entry.title for entry in latest(client).entries)
        assert "Published trip" in titles
        for hidden in ["Hidden", "Draft trip", "of a draft trip"]:
            assert hidden not in titles

    def test_keeps_the_30_newest_items(self, client):
        trip = DelegationFactory(title="Finland")
        for day in range(1, 36):
            DispatchFactory(
                delegation=trip, title=f"Day {day}", published_on=D(2000, 1, day % 28 + 1)
            )
        entries = latest(client).entries
        assert len(entries) == 30
        assert entries[0].title == "CoSN International Delegation: Finland (October 7-12, 2013)"

    def test_query_count_does_not_grow_with_the_items(self, client, django_assert_max_num_queries):
        for _ in range(5):
            trip = DelegationFactory(destinations=["Finland", "Estonia"])
            ReportFactory(delegation=trip)
            DispatchFactory(delegation=trip)
        # Content version, trips with their places and reports, reports, dispatches.
        with django_assert_max_num_queries(6):
            assert len(latest(client).entries) == 15

    def test_a_trip_entered_as_history_is_dated_by_the_trip_and_described(self, client):
        with at(datetime.datetime(2026, 11, 29, 12, tzinfo=UTC)):
            trip = DelegationFactory(
                title="Australia",
                summary="",
                body="",
                date_precision=DatePrecision.YEAR,
                start_date=D(2004, 1, 1),
                destinations=["Australia"],
            )
            ReportFactory(delegation=trip, title="Learning Down Under", subtitle="")
        entry = next(e for e in latest(client).entries if "Australia" in e.title)
        assert entry.updated_parsed[:3] == (2004, 1, 1)
        assert entry.summary == (
            "CoSN’s International Delegation to Australia, 2004. Its report: “Learning Down Under”."
        )

    def test_answers_304_when_unchanged(self, client):
        DelegationFactory()
        url = reverse("feed-latest")
        first = client.get(url)
        assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


HEAD_LINK = re.compile(
    r'<head>.*<link rel="alternate" type="application/atom\+xml" '
    r'title="[^"]+" href="/feeds/latest/">.*</head>',
    re.DOTALL,
)


def test_every_page_announces_the_feed_in_its_head(client):
    trip = DelegationFactory()
    symposium = SymposiumFactory()
    for url in ["/", "/delegations/", trip.get_absolute_url(), "/symposium/",
                symposium.get_absolute_url(), "/no-such-page/"]:  # fmt: skip
        assert HEAD_LINK.search(client.get(url).content.decode()), url


def audio(name="episode.mp3", size=4096):
    return ContentFile(b"\xff\xfb" + b"\0" * (size - 2), name=name)


class TestPodcastFeed:
    @pytest.fixture
    def trip(self):
        trip = DelegationFactory(
            title="Finland", slug="finland-2027", summary="Schools in Finland."
        )
        trip.contacts.add(PersonFactory(email=""), PersonFactory(email="trips@example.org"))
        return trip

    def test_has_the_channel_tags_podcast_apps_need(self, client, trip):
        DispatchFactory(delegation=trip, kind=PODCAST, audio_url="https://cdn.example.org/1.mp3")
        response = client.get(podcast_url(trip))
        feed = parse(response, "application/rss+xml").feed
        assert feed.title == "Finland: CoSN International Delegation podcast"
        assert feed.link == "http://testserver/delegations/finland-2027/"
        assert feed.subtitle == "Schools in Finland."
        assert feed.language == "en"
        assert feed.image.href == "http://testserver/static/img/podcast-cover.png"
        assert {"term": "Education", "scheme": "http://www.itunes.com/", "label": None} in feed.tags
        assert feed.publisher_detail == {"name": "CoSN", "email": "trips@example.org"}
        assert feed.author == "CoSN"
        # feedparser only understands the old "yes"/"clean"; Apple asks for "true"/"false".
        assert b"<itunes:explicit>false</itunes:explicit>" in response.content

    def test_the_default_artwork_is_a_square_png_podcast_apps_accept(self, settings):
        with Image.open(settings.BASE_DIR / "static" / PODCAST_COVER) as cover:
            assert cover.format == "PNG" and cover.mode == "RGB"
            assert cover.width == cover.height and 1400 <= cover.width <= 3000

    def test_keeps_the_square_artwork_even_when_the_trip_has_a_wide_hero_photo(self, client, trip):
        buffer = io.BytesIO()
        Image.new("RGB", (1800, 1200), "teal").save(buffer, "JPEG")
        trip.hero_image = SimpleUploadedFile("harbour.jpg", buffer.getvalue())
        trip.hero_alt = "Helsinki harbour"
        trip.save()
        DispatchFactory(delegation=trip, kind=PODCAST, audio_url="https://cdn.example.org/1.mp3")
        image = podcast(client, trip).feed.image.href
        assert image.endswith(".png") and "/static/img/podcast-cover" in image

    def test_the_owner_has_no_email_without_a_contact_email(self, client):
        trip = DelegationFactory()
        trip.contacts.add(PersonFactory(email=""))
        DispatchFactory(delegation=trip, kind=PODCAST, audio_url="https://cdn.example.org/1.mp3")
        response = client.get(podcast_url(trip))
        assert parse(response, "application/rss+xml").feed.publisher_detail == {"name": "CoSN"}
        assert b"itunes:email" not in response.content

    def test_episodes_have_enclosures_guids_and_transcripts(self, client, trip):
        uploaded = DispatchFactory(
            delegation=trip,
            kind=PODCAST,
            title="Episode 1",
            published_on=D(2027, 3, 8),
            audio_file=audio(size=4096),
            transcript="<p>Welcome to Helsinki.</p>",
        )
        linked = DispatchFactory(
            delegation=trip,
            kind=PODCAST,
            title="Episode 2",
            published_on=D(2027, 3, 9),
            audio_url="https://cdn.example.org/episode-2.m4a",
        )
        DispatchFactory(delegation=trip, title="A blog post")
        DispatchFactory(delegation=trip, kind=PODCAST, title="Unpublished", is_published=False)

        response = client.get(podcast_url(trip))
        entries = parse(response, "application/rss+xml").entries
        assert [entry.title for entry in entries] == ["Episode 2", "Episode 1"]
        second, first = entries

        assert first.id == f"dispatch-{uploaded.pk}" and not first.guidislink
        assert second.id == f"dispatch-{linked.pk}"
        [enclosure] = first.enclosures
        assert enclosure.href == f"http://testserver{uploaded.audio_file.url}"
        assert enclosure.length == "4096"
        assert enclosure.type == "audio/mpeg"
        [enclosure] = second.enclosures
        assert enclosure.href == "https://cdn.example.org/episode-2.m4a"
        assert enclosure.length == "0"
        assert enclosure.type == "audio/mp4"
        assert first.link == f"http://testserver{uploaded.get_absolute_url()}"
        assert first.published_parsed[:3] == (2027, 3, 8)

        transcript = f"http://testserver{uploaded.get_absolute_url()}#transcript-heading"
        assert f'<a href="{transcript}">Transcript</a>' in first.summary
        assert "Transcript" not in second.summary
        items = ET.fromstring(response.content).findall("channel/item")
        tags = [item.find(f"{{{PODCAST_NS}}}transcript") for item in items]
        assert tags[0] is None
        assert tags[1].attrib == {"url": transcript, "type": "text/html"}

    def test_the_transcript_link_points_at_the_transcript(self, client, trip):
        dispatch = DispatchFactory(
            delegation=trip, kind=PODCAST, audio_url="https://cdn.example.org/1.mp3",
            transcript="<p>Welcome.</p>",
        )  # fmt: skip
        [entry] = podcast(client, trip).entries
        anchor = entry.summary.split("#")[1].split('"')[0]
        page = client.get(dispatch.get_absolute_url()).content.decode()
        assert f'id="{anchor}"' in page

    @pytest.mark.parametrize(
        "case", ["blog posts only", "unpublished podcast", "draft delegation", "no such trip"]
    )
    def test_a_delegation_without_published_podcasts_has_no_podcast_feed(self, client, case):
        trip = DelegationFactory(is_published=case != "draft delegation", slug="finland")
        DispatchFactory(delegation=trip)
        if case != "blog posts only":
            DispatchFactory(
                delegation=trip, kind=PODCAST, audio_url="https://cdn.example.org/1.mp3",
                is_published=case != "unpublished podcast",
            )  # fmt: skip
        url = "/delegations/nowhere/podcast.xml" if case == "no such trip" else podcast_url(trip)
        assert client.get(url).status_code == 404

    def test_answers_304_when_unchanged(self, client, trip):
        DispatchFactory(delegation=trip, kind=PODCAST, audio_url="https://cdn.example.org/1.mp3")
        first = client.get(podcast_url(trip))
        assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
        again = client.get(podcast_url(trip), HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304


class TestPodcastLink:
    def test_a_delegation_page_links_to_its_podcast(self, client):
        trip = DelegationFactory(slug="finland")
        DispatchFactory(delegation=trip)
        DispatchFactory(delegation=trip, kind=PODCAST, audio_url="https://cdn.example.org/1.mp3")
        DispatchFactory(delegation=trip, kind=PODCAST, audio_url="https://cdn.example.org/2.mp3")
        page = client.get(trip.get_absolute_url()).content.decode()
        assert page.count('href="/delegations/finland/podcast.xml"') == 1
        assert "Subscribe to this delegation’s podcast (RSS feed)" in page

    def test_a_delegation_page_without_podcasts_has_no_podcast_link(self, client):
        trip = DelegationFactory(slug="finland")
        DispatchFactory(delegation=trip)
        assert "podcast.xml" not in client.get(trip.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_episodes_carry_their_real_size_and_duration(client):
    trip = DelegationFactory()
    DispatchFactory(
        delegation=trip,
        kind=Dispatch.Kind.PODCAST,
        title="Hosted elsewhere",
        body="",
        audio_url="https://cdn.example.org/episode.mp3",
        audio_size=12_345_678,
        duration=datetime.timedelta(minutes=42, seconds=10),
    )
    response = client.get(podcast_url(trip))
    [entry] = parse(response, "application/rss+xml").entries
    assert entry.enclosures[0].length == "12345678"
    assert entry.itunes_duration == "0:42:10"
