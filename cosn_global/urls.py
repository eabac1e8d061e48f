from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from . import health, views

admin.site.site_header = "CoSN Global Leadership"
admin.site.site_title = "CoSN Global Leadership admin"
admin.site.index_title = "Edit the Global Leadership section"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("", include("delegations.urls")),
    path("", include("symposium.urls")),
]

if settings.MEDIA_URL.startswith("/"):
    # Files on the local disk; an object store serves its own URLs instead.
    urlpatterns.append(
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", views.media, name="media")
    )

handler500 = "cosn_global.errors.server_error"
