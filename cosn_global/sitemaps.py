"""sitemap.xml: the overview pages, and every published trip, report, dispatch and edition."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from delegations.sitemaps import DelegationSitemap, DispatchSitemap, ReportSitemap
from pagecache import version
from symposium.sitemaps import SymposiumSitemap

from .people import public_people


class OverviewSitemap(Sitemap):
    """The landing page, the lists, the map of past trips and the privacy notice."""

    def items(self):
        return [
            "landing",
            "delegations:delegation-list",
            "delegations:overview",
            "delegations:journal",
            "symposium:symposium-list",
            "privacy",
        ]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        # These pages show nearly every trip, report and edition, so they change with any
        # edit; the content version's time also counts unpublishing and deleting, which
        # leave no updated_at behind.
        if not hasattr(self, "_changed_at"):
            self._changed_at = version.current()[1]
        return self._changed_at


class PersonSitemap(Sitemap):
    """People's pages: only of those something public names (see people.py)."""

    def items(self):
        return public_people().order_by("slug")

    def lastmod(self, person):
        # A person's page lists what they took part in, which changes with any edit.
        if not hasattr(self, "_changed_at"):
            self._changed_at = version.current()[1]
        return self._changed_at


SITEMAPS = {
    "pages": OverviewSitemap,
    "delegations": DelegationSitemap,
    "reports": ReportSitemap,
    "dispatches": DispatchSitemap,
    "symposia": SymposiumSitemap,
    "people": PersonSitemap,
}
