from django.urls import path

from . import views

app_name = "delegations"

urlpatterns = [
    path("", views.LandingView.as_view(), name="landing"),
    path("delegations/", views.DelegationListView.as_view(), name="delegation-list"),
    path(
        "delegations/<slug:slug>/",
        views.DelegationDetailView.as_view(),
        name="delegation-detail",
    ),
    path(
        "delegations/<slug:delegation_slug>/reports/<slug:slug>/",
        views.ReportDetailView.as_view(),
        name="report-detail",
    ),
    path(
        "delegations/<slug:delegation_slug>/dispatches/<slug:slug>/",
        views.DispatchDetailView.as_view(),
        name="dispatch-detail",
    ),
]
