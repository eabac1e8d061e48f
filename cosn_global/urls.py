from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "CoSN Global Leadership"
admin.site.site_title = "CoSN Global Leadership admin"
admin.site.index_title = "Edit the Global Leadership section"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("delegations.urls")),
    path("", include("symposium.urls")),
]

# Uploaded files are served by Django only in development.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
