from django.urls import path

from . import views

app_name = "symposium"

urlpatterns = [
    path("symposium/", views.SymposiumListView.as_view(), name="symposium-list"),
    path("symposium/<int:year>/", views.SymposiumDetailView.as_view(), name="symposium-detail"),
]
