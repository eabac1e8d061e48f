"""schema.org descriptions of the pages, as dicts for JSON-LD (see templatetags/seo.py).

Only facts the editors entered are stated: a value that is not known is left out, never
guessed. URLs are absolute, built from the request like the page's canonical link.
"""

import html
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import strip_tags

from .models import DatePrecision, Report, Role

SCHEMA = "https://schema.org"
SYMPOSIUM_SERIES_NAME = "CoSN Annual International Symposium"

COSN = {
    "@type": "Organization",
    "name": "CoSN",
    "alternateName": "Consortium for School Networking",
}


@dataclass(frozen=True)
class PreviewImage:
    file: object
    width: int | None
    height: int | None
    alt: str


def preview_image(obj):
    """The photo that stands for a delegation, report or dispatch page, or None.

    A report's own cover comes first; otherwise the trip's hero photo, as the page-sized
    rendition (the original until the rendition exists).
    """
    if isinstance(obj, Report) and obj.cover_image:
        return PreviewImage(obj.cover_image, None, None, obj.cover_alt)
    delegation = getattr(obj, "delegation", obj)
    if delegation.hero_rendition:
        return PreviewImage(
            delegation.hero_rendition,
            delegation.hero_rendition_width,
            delegation.hero_rendition_height,
            delegation.hero_alt,
        )
    if delegation.hero_image:
        return PreviewImage(
            delegation.hero_image,
            delegation.hero_width,
            delegation.hero_height,
            delegation.hero_alt,
        )
    return None


def plain_text(rich_text):
    # JSON-LD values are text, not HTML: "&amp;" must be read as "&".
    return " ".join(html.unescape(strip_tags(rich_text)).split())


def schema_dates(span):
    """startDate and endDate as precisely as they are known.

    schema.org dates are ISO 8601, which also allows a reduced precision: "2013-10" is
    October 2013 and "2007" the year 2007. So a trip known only by its month or year is
    stated as exactly that, without inventing days; with no dates, nothing is stated.
    """
    if not span.dates_known:
        return {}
    formats = {DatePrecision.MONTH: "%Y-%m", DatePrecision.YEAR: "%Y"}
    pattern = formats.get(span.date_precision, "%Y-%m-%d")
    return {
        "startDate": span.start_date.strftime(pattern),
        "endDate": span.end_date.strftime(pattern),
    }


def place(destination):
    result = {"@type": "Place", "name": str(destination)}
    if destination.country_id:
        country = destination.country
        result["address"] = {
            "@type": "PostalAddress",
            "addressCountry": country.code or country.name,
        }
    return result


def absolute(request, url):
    return request.build_absolute_uri(url)


def organisation(org):
    result = {"@type": "Organization", "name": org.name}
    if org.website:
        result["url"] = org.website
    return result


def cosn_organization():
    return {"@context": SCHEMA, **COSN}


def delegation_event(delegation, request):
    event = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": delegation.title,
        "url": absolute(request, delegation.get_absolute_url()),
        **schema_dates(delegation),
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "location": [place(destination) for destination in delegation.destinations.all()],
        "organizer": COSN,
    }
    if delegation.summary:
        event["description"] = delegation.summary
    image = preview_image(delegation)
    if image:
        event["image"] = absolute(request, image.file.url)
    return event


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
            "name": delegation.title,
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


def symposium_dates(symposium):
    # The year of an edition is always known, even before its days are.
    return schema_dates(symposium) or {"startDate": str(symposium.year)}


def symposium_series_ref(request):
    return {
        "@type": "EventSeries",
        "name": SYMPOSIUM_SERIES_NAME,
        "url": absolute(request, reverse("symposium:symposium-list")),
    }


def symposium_series(editions, request):
    return {
        "@context": SCHEMA,
        **symposium_series_ref(request),
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
        "superEvent": symposium_series_ref(request),
    }
    if symposium.theme:
        event["about"] = {"@type": "Thing", "name": symposium.theme}
    if symposium.description:
        event["description"] = plain_text(symposium.description)
    if symposium.location:
        event["location"] = {"@type": "Place", "name": symposium.location}
    partners = symposium.partnerships.all()
    sponsors = [organisation(p.organisation) for p in partners if p.role == Role.SPONSOR]
    contributors = [organisation(p.organisation) for p in partners if p.role != Role.SPONSOR]
    if sponsors:
        event["sponsor"] = sponsors
    if contributors:
        event["contributor"] = contributors
    return event
