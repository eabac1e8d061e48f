"""The public pages for sitemap.xml (assembled in cosn_global/urls.py)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from .models import ContentVersion, Delegation, Dispatch, Report


class StaticViewSitemap(Sitemap):
    """The overview pages: the landing page, the lists and the map of past trips."""

    def items(self):
        return [
            "delegations:landing",
            "delegations:delegation-list",
            "delegations:overview",
            "symposium:symposium-list",
        ]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        # These pages show nearly every trip, report and edition, so they change with any
        # edit; the content version's time also counts unpublishing and deleting, which
        # leave no updated_at behind.
        if not hasattr(self, "_changed_at"):
            self._changed_at = ContentVersion.current()[1]
        return self._changed_at


class DelegationSitemap(Sitemap):
    def items(self):
        return Delegation.objects.published().order_by("slug")

    def lastmod(self, delegation):
        return delegation.updated_at


class ReportSitemap(Sitemap):
    def items(self):
        return Report.objects.published().select_related("delegation").order_by("slug")

    def lastmod(self, report):
        return report.updated_at


class DispatchSitemap(Sitemap):
    def items(self):
        return (
            Dispatch.objects.published()
            .select_related("delegation")
            .order_by("delegation__slug", "slug")
        )

    def lastmod(self, dispatch):
        # Dispatches keep no edit time. The page shows its trip's title too, so it has
        # changed at the latest of its publication date and the trip's last edit.
        return max(dispatch.published_on, timezone.localdate(dispatch.delegation.updated_at))
