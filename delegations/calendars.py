"""iCalendar files (RFC 5545): "Add to calendar" for one trip or symposium edition, and a
feed of everything upcoming that calendar apps can subscribe to.

Every event is an all-day event: trips and symposia are stored as whole days, widened to
the whole month or year when only those are known (see DateSpan), so DTSTART is the first
day and DTEND the day after the last, as RFC 5545 makes DTEND exclusive.

The views are public and wrapped in cache_public_page (see urls.py), which gives them an
ETag, Last-Modified and 304 answers like every other public page.
"""

import datetime
import re
from html import unescape

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from icalendar import Calendar, Event, vDuration

from symposium.models import Symposium

from .models import DatePrecision, Delegation, Destination

CALENDAR_NAME = "CoSN Global Leadership"
PRODID = "-//CoSN//Global Leadership//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# How often subscribers should fetch the feed again; the ETag makes a refetch cheap.
REFRESH_INTERVAL = datetime.timedelta(hours=12)
SEQUENCE_EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
DESCRIPTION_WORDS = 80


def plain_text(html):
    """Rich text as plain text, keeping paragraphs apart."""
    text = re.sub(r"(?i)<br\s*/?>|</(?:p|li|h[1-6]|blockquote)>", "\n", html or "")
    text = unescape(strip_tags(text))
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def sequence(updated_at):
    """A SEQUENCE that grows with every edit and stays put otherwise.

    RFC 5545 asks for a revision counter; the models keep none, but `updated_at` moves
    forward on every save, so whole seconds since a fixed epoch behave as one. The epoch
    keeps the number well inside the 32-bit integers some calendar apps store it in
    (until 2088). Two saves within the same second share a number, which is harmless.
    """
    return max(0, int((updated_at - SEQUENCE_EPOCH).total_seconds()))


def utc(moment):
    return moment.astimezone(datetime.UTC).replace(microsecond=0)


def dates_note(span, today):
    """Say when dates are only known by month or year; the event still spans all of it."""
    if span.date_precision not in (DatePrecision.MONTH, DatePrecision.YEAR):
        return ""
    if span.end_date >= today:
        return f"Dates: {span.dates_display} (exact days to be announced)"
    return f"Dates: {span.dates_display} (exact days not recorded)"


def build_event(request, *, uid, summary, span, updated_at, url, location, text, category):
    today = timezone.localdate()
    page = request.build_absolute_uri(url)
    event = Event()
    event.add("uid", f"{uid}@{request.get_host()}")
    # Without a METHOD property (this is a published calendar, not an invitation),
    # RFC 5545 section 3.8.7.2 makes DTSTAMP the time the event was last revised: the
    # same as LAST-MODIFIED. It also keeps the file identical until the item changes.
    event.add("dtstamp", utc(updated_at))
    event.add("last-modified", utc(updated_at))
    event.add("sequence", sequence(updated_at))
    event.add("dtstart", span.start_date)
    event.add("dtend", span.end_date + datetime.timedelta(days=1))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    description = [
        Truncator(text).words(DESCRIPTION_WORDS),
        dates_note(span, today),
        f"More: {page}",
    ]
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("url", page)
    event.add("categories", [category])
    return event


def delegation_event(request, delegation):
    return build_event(
        request,
        uid=f"delegation-{delegation.pk}",
        summary=f"CoSN International Delegation: {delegation.title}",
        span=delegation,
        updated_at=delegation.updated_at,
        url=delegation.get_absolute_url(),
        location=delegation.destinations_display,
        text=delegation.summary or plain_text(delegation.body),
        category="International Delegation",
    )


def symposium_event(request, symposium):
    theme = f"Theme: {symposium.theme}" if symposium.theme else ""
    return build_event(
        request,
        uid=f"symposium-{symposium.year}",
        summary=f"{symposium.year} {symposium.title}",
        span=symposium,
        updated_at=symposium.updated_at,
        url=symposium.get_absolute_url(),
        location=symposium.location,
        text="\n\n".join(part for part in (theme, plain_text(symposium.description)) if part),
        category="International Symposium",
    )


def new_calendar():
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def calendar_response(calendar, filename=None):
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def with_destinations(queryset):
    return queryset.prefetch_related(
        Prefetch("destinations", queryset=Destination.objects.select_related("country"))
    )


def delegation_calendar(request, slug):
    """One trip, to add to a calendar; none (404) for a trip whose dates are not known."""
    delegation = get_object_or_404(
        with_destinations(Delegation.objects.published().filter(start_date__isnull=False)),
        slug=slug,
    )
    calendar = new_calendar()
    calendar.add_component(delegation_event(request, delegation))
    return calendar_response(calendar, f"cosn-delegation-{delegation.slug}.ics")


def symposium_calendar(request, year):
    """One symposium edition; none (404) while its dates are not known."""
    symposium = get_object_or_404(
        Symposium.objects.published().filter(start_date__isnull=False), year=year
    )
    calendar = new_calendar()
    calendar.add_component(symposium_event(request, symposium))
    return calendar_response(calendar, f"cosn-symposium-{symposium.year}.ics")


def upcoming_calendar(request):
    """The feed to subscribe to: upcoming trips, and this year's and later symposia."""
    today = timezone.localdate()
    delegations = with_destinations(Delegation.objects.published().upcoming(today))
    symposia = Symposium.objects.published().filter(year__gte=today.year, start_date__isnull=False)
    calendar = new_calendar()
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("name", CALENDAR_NAME)
    calendar.add(
        "x-wr-caldesc", "Upcoming CoSN International Delegations and International Symposia."
    )
    # RFC 7986's REFRESH-INTERVAL, and X-PUBLISHED-TTL, the older name Outlook reads.
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    events = [delegation_event(request, delegation) for delegation in delegations]
    events += [symposium_event(request, symposium) for symposium in symposia]
    # Subscribers see the whole calendar anyway; a fixed order keeps the file stable.
    for event in sorted(events, key=lambda e: (e.decoded("dtstart"), str(e["uid"]))):
        # Trips in the feed are for information: they should not mark subscribers busy.
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar_response(calendar)
