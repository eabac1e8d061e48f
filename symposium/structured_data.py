"""schema.org descriptions of the symposium pages, as dicts for JSON-LD."""

from django.urls import reverse

from core.models import Role
from core.richtext import plain_text
from core.structured_data import COSN, SCHEMA, absolute, organisation, schema_dates

SERIES_NAME = "CoSN Annual International Symposium"


def symposium_dates(symposium):
    # To the minute, in the venue's zone, when the times are known; the year of an
    # edition is always known, even before its days are.
    if symposium.starts_at and symposium.ends_at:
        return {
            "startDate": symposium.starts_at.isoformat(),
            "endDate": symposium.ends_at.isoformat(),
        }
    return schema_dates(symposium) or {"startDate": str(symposium.year)}


def person(someone):
    return {"@type": "Person", "name": someone.name}


def session(item):
    result = {"@type": "Event", "name": item.title}
    if item.starts_at:
        result["startDate"] = item.starts_at.isoformat()
    if item.ends_at:
        result["endDate"] = item.ends_at.isoformat()
    if item.room:
        result["location"] = {"@type": "Place", "name": item.room}
    speakers = [person(p) for p in item.speakers.all()]
    if speakers:
        result["performer"] = speakers
    if item.description:
        result["description"] = plain_text(item.description)
    return result


def series_ref(request):
    return {
        "@type": "EventSeries",
        "name": SERIES_NAME,
        "url": absolute(request, reverse("symposium:symposium-list")),
    }


def symposium_series(editions, request):
    return {
        "@context": SCHEMA,
        **series_ref(request),
        "organizer": COSN,
        "subEvent": [
            {
                "@type": "Event",
                "name": f"{edition.year} {edition.title}",
                "url": absolute(request, edition.get_absolute_url()),
                **symposium_dates(edition),
            }
            for edition in editions
        ],
    }


def symposium_event(symposium, request):
    event = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": f"{symposium.year} {symposium.title}",
        "url": absolute(request, symposium.get_absolute_url()),
        **symposium_dates(symposium),
        "organizer": COSN,
        "superEvent": series_ref(request),
    }
    if symposium.theme:
        event["about"] = {"@type": "Thing", "name": symposium.theme}
    if symposium.description:
        event["description"] = plain_text(symposium.description)
    if symposium.venue_name or symposium.location:
        event["location"] = {
            "@type": "Place",
            "name": symposium.venue_name or symposium.location,
        }
        address = {
            key: value
            for key, value in (
                ("streetAddress", symposium.venue_address),
                ("addressLocality", symposium.venue_city),
            )
            if value
        }
        if address:
            event["location"]["address"] = {"@type": "PostalAddress", **address}
    if symposium.registration_url:
        event["offers"] = {"@type": "Offer", "url": symposium.registration_url}
    sessions = [session(item) for item in symposium.sessions.all()]
    if sessions:
        event["subEvent"] = sessions
    partners = symposium.partners.all()
    sponsors = [organisation(p.organisation) for p in partners if p.role == Role.SPONSOR]
    contributors = [organisation(p.organisation) for p in partners if p.role != Role.SPONSOR]
    if sponsors:
        event["sponsor"] = sponsors
    if contributors:
        event["contributor"] = contributors
    return event
