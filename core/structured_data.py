"""schema.org building blocks for JSON-LD (rendered by the `jsonld` filter, templatetags/seo.py).

Only facts the editors entered are stated: a value that is not known is left out, never
guessed. URLs are absolute, built from the request like the page's canonical link.
"""

from dataclasses import dataclass

from .dates import DatePrecision

SCHEMA = "https://schema.org"

COSN = {
    "@type": "Organization",
    "name": "CoSN",
    "alternateName": "Consortium for School Networking",
}


@dataclass(frozen=True)
class PreviewImage:
    """The picture that stands for a page in link previews (og:image) and JSON-LD."""

    file: object
    width: int | None
    height: int | None
    alt: str


def schema_dates(span):
    """startDate and endDate as precisely as they are known.

    schema.org dates are ISO 8601, which also allows a reduced precision: "2013-10" is
    October 2013 and "2007" the year 2007. So a span known only by its month or year is
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


def absolute(request, url):
    return request.build_absolute_uri(url)


def organisation(org):
    result = {"@type": "Organization", "name": org.name}
    if org.website:
        result["url"] = org.website
    return result


def cosn_organization():
    return {"@context": SCHEMA, **COSN}


def person(someone, request):
    """A person, as their page describes them."""
    result = {
        "@context": SCHEMA,
        "@type": "Person",
        "name": someone.name,
        "url": absolute(request, someone.get_absolute_url()),
    }
    if someone.title:
        result["jobTitle"] = someone.title
    if someone.organisation:
        result["worksFor"] = organisation(someone.organisation)
    if someone.bio:
        result["description"] = someone.bio
    if someone.photo:
        result["image"] = absolute(request, someone.photo.url)
    return result
