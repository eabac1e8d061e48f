"""iCalendar (RFC 5545) building blocks for the "Add to calendar" files of trips and
symposium editions and for the calendar that visitors subscribe to.

Every event is an all-day event of exactly known days (dates.DateSpan.exact_days): a trip
known only by its month or year is not an event anyone can put in a calendar, and a
month-long or year-long one would be invented. DTSTART is the first day and DTEND the day
after the last, as RFC 5545 makes DTEND exclusive.

The views that serve them are public and wrapped in cache_public_page, which gives them
an ETag, Last-Modified and 304 answers like every other public page.
"""

import datetime

from django.http import HttpResponse
from django.utils.text import Truncator
from icalendar import Calendar, Event

PRODID = "-//CoSN//Global Leadership//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
SEQUENCE_EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
DESCRIPTION_WORDS = 80


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


def build_event(
    request,
    *,
    uid,
    summary,
    span,
    updated_at,
    url,
    location,
    text,
    category,
    starts=None,
    ends=None,
    extra=(),
):
    """An event of the span's days; from `starts` to `ends` (aware datetimes, given in the
    zone of the place) when the times are known too."""
    page = request.build_absolute_uri(url)
    event = Event()
    event.add("uid", f"{uid}@{request.get_host()}")
    # Without a METHOD property (this is a published calendar, not an invitation),
    # RFC 5545 section 3.8.7.2 makes DTSTAMP the time the event was last revised: the
    # same as LAST-MODIFIED. It also keeps the file identical until the item changes.
    event.add("dtstamp", utc(updated_at))
    event.add("last-modified", utc(updated_at))
    event.add("sequence", sequence(updated_at))
    if starts and ends:
        event.add("dtstart", starts)
        event.add("dtend", ends)
    else:
        event.add("dtstart", span.start_date)
        event.add("dtend", span.end_date + datetime.timedelta(days=1))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    description = [Truncator(text).words(DESCRIPTION_WORDS), *extra, f"More: {page}"]
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("url", page)
    event.add("categories", [category])
    return event


def new_calendar():
    calendar = Calendar()
    # Events with a time carry their zone (TZID); the calendar then describes each zone.
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def calendar_response(calendar, filename=None):
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
