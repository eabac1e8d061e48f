"""A podcast feed per delegation, for podcast apps.

It is public and wrapped in cache_public_page (see urls.py), which gives it an ETag,
Last-Modified and 304 answers like every other public page.

A Feed instance serves every request, so nothing request-specific is stored on it:
get_object() builds plain objects that carry what the item methods need.
"""

import mimetypes
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape, format_html
from django.utils.text import Truncator

from core.dates import start_of_day
from core.richtext import plain_text

from .journal import JournalFilter
from .models import Delegation, Dispatch

PUBLISHER = "CoSN"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
DEFAULT_AUDIO_TYPE = "audio/mpeg"
# Podcast apps want square JPEG or PNG artwork of 1400-3000 pixels; SVG is refused.
PODCAST_COVER = "img/podcast-cover.png"


class PodcastFeedGenerator(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the tags podcast apps read: Apple's itunes: and Podcast Index's podcast:."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:itunes": ITUNES_NS, "xmlns:podcast": PODCAST_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("itunes:image", None, {"href": self.feed["image_url"]})
        handler.addQuickElement("itunes:category", None, {"text": "Education"})
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("itunes:author", self.feed["owner_name"])
        handler.addQuickElement("itunes:type", "episodic")
        handler.startElement("itunes:owner", {})
        handler.addQuickElement("itunes:name", self.feed["owner_name"])
        if self.feed["owner_email"]:
            handler.addQuickElement("itunes:email", self.feed["owner_email"])
        handler.endElement("itunes:owner")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["duration"]:
            handler.addQuickElement("itunes:duration", itunes_duration(item["duration"]))
        if item["transcript_url"]:
            handler.addQuickElement(
                "podcast:transcript", None, {"url": item["transcript_url"], "type": "text/html"}
            )


@dataclass
class Episode:
    dispatch: Dispatch
    enclosure: feedgenerator.Enclosure | None
    transcript_url: str


@dataclass
class Podcast:
    delegation: Delegation
    image_url: str
    owner_email: str
    episodes: list = field(default_factory=list)


def audio_type(name):
    return mimetypes.guess_type(name)[0] or DEFAULT_AUDIO_TYPE


def audio_enclosure(request, dispatch):
    """The episode's audio with its size in bytes (measured on upload, or entered for
    audio hosted elsewhere; 0, which podcast apps accept, when unknown) and type."""
    length = str(dispatch.audio_size or 0)
    if dispatch.audio_file:
        return feedgenerator.Enclosure(
            url=request.build_absolute_uri(dispatch.audio_file.url),
            length=length,
            mime_type=audio_type(dispatch.audio_file.name),
        )
    if dispatch.audio_url:
        return feedgenerator.Enclosure(
            url=dispatch.audio_url,
            length=length,
            mime_type=audio_type(urlparse(dispatch.audio_url).path),
        )
    return None


def itunes_duration(duration):
    """H:MM:SS, as podcast apps read it."""
    seconds = int(duration.total_seconds())
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class PodcastFeed(Feed):
    """A delegation's podcast episodes, for podcast apps; 404 for a trip without any."""

    feed_type = PodcastFeedGenerator
    language = "en"

    def get_object(self, request, slug):
        delegation = get_object_or_404(
            Delegation.objects.published().prefetch_related("contacts"), slug=slug
        )
        dispatches = (
            Dispatch.objects.published()
            .filter(delegation=delegation, kind=Dispatch.Kind.PODCAST)
            .select_related("author")
            .order_by("-published_on", "-pk")
        )
        if not dispatches:
            raise Http404("This delegation has no podcast.")
        # Podcast directories require square artwork of 1400-3000 px; hero photos are wide.
        image = static(PODCAST_COVER)
        contacts = [contact for contact in delegation.contacts.all() if contact.email]
        podcast = Podcast(
            delegation=delegation,
            image_url=request.build_absolute_uri(image),
            # No invented address: without a contact's email the owner has a name only.
            owner_email=contacts[0].email if contacts else "",
        )
        for dispatch in dispatches:
            dispatch.delegation = delegation
            # The heading of the transcript section on the dispatch page.
            transcript = f"{dispatch.get_absolute_url()}#transcript-heading"
            podcast.episodes.append(
                Episode(
                    dispatch=dispatch,
                    enclosure=audio_enclosure(request, dispatch),
                    transcript_url=request.build_absolute_uri(transcript)
                    if dispatch.transcript
                    else "",
                )
            )
        return podcast

    def title(self, obj):
        return f"{obj.delegation.title}: CoSN International Delegation podcast"

    def link(self, obj):
        return obj.delegation.get_absolute_url()

    def description(self, obj):
        return obj.delegation.summary or (
            f"Podcast episodes from CoSN’s International Delegation: {obj.delegation.title}."
        )

    def feed_extra_kwargs(self, obj):
        return {"image_url": obj.image_url, "owner_name": PUBLISHER, "owner_email": obj.owner_email}

    def items(self, obj):
        return obj.episodes

    def item_title(self, item):
        return item.dispatch.title

    def item_link(self, item):
        return item.dispatch.get_absolute_url()

    def item_description(self, item):
        # Show notes are HTML in RSS; the body is rich text already sanitised on save.
        notes = item.dispatch.body
        if item.transcript_url:
            notes += format_html('<p><a href="{}">Transcript</a></p>', item.transcript_url)
        return notes or None

    def item_guid(self, item):
        return f"dispatch-{item.dispatch.pk}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return start_of_day(item.dispatch.published_on)

    def item_author_name(self, item):
        author = item.dispatch.author
        return author.name if author else None

    def item_enclosures(self, item):
        return [item.enclosure] if item.enclosure else []

    def item_extra_kwargs(self, item):
        return {"transcript_url": item.transcript_url, "duration": item.dispatch.duration}


class JournalFeed(Feed):
    """The delegates' journal (journal.py) as an Atom feed: the newest posts and episodes,
    with the journal's own filters (?trip=...&kind=...)."""

    feed_type = feedgenerator.Atom1Feed
    title = "CoSN International Delegations: the delegates' journal"
    subtitle = "Blog posts and podcast episodes by the delegates, newest first."
    author_name = PUBLISHER
    language = "en"
    limit = 30

    def get_object(self, request):
        return JournalFilter(request.GET)

    def link(self, journal):
        return reverse("delegations:journal")

    def items(self, journal):
        return journal.entries()[: self.limit]

    def item_title(self, dispatch):
        return f"{dispatch.get_kind_display()}: {dispatch.title}"

    def item_description(self, dispatch):
        text = plain_text(dispatch.body) or f"From the {dispatch.delegation.title} delegation."
        return escape(Truncator(text).words(60))

    def item_pubdate(self, dispatch):
        return start_of_day(dispatch.published_on)

    def item_updateddate(self, dispatch):
        return dispatch.updated_at

    def item_author_name(self, dispatch):
        return dispatch.author.name if dispatch.author else None

    def item_categories(self, dispatch):
        return [dispatch.get_kind_display(), dispatch.delegation.title]
