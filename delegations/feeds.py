"""Feeds: an Atom feed of what is new on the site, and a podcast per delegation.

Both are public and wrapped in cache_public_page (see urls.py), which gives them an ETag,
Last-Modified and 304 answers like every other public page.

A Feed instance serves every request, so nothing request-specific is stored on it:
get_object() and items() build plain objects that carry what the item methods need.
"""

import datetime
import logging
import mimetypes
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.contrib.syndication.views import Feed
from django.db.models import DateTimeField
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils import feedgenerator, timezone
from django.utils.html import escape, format_html
from django.utils.text import Truncator

from .calendars import plain_text
from .models import Delegation, Dispatch, Report

logger = logging.getLogger(__name__)

LATEST_LIMIT = 30
SUMMARY_WORDS = 60
PUBLISHER = "CoSN"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
DEFAULT_AUDIO_TYPE = "audio/mpeg"
# Podcast apps want square JPEG or PNG artwork of 1400-3000 pixels; SVG is refused.
PODCAST_COVER = "img/podcast-cover.png"


def start_of_day(day):
    """A date as the first moment of that day in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


@dataclass
class Entry:
    title: str
    link: str
    updated: datetime.datetime
    published: datetime.datetime | None
    summary: str
    category: str
    author: str | None = None


def summary_html(text):
    # Atom summaries are declared type="html": plain text is escaped to stay text.
    return escape(Truncator(text).words(SUMMARY_WORDS))


def delegation_entry(delegation):
    title = f"International Delegation: {delegation.title}"
    if delegation.dates_known:
        title += f" ({delegation.dates_display})"
    return Entry(
        title=title,
        link=delegation.get_absolute_url(),
        updated=delegation.updated_at,
        published=delegation.created_at,
        summary=summary_html(delegation.summary or plain_text(delegation.body)),
        category="International Delegation",
    )


def report_entry(report):
    published = start_of_day(report.published_on) if report.published_on else None
    return Entry(
        title=f"Report: {report.full_title}",
        link=report.get_absolute_url(),
        updated=published or report.updated_at,
        published=published,
        summary=summary_html(plain_text(report.summary) or report.subtitle),
        category="Report",
    )


def dispatch_entry(dispatch):
    published = start_of_day(dispatch.published_on)
    return Entry(
        title=f"{dispatch.get_kind_display()}: {dispatch.title}",
        link=dispatch.get_absolute_url(),
        updated=published,
        published=published,
        summary=summary_html(
            plain_text(dispatch.body) or f"From the {dispatch.delegation.title} delegation."
        ),
        category=dispatch.get_kind_display(),
        author=dispatch.author or None,
    )


class LatestFeed(Feed):
    """What is new: trips (by their last edit), reports and dispatches, newest first."""

    feed_type = feedgenerator.Atom1Feed
    title = "CoSN Global Leadership: what’s new"
    subtitle = (
        "New and updated CoSN International Delegations, their reports, "
        "and the delegates’ blog posts and podcasts."
    )
    link = reverse_lazy("delegations:landing")
    author_name = PUBLISHER
    language = "en"

    def items(self):
        delegations = Delegation.objects.published().order_by("-updated_at")[:LATEST_LIMIT]
        # A report counts from its publication date, or from its last edit without one.
        reports = (
            Report.objects.published()
            .select_related("delegation")
            .annotate(new_on=Coalesce(Cast("published_on", DateTimeField()), "updated_at"))
            .order_by("-new_on", "-pk")[:LATEST_LIMIT]
        )
        dispatches = (
            Dispatch.objects.published()
            .select_related("delegation")
            .order_by("-published_on", "-pk")[:LATEST_LIMIT]
        )
        entries = [
            *(delegation_entry(delegation) for delegation in delegations),
            *(report_entry(report) for report in reports),
            *(dispatch_entry(dispatch) for dispatch in dispatches),
        ]
        return sorted(entries, key=lambda entry: entry.updated, reverse=True)[:LATEST_LIMIT]

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.link

    def item_description(self, item):
        return item.summary

    def item_updateddate(self, item):
        return item.updated

    def item_pubdate(self, item):
        return item.published

    def item_author_name(self, item):
        return item.author

    def item_categories(self, item):
        return [item.category]


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
    """The episode's audio with its size and type; podcast apps download this."""
    if dispatch.audio_file:
        try:
            length = dispatch.audio_file.size
        except Exception:
            # A missing file should not take the whole feed down; 0 means "unknown".
            logger.warning("Cannot read the size of %s.", dispatch.audio_file.name, exc_info=True)
            length = 0
        return feedgenerator.Enclosure(
            url=request.build_absolute_uri(dispatch.audio_file.url),
            length=str(length),
            mime_type=audio_type(dispatch.audio_file.name),
        )
    if dispatch.audio_url:
        # The length of audio hosted elsewhere is unknown; RSS readers accept 0.
        return feedgenerator.Enclosure(
            url=dispatch.audio_url,
            length="0",
            mime_type=audio_type(urlparse(dispatch.audio_url).path),
        )
    return None


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
        return item.dispatch.author or None

    def item_enclosures(self, item):
        return [item.enclosure] if item.enclosure else []

    def item_extra_kwargs(self, item):
        return {"transcript_url": item.transcript_url}
