"""schema.org descriptions of the symposium pages, as dicts for JSON-LD."""

from django.urls import reverse

from core.models import Role
from core.richtext import plain_text
from core.structured_data import COSN, SCHEMA, absolute, organisation, schema_dates

SERIES_NAME = "CoSN Annual International Symposium"


def symposium_dates(symposium):
    # The year of an edition is always known, even before its days are.
    return schema_dates(symposium) or {"startDate": str(symposium.year)}


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
    if symposium.location:
        event["location"] = {"@type": "Place", "name": symposium.location}
    partners = symposium.partners.all()
    sponsors = [organisation(p.organisation) for p in partners if p.role == Role.SPONSOR]
    contributors = [organisation(p.organisation) for p in partners if p.role != Role.SPONSOR]
    if sponsors:
        event["sponsor"] = sponsors
    if contributors:
        event["contributor"] = contributors
    return event
