"""The Atom feed of what is new on the site: trips, reports, and the delegates' posts.

It is public and wrapped in cache_public_page (see urls.py), which gives it an ETag,
Last-Modified and 304 answers like every other public page.
"""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import DateTimeField
from django.db.models.functions import Cast, Coalesce, Least
from django.urls import reverse_lazy
from django.utils import feedgenerator
from django.utils.html import escape
from django.utils.text import Truncator

from core.dates import start_of_day
from core.richtext import plain_text
from delegations.models import Delegation, Dispatch, Report, listing_relations

LATEST_LIMIT = 30
SUMMARY_WORDS = 60
PUBLISHER = "CoSN"


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
    title = delegation.event_name
    if delegation.dates_known:
        title += f" ({delegation.dates_display})"
    # News when it was announced; a trip entered afterwards, as history, is dated by the
    # trip itself, not by the day it was entered.
    when = delegation.created_at
    if delegation.dates_known:
        when = min(when, start_of_day(delegation.start_date))
    return Entry(
        title=title,
        link=delegation.get_absolute_url(),
        updated=when,
        published=when,
        summary=summary_html(delegation.description),
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
        author=dispatch.author.name if dispatch.author else None,
    )


class LatestFeed(Feed):
    """What is new: trips (by their last edit), reports and dispatches, newest first."""

    feed_type = feedgenerator.Atom1Feed
    title = "CoSN Global Leadership: what’s new"
    subtitle = (
        "New and updated CoSN International Delegations, their reports, "
        "and the delegates’ blog posts and podcasts."
    )
    link = reverse_lazy("landing")
    author_name = PUBLISHER
    language = "en"

    def items(self):
        news_on = Least("created_at", Coalesce(Cast("start_date", DateTimeField()), "created_at"))
        delegations = (
            Delegation.objects.published()
            .annotate(news_on=news_on)
            .order_by("-news_on", "-pk")
            .prefetch_related(*listing_relations())[:LATEST_LIMIT]
        )
        # A report counts from its publication date, or from its last edit without one.
        reports = (
            Report.objects.published()
            .select_related("delegation")
            .annotate(new_on=Coalesce(Cast("published_on", DateTimeField()), "updated_at"))
            .order_by("-new_on", "-pk")[:LATEST_LIMIT]
        )
        dispatches = (
            Dispatch.objects.published()
            .select_related("delegation", "author")
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
