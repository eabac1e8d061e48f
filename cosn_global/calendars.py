"""The calendar that visitors subscribe to: every upcoming trip and symposium edition."""

import datetime

from django.utils import timezone
from icalendar import vDuration

from core.calendars import calendar_response, new_calendar
from delegations.calendars import delegation_event, with_destinations
from delegations.models import Delegation
from symposium.calendars import symposium_event
from symposium.models import Symposium

CALENDAR_NAME = "CoSN Global Leadership"
# How often subscribers should fetch the feed again; the ETag makes a refetch cheap.
REFRESH_INTERVAL = datetime.timedelta(hours=12)


def upcoming_calendar(request):
    """Upcoming trips and symposium editions whose days are known."""
    today = timezone.localdate()
    delegations = with_destinations(Delegation.objects.published().upcoming(today).exact_days())
    symposia = Symposium.objects.published().upcoming(today).exact_days()
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
