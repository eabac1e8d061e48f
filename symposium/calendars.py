"""A symposium edition's "Add to calendar" file (see core/calendars.py)."""

from django.shortcuts import get_object_or_404

from core.calendars import build_event, calendar_response, new_calendar
from core.richtext import plain_text

from .models import Symposium


def symposium_event(request, symposium):
    theme = f"Theme: {symposium.theme}" if symposium.theme else ""
    description = plain_text(symposium.description, paragraphs=True)
    return build_event(
        request,
        uid=f"symposium-{symposium.year}",
        summary=f"{symposium.year} {symposium.title}",
        span=symposium,
        updated_at=symposium.updated_at,
        url=symposium.get_absolute_url(),
        location=", ".join(
            part
            for part in (symposium.venue_name, symposium.venue_city, symposium.location)
            if part
        ),
        text="\n\n".join(part for part in (theme, description) if part),
        category="International Symposium",
        starts=symposium.starts_at,
        ends=symposium.ends_at,
    )


def symposium_calendar(request, year):
    """One symposium edition; none (404) while its days are not known."""
    symposium = get_object_or_404(Symposium.objects.published().exact_days(), year=year)
    calendar = new_calendar()
    calendar.add_component(symposium_event(request, symposium))
    return calendar_response(calendar, f"cosn-symposium-{symposium.year}.ics")
