from django.contrib.sitemaps import Sitemap

from .models import Delegation, Dispatch, Report


class DelegationSitemap(Sitemap):
    def items(self):
        return Delegation.objects.published().order_by("slug")

    def lastmod(self, delegation):
        return delegation.updated_at


class ReportSitemap(Sitemap):
    def items(self):
        return (
            Report.objects.published()
            .select_related("delegation")
            .order_by("delegation__slug", "slug")
        )

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
        return dispatch.updated_at
