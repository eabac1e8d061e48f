"""Sign up, confirm, unsubscribe. No page here carries a CSRF token: the sign-up form is
in the footer of every cached page, and the links in emails are their own proof (a
forged sign-up only sends a confirmation request, as anyone could). The pages reached by
a link are personal: never cached, never indexed."""

import logging

from django.conf import settings
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, View

from core.ratelimit import RATE_LIMIT_MESSAGE, client_hash, rate_limited

from . import subscriptions
from .forms import SubscribeForm
from .tokens import read_unsubscribe_token

logger = logging.getLogger(__name__)


def site_url(request):
    return request.build_absolute_uri("/")


@method_decorator(csrf_exempt, name="dispatch")
class SubscribeView(FormView):
    form_class = SubscribeForm
    template_name = "mail/subscribe.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(confirm_days=settings.SUBSCRIBER_CONFIRM_DAYS, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_spam():  # answered as a success, valid or not
            logger.info("Sign-up discarded: the honeypot was filled in.")
            return redirect("mail:subscribe-sent")
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def form_valid(self, form):
        retry_after = rate_limited(client_hash(self.request), form="subscribe")
        if retry_after:
            form.add_error(None, RATE_LIMIT_MESSAGE)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(retry_after)
            return response
        subscriptions.sign_up(form.cleaned_data["email"], site_url(self.request))
        return redirect("mail:subscribe-sent")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class ConfirmView(View):
    def get(self, request, token):
        subscriber = subscriptions.subscriber_to_confirm(token)
        if subscriber is None:
            return invalid_link(request, "confirm")
        template = "mail/confirmed.html" if subscriber.confirmed_at else "mail/confirm.html"
        return TemplateResponse(request, template, {"subscriber": subscriber})

    def post(self, request, token):
        subscriber = subscriptions.subscriber_to_confirm(token)
        if subscriber is None:
            return invalid_link(request, "confirm")
        subscriptions.confirm(subscriber)
        return TemplateResponse(request, "mail/confirmed.html", {"subscriber": subscriber})


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UnsubscribeView(View):
    """A page with a button, and the one-click POST of RFC 8058 that mail programs send."""

    def get(self, request, token):
        email = read_unsubscribe_token(token)
        if email is None:
            return invalid_link(request, "unsubscribe")
        return TemplateResponse(request, "mail/unsubscribe.html", {"email": email})

    def post(self, request, token):
        email = subscriptions.unsubscribe(token)
        if email is None:
            return invalid_link(request, "unsubscribe")
        return TemplateResponse(request, "mail/unsubscribed.html", {"email": email})


def invalid_link(request, action):
    context = {"action": action, "confirm_days": settings.SUBSCRIBER_CONFIRM_DAYS}
    return TemplateResponse(request, "mail/invalid_link.html", context, status=400)
