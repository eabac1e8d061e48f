from django.urls import path

from delegations.caching import cache_public_page

from . import views

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
]
