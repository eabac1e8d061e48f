"""schema.org descriptions of trip and report pages, as dicts for JSON-LD."""

from core.richtext import plain_text
from core.structured_data import COSN, SCHEMA, absolute, schema_dates


def place(destination):
    """A destination as a Place: a city or region with its country where they are known."""
    result = {"@type": "Place", "name": str(destination)}
    address = {}
    if destination.place and destination.country_id:
        address["addressLocality"] = destination.place
    if destination.country_id:
        address["addressCountry"] = destination.country.code or destination.country.name
    if address:
        result["address"] = {"@type": "PostalAddress", **address}
    return result


def itinerary_day(day):
    """A day of the trip as a sub-event: where, when, and what was visited."""
    result = {
        "@type": "Event",
        "name": str(day),
        "location": {
            "@type": "Place",
            "name": day.city,
            "address": {"@type": "PostalAddress", "addressLocality": day.city},
        },
    }
    if day.date:
        result["startDate"] = result["endDate"] = day.date.isoformat()
    visits = [visit.name for visit in day.visits.all()]
    if visits:
        result["description"] = "Visits: " + "; ".join(visits) + "."
    return result


def delegation_event(delegation, request):
    event = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": delegation.event_name,
        "url": absolute(request, delegation.get_absolute_url()),
        **schema_dates(delegation),
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "location": [place(destination) for destination in delegation.destinations.all()],
        "organizer": COSN,
    }
    if delegation.summary:
        event["description"] = delegation.summary
    days = [itinerary_day(day) for day in delegation.itinerary.all()]
    if days:
        event["subEvent"] = days
    image = delegation.preview_image
    if image:
        event["image"] = absolute(request, image.file.url)
    offer = registration_offer(delegation, request)
    if offer:
        event["offers"] = offer
    return event


# How each registration status reads as an offer's availability.
AVAILABILITY = {
    "open": "InStock",
    "waitlist": "SoldOut",
    "closed": "OutOfStock",
}


def registration_offer(delegation, request):
    """The trip's places as an Offer while it takes (or has stopped taking) applications."""
    availability = AVAILABILITY.get(delegation.registration_status)
    if availability is None:
        return None
    offer = {
        "@type": "Offer",
        "url": absolute(request, delegation.get_absolute_url()) + "#apply",
        "availability": f"{SCHEMA}/{availability}",
    }
    if delegation.cost is not None:
        offer["price"] = f"{delegation.cost:.2f}"
        offer["priceCurrency"] = delegation.currency or "USD"
    if delegation.registration_ends_at:
        offer["validThrough"] = delegation.registration_ends_at.isoformat()
    elif delegation.apply_by:
        offer["validThrough"] = delegation.apply_by.isoformat()
    return offer


def delegation_report(report, request):
    delegation = report.delegation
    result = {
        "@context": SCHEMA,
        "@type": "Report",
        "name": report.full_title,
        "url": absolute(request, report.get_absolute_url()),
        "inLanguage": report.languages,
        "publisher": COSN,
        "about": {
            "@type": "Event",
            "name": delegation.event_name,
            "url": absolute(request, delegation.get_absolute_url()),
        },
    }
    if report.alternate_title:
        result["alternateName"] = report.alternate_title
    if report.subtitle:
        result["alternativeHeadline"] = report.subtitle
    if report.summary:
        result["description"] = plain_text(report.summary)
    if report.published_on:
        result["datePublished"] = report.published_on.isoformat()
    if report.cover_image:
        result["image"] = absolute(request, report.cover_image.url)
    if report.file:
        result["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": absolute(request, report.file.url),
            "encodingFormat": "application/pdf",
            **({"contentSize": f"{report.file_size} B"} if report.file_size else {}),
        }
    return result
