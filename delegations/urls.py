from django.urls import path

from pagecache.decorators import cache_public_page

from . import calendars, feeds, journal, views

app_name = "delegations"

urlpatterns = [
    path(
        "delegations/",
        cache_public_page(views.DelegationListView.as_view()),
        name="delegation-list",
    ),
    path("journal/", cache_public_page(journal.JournalView.as_view()), name="journal"),
    path("journal/feed/", cache_public_page(feeds.JournalFeed()), name="journal-feed"),
    path(
        "where-we-have-been/",
        cache_public_page(views.OverviewView.as_view()),
        name="overview",
    ),
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
    path("delegations/<slug:slug>/apply/", views.ApplyView.as_view(), name="apply"),
    path(
        "delegations/<slug:slug>/apply/thanks/",
        views.ApplyThanksView.as_view(),
        name="apply-thanks",
    ),
    path("applications/withdraw/<str:token>/", views.WithdrawView.as_view(), name="withdraw"),
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
]
