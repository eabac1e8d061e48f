from django.urls import path

from pagecache.decorators import cache_public_page

from . import calendars, views

app_name = "symposium"

urlpatterns = [
    path(
        "symposium/",
        cache_public_page(views.SymposiumListView.as_view()),
        name="symposium-list",
    ),
    path(
        "symposium/<int:year>/",
        cache_public_page(views.SymposiumDetailView.as_view()),
        name="symposium-detail",
    ),
    path(
        "symposium/<int:year>/calendar.ics",
        cache_public_page(calendars.symposium_calendar),
        name="symposium-calendar",
    ),
]
