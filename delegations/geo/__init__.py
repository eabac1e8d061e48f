"""Where the delegations went: countries and regions as one list, and the world map's shapes.

The map's outlines come from countries.json, made once by build.py from Natural Earth.
"""

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q
from django.utils.text import slugify

COUNTRIES_FILE = Path(__file__).resolve().parent / "countries.json"
# A country narrower than this (in viewBox units, 2000 across) also gets a dot, so that
# Singapore or Malta can be seen and clicked.
MARKER_BELOW = 12


@functools.cache
def world():
    return json.loads(COUNTRIES_FILE.read_text())


@dataclass
class Place:
    """A country, or a region that spans countries (a destination with no country)."""

    slug: str
    name: str
    code: str = ""
    country_ids: set = field(default_factory=set)
    region_names: set = field(default_factory=set)
    delegations: list = field(default_factory=list)

    def destination_filter(self):
        """The destinations in this place, as a filter on Destination."""
        return Q(country__in=self.country_ids) | Q(
            country__isnull=True, place__in=self.region_names
        )

    @property
    def shape(self):
        """The country's outline on the world map, or None if it cannot be drawn."""
        return world()["countries"].get(self.code.upper()) if self.code else None


def place_slug(name, fallback):
    return slugify(name, allow_unicode=True) or fallback


def places(destinations):
    """Countries and regions visited by these destinations, A to Z, with their delegations.

    Destinations need their country (select_related); each place's delegations keep the
    destinations' order and appear once. A region spelt like a country (or two names that
    make the same slug) is one place.
    """
    found = {}
    for destination in destinations:
        country = destination.country
        if country is not None:
            slug = place_slug(country.name, f"country-{country.pk}")
            place = found.setdefault(slug, Place(slug=slug, name=country.name))
            place.name, place.code = country.name, place.code or country.code
            place.country_ids.add(country.pk)
        elif destination.place:
            slug = place_slug(destination.place, "")
            if not slug:
                continue
            place = found.setdefault(slug, Place(slug=slug, name=destination.place))
            place.region_names.add(destination.place)
        else:
            continue
        # Only a delegation fetched with the destination: never a query per row.
        if type(destination).delegation.is_cached(destination):
            if destination.delegation not in place.delegations:
                place.delegations.append(destination.delegation)
    return sorted(found.values(), key=lambda place: place.name.casefold())
