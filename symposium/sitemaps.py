from django.contrib.sitemaps import Sitemap

from .models import Symposium


class SymposiumSitemap(Sitemap):
    def items(self):
        return Symposium.objects.published().order_by("-year")

    def lastmod(self, symposium):
        return symposium.updated_at
