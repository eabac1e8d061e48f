from django.urls import path
from django.views.generic import TemplateView

from pagecache.decorators import cache_public_page

from . import views

app_name = "mail"

urlpatterns = [
    path("subscribe/", views.SubscribeView.as_view(), name="subscribe"),
    path(
        "subscribe/sent/",
        cache_public_page(TemplateView.as_view(template_name="mail/subscribe_sent.html")),
        name="subscribe-sent",
    ),
    path("subscribe/confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
