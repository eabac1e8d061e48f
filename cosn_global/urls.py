from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from pagecache.decorators import cache_public_page

from . import calendars, feeds, health, passwords, people, previews, search, views
from .sitemaps import SITEMAPS

urlpatterns = [
    # Before the admin's own, which would answer these addresses with a 404.
    *passwords.urlpatterns(settings.ADMIN_URL),
    path(
        f"{settings.ADMIN_URL}preview/<int:content_type_id>/<int:object_id>/",
        admin.site.admin_view(previews.staff_preview),
        name="draft-preview",
    ),
    # Configurable (ADMIN_URL), so that bots probing /admin/ find nothing to guess at.
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    # Never cached: a share link's preview (cosn_global/previews.py).
    path("preview/<str:token>/", previews.shared_preview, name="shared-preview"),
    path("", cache_public_page(views.LandingView.as_view()), name="landing"),
    path("search/", cache_public_page(search.SearchView.as_view()), name="search"),
    path("people/<slug:slug>/", cache_public_page(people.PersonView.as_view()), name="person"),
    path("calendar.ics", cache_public_page(calendars.upcoming_calendar), name="calendar"),
    path("feeds/latest/", cache_public_page(feeds.LatestFeed()), name="feed-latest"),
    path("sitemap.xml", cache_public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        cache_public_page(
            TemplateView.as_view(template_name="robots.txt", content_type="text/plain")
        ),
        name="robots-txt",
    ),
    path(
        "privacy/",
        cache_public_page(views.PrivacyView.as_view()),
        name="privacy",
    ),
    path("", include("mail.urls")),
    path("", include("delegations.urls")),
    path("", include("symposium.urls")),
]

if settings.MEDIA_URL.startswith("/"):
    # Files on the local disk; an object store serves its own URLs instead.
    urlpatterns.append(
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", views.media, name="media")
    )

handler500 = "cosn_global.errors.server_error"
