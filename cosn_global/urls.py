from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from delegations.caching import cache_public_page
from delegations.sitemaps import (
    DelegationSitemap,
    DispatchSitemap,
    ReportSitemap,
    StaticViewSitemap,
)
from symposium.sitemaps import SymposiumSitemap

from . import health, views

admin.site.site_header = "CoSN Global Leadership"
admin.site.site_title = "CoSN Global Leadership admin"
admin.site.index_title = "Edit the Global Leadership section"

urlpatterns = [
    # Configurable (ADMIN_URL), so that bots probing /admin/ find nothing to guess at.
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path(
        "sitemap.xml",
        cache_public_page(sitemap),
        {
            "sitemaps": {
                "pages": StaticViewSitemap,
                "delegations": DelegationSitemap,
                "reports": ReportSitemap,
                "dispatches": DispatchSitemap,
                "symposia": SymposiumSitemap,
            }
        },
        name="sitemap",
    ),
    path(
        "robots.txt",
        cache_public_page(
            TemplateView.as_view(template_name="robots.txt", content_type="text/plain")
        ),
        name="robots-txt",
    ),
    path("", include("delegations.urls")),
    path("", include("symposium.urls")),
]

if settings.MEDIA_URL.startswith("/"):
    # Files on the local disk; an object store serves its own URLs instead.
    urlpatterns.append(
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", views.media, name="media")
    )

handler500 = "cosn_global.errors.server_error"
