from django.urls import path

from . import calendars, feeds, search, views
from .caching import cache_public_page

app_name = "delegations"

urlpatterns = [
    path("", cache_public_page(views.LandingView.as_view()), name="landing"),
    path(
        "delegations/",
        cache_public_page(views.DelegationListView.as_view()),
        name="delegation-list",
    ),
    path(
        "where-we-have-been/",
        cache_public_page(views.OverviewView.as_view()),
        name="overview",
    ),
    path("search/", cache_public_page(search.SearchView.as_view()), name="search"),
    path(
        "delegations/<slug:slug>/",
        cache_public_page(views.DelegationDetailView.as_view()),
        name="delegation-detail",
    ),
    # POST only; never cached (the page it shows on errors carries a CSRF token).
    path("delegations/<slug:slug>/inquire/", views.InquiryView.as_view(), name="inquiry"),
    path(
        "delegations/<slug:slug>/inquire/thanks/",
        cache_public_page(views.InquiryThanksView.as_view()),
        name="inquiry-thanks",
    ),
    path(
        "delegations/<slug:delegation_slug>/reports/<slug:slug>/",
        cache_public_page(views.ReportDetailView.as_view()),
        name="report-detail",
    ),
    path(
        "delegations/<slug:delegation_slug>/dispatches/<slug:slug>/",
        cache_public_page(views.DispatchDetailView.as_view()),
        name="dispatch-detail",
    ),
    path(
        "delegations/<slug:slug>/calendar.ics",
        cache_public_page(calendars.delegation_calendar),
        name="delegation-calendar",
    ),
    path(
        "delegations/<slug:slug>/podcast.xml",
        cache_public_page(feeds.PodcastFeed()),
        name="delegation-podcast",
    ),
    path("calendar.ics", cache_public_page(calendars.upcoming_calendar), name="calendar"),
    path("feeds/latest/", cache_public_page(feeds.LatestFeed()), name="feed-latest"),
]
