"""“Forgotten your login credentials?” on the admin's sign-in page: Django's own reset
views and token rules, with the email sent by the worker (mail/outbox.py) and the
requests counted per client like the site's other forms.

The answer is the same whether or not the address has an account, and only staff
accounts are sent a link: this site has no other users.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.template.loader import render_to_string
from django.urls import path, reverse_lazy

from core.ratelimit import RATE_LIMIT_MESSAGE, client_hash, rate_limited
from mail import outbox


class QueuedPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        outbox.queue(kind="password-reset", to=to_email, subject=subject, body=body)


class AdminLook:
    """The admin's own templates for these pages, named as the admin names itself."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**admin.site.each_context(self.request), **kwargs)


class PasswordResetView(AdminLook, auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        retry_after = rate_limited(client_hash(self.request), form="password-reset")
        if retry_after:
            # On the field: the admin's template shows no other errors.
            form.add_error("email", RATE_LIMIT_MESSAGE)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(retry_after)
            return response
        return super().form_valid(form)


class PasswordResetDoneView(AdminLook, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(AdminLook, auth_views.PasswordResetConfirmView):
    pass


class PasswordResetCompleteView(AdminLook, auth_views.PasswordResetCompleteView):
    pass


def urlpatterns(prefix):
    """The four pages of a reset, under the admin's address `prefix`."""
    return [
        path(f"{prefix}password_reset/", PasswordResetView.as_view(), name="admin_password_reset"),
        path(
            f"{prefix}password_reset/done/",
            PasswordResetDoneView.as_view(),
            name="password_reset_done",
        ),
        path(
            f"{prefix}reset/<uidb64>/<token>/",
            PasswordResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        path(
            f"{prefix}reset/done/",
            PasswordResetCompleteView.as_view(),
            name="password_reset_complete",
        ),
    ]
