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
        place = add_place(
            found,
            country and (country.pk, country.name, country.code),
            destination.place,
        )
        # Only a delegation fetched with the destination: never a query per row.
        if place is not None and type(destination).delegation.is_cached(destination):
            if destination.delegation not in place.delegations:
                place.delegations.append(destination.delegation)
    return sorted(found.values(), key=lambda place: place.name.casefold())


def place_choices(rows):
    """The places of (country pk, country name, country code, place) rows, as places() finds
    them from destinations, without their delegations.

    For pages that only offer the places to choose from: a few columns of each distinct
    place are enough, not every destination and its country as model instances.
    """
    found = {}
    # In a fixed order, so that which name or code wins a shared slug does not vary.
    for country_id, name, code, region in sorted(rows, key=lambda row: (row[0] or 0, row[3])):
        add_place(found, country_id and (country_id, name, code), region)
    return sorted(found.values(), key=lambda place: place.name.casefold())


def add_place(found, country, region):
    """Record one destination, a (pk, name, code) country or else a region, in `found`.

    Return its place, or None for a destination with neither.
    """
    if country:
        pk, name, code = country
        slug = place_slug(name, f"country-{pk}")
        place = found.setdefault(slug, Place(slug=slug, name=name))
        place.name, place.code = name, place.code or code
        place.country_ids.add(pk)
        return place
    if region:
        slug = place_slug(region, "")
        if not slug:
            return None
        place = found.setdefault(slug, Place(slug=slug, name=region))
        place.region_names.add(region)
        return place
    return None
