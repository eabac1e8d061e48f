"""A trip's "Add to calendar" file (see core/calendars.py for how events are built)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from core.calendars import build_event, calendar_response, new_calendar
from core.richtext import plain_text

from .models import Delegation, Destination


def delegation_event(request, delegation):
    return build_event(
        request,
        uid=f"delegation-{delegation.pk}",
        summary=delegation.event_name,
        span=delegation,
        updated_at=delegation.updated_at,
        url=delegation.get_absolute_url(),
        location=delegation.destinations_display,
        text=delegation.summary or plain_text(delegation.body, paragraphs=True),
        category="International Delegation",
        extra=[itinerary_text(delegation)] if delegation.itinerary.all() else [],
    )


def itinerary_text(delegation):
    return "\n".join(["Day by day:", *(str(day) for day in delegation.itinerary.all())])


def with_destinations(queryset):
    return queryset.prefetch_related(
        Prefetch("destinations", queryset=Destination.objects.select_related("country")),
        "itinerary",
    )


def delegation_calendar(request, slug):
    """One trip, to add to a calendar; none (404) for a trip whose days are not known."""
    delegation = get_object_or_404(
        with_destinations(Delegation.objects.published().exact_days()), slug=slug
    )
    calendar = new_calendar()
    calendar.add_component(delegation_event(request, delegation))
    return calendar_response(calendar, f"cosn-delegation-{delegation.slug}.ics")
