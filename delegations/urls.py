from django.urls import path

from . import views
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
        "delegations/<slug:slug>/",
        cache_public_page(views.DelegationDetailView.as_view()),
        name="delegation-detail",
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
]
