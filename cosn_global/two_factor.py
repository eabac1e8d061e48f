"""Two-factor sign-in to the admin (django-otp): after the password, a code from an
authenticator app (TOTP) or one of ten recovery codes, each of which works once.

The password is only the first step for a user who has two-factor sign-in, or who must
set it up (SignInPolicy): they are not logged in after it. The session only remembers,
for PENDING_MINUTES, who gave the right password, and the user is logged in, with the
device that verified them, when the second step succeeds. A session in between is
therefore not signed in at all; and django-axes, which forgets a user's failures when
they log in, hears of the login only after the code. A wrong code is reported to it as a
failed login, so the two steps count towards one lockout.

A signed-in session must stay `satisfied()`: one that is not (two-factor sign-in set up
in another browser, reset, or made required) is logged out and starts again.
"""

import math
import re
import time
from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials, get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model, logout
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.generic import TemplateView
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SignInPolicy
from .passwords import AdminLook

PENDING = "two_factor_pending"
PENDING_MINUTES = 10
# Recovery codes just made, shown once by the next page.
NEW_CODES = "two_factor_new_codes"
RECOVERY_CODES = 10
# The two second steps.
CODE, SET_UP = "code", "set-up"

APP_CODE = re.compile(r"[0-9]{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")  # django-otp's StaticToken.random_token()
WRONG_CODE = (
    "That code is not right, or has been used already. Enter the code your app shows "
    "now, or one of your recovery codes."
)


def required():
    return SignInPolicy.objects.filter(require_two_factor=True).exists()


def has_two_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_step(user):
    """What a user who gave the right password must still do: CODE, SET_UP or None."""
    if has_two_factor(user):
        return CODE
    if user.is_staff and required():
        return SET_UP
    return None


def satisfied(request):
    """Whether the signed-in user needs no more steps (once a request)."""
    if not hasattr(request, "_two_factor_satisfied"):
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        request._two_factor_satisfied = (
            not user.is_authenticated
            or bool(is_verified and is_verified())
            or second_step(user) is None
        )
    return request._two_factor_satisfied


# --- Between the steps ------------------------------------------------------------------


def begin(request, user, backend, next_url, step):
    request.session[PENDING] = {
        "user": user.pk,
        # A password changed meanwhile (a reset link) ends the sign-in.
        "hash": user.get_session_auth_hash(),
        "backend": backend,
        "next": next_url,
        "step": step,
        "since": time.time(),
    }


def pending(request, step):
    """The user who gave the right password and must now do `step`, and the sign-in's
    state; (None, None) if there is no such sign-in, or it took too long."""
    state = request.session.get(PENDING)
    if not isinstance(state, dict) or state.get("step") != step:
        return None, None
    if time.time() - state["since"] > PENDING_MINUTES * 60:
        return None, None
    user = get_user_model()._default_manager.filter(pk=state["user"], is_active=True).first()
    if (
        user is None
        or not constant_time_compare(user.get_session_auth_hash(), state["hash"])
        or second_step(user) != step
    ):
        return None, None
    return user, state


def start_again(request):
    if request.session.pop(PENDING, None):
        messages.warning(request, "Your sign-in was interrupted or took too long: log in again.")
    return redirect("admin:login")


def finish(request, user, state, device):
    """Log the user in, verified by `device`; where they were going."""
    request.session.pop(PENDING, None)
    auth_login(request, user, backend=state["backend"])
    django_otp.login(request, device)
    return state["next"]


def restart(request, next_url):
    """Log out a session that is not `satisfied()`, and start its sign-in again."""
    user = get_user_model()._default_manager.get(pk=request.user.pk)
    backend = request.session.get(BACKEND_SESSION_KEY)
    logout(request)
    if second_step(user) == SET_UP:
        begin(request, user, backend, next_url, SET_UP)
        return redirect("admin:two_factor")
    messages.info(request, "Two-factor sign-in now applies to your account: log in again.")
    return redirect_to_login(next_url, reverse("admin:login"))


class PasswordStepView(LoginView):
    """Django's admin login, which is only the first step for some users."""

    def form_valid(self, form):
        user = form.get_user()
        step = second_step(user)
        if step is None:
            return super().form_valid(form)
        if self.request.user.is_authenticated:
            logout(self.request)
        next_url = self.get_redirect_url() or reverse("admin:index")
        begin(self.request, user, user.backend, next_url, step)
        return redirect("admin:login_code" if step == CODE else "admin:two_factor")


# --- Codes ------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "size": 12,
            }
        ),
    )


class Throttled(Exception):
    def __init__(self, until):
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
        super().__init__(
            f"Too many wrong codes in a row: wait {seconds} second{'s' if seconds > 1 else ''}, "
            "then try again."
        )


def normalise(code):
    return re.sub(r"[\s-]", "", code).lower()


def check(device, code):
    """Whether `device` accepts `code`, using it up; Throttled after several wrong ones."""
    allowed, why = device.verify_is_allowed()
    if not allowed:
        raise Throttled(why["locked_until"])
    return device.verify_token(code)


def verify(user, code):
    """The user's device that accepts `code` (an app's or a recovery code), or None.

    An app's code is refused if it is not newer than the last one accepted (django-otp's
    `last_t`), and a recovery code is deleted as it is used.
    """
    code = normalise(code)
    if APP_CODE.fullmatch(code):
        model = TOTPDevice
    elif RECOVERY_CODE.fullmatch(code):
        model = StaticDevice
    else:
        return None
    with transaction.atomic():
        # Locked, so that two requests cannot both use one code.
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if check(device, code):
                return device
    return None


def refuse(request, user):
    """Count a wrong code as django-axes counts a wrong password: it records the failure
    and, at the limit, marks the request for its lockout page."""
    user_login_failed.send(
        sender=__name__, credentials=get_credentials(user.get_username()), request=request
    )


def make_recovery_codes(user):
    """Ten new recovery codes for `user`, in place of any they had."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def reset(user):
    """Turn two-factor sign-in off for `user`: their app and recovery codes stop working."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def shown(code):
    return f"{code[:4]}-{code[4:]}"


def qr_code(text, label):
    """`text` as a QR code: an <svg> for the page itself (its policy allows no data: URL)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage)
    svg = image.get_image()
    for size in ("width", "height"):  # the stylesheet's
        svg.attrib.pop(size, None)
    svg.set("class", "qr-code")
    svg.set("role", "img")
    svg.set("aria-label", label)
    return image.to_string(encoding="unicode")


# --- Pages ------------------------------------------------------------------------------


@method_decorator([csrf_protect, never_cache], name="dispatch")
class CodeView(AdminLook, TemplateView):
    """The second step: the code from the app, or a recovery code."""

    template_name = "admin/two_factor/code.html"

    def dispatch(self, request, *args, **kwargs):
        self.user, self.state = pending(request, CODE)
        if self.user is None:
            return start_again(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = kwargs.setdefault("form", CodeForm())
        form.fields["code"].widget.attrs |= {"autofocus": True, "aria-describedby": "code-help"}
        return super().get_context_data(
            title="Two-factor sign-in", username=self.user.get_username(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        credentials = get_credentials(self.user.get_username())
        if not AxesProxyHandler.is_allowed(request, credentials):
            # As django-axes does with a password tried while locked out.
            refuse(request, self.user)
            return get_lockout_response(request, None, credentials)
        try:
            device = verify(self.user, form.cleaned_data["code"])
        except Throttled as throttled:
            form.add_error("code", str(throttled))
            return self.render_to_response(self.get_context_data(form=form))
        if device is None:
            refuse(request, self.user)
            form.add_error("code", WRONG_CODE)
            return self.render_to_response(self.get_context_data(form=form))
        next_url = finish(request, self.user, self.state, device)
        if isinstance(device, StaticDevice):
            left = device.token_set.count()
            messages.warning(
                request,
                f"You used a recovery code: {left} left. Each works once; make new ones on "
                "your two-factor sign-in page.",
            )
        return redirect(next_url)


@method_decorator([csrf_protect, never_cache], name="dispatch")
class TwoFactorView(AdminLook, TemplateView):
    """The signed-in user's two-factor sign-in: set it up, make new recovery codes, turn
    it off. Also the set-up a user must do straight after their password when it is
    required (then they are not signed in yet)."""

    template_name = "admin/two_factor/two_factor.html"
    actions = ("confirm", "new-codes", "off")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not satisfied(request):
                return restart(request, reverse("admin:index"))
            if not admin.site.has_permission(request):
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            self.user, self.state = request.user, None
        else:
            self.user, self.state = pending(request, SET_UP)
            if self.user is None:
                return start_again(request)
        return super().dispatch(request, *args, **kwargs)

    def new_device(self):
        """The app being set up: the same key until it is confirmed, so that a page
        reloaded after scanning the code still matches the app."""
        device = TOTPDevice.objects.filter(user=self.user, confirmed=False).first()
        return device or TOTPDevice.objects.create(
            user=self.user, name="Authenticator app", confirmed=False
        )

    def get_context_data(self, **kwargs):
        context = {
            "title": "Two-factor sign-in",
            "signed_in": self.state is None,
            "user_name": self.user.get_username(),
            "recovery_codes": RECOVERY_CODES,
            "issuer": settings.OTP_TOTP_ISSUER,
            "required": required(),
        }
        app = TOTPDevice.objects.filter(user=self.user, confirmed=True).first()
        if app:
            new = self.request.session.pop(NEW_CODES, {})
            context |= {
                "app": app,
                "codes_left": StaticToken.objects.filter(device__user=self.user).count(),
                "new_codes": [shown(code) for code in new.get("codes", [])],
                "next": new.get("next") or reverse("admin:index"),
            }
        else:
            device = self.new_device()
            uri = device.config_url
            key = b32encode(device.bin_key).decode()
            context |= {
                "uri": uri,
                "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
                "qr_code": qr_code(uri, "QR code of the key, for your authenticator app"),
            }
        for action in self.actions:
            form = kwargs.pop(action, None) or CodeForm(prefix=action)
            context[f"{action.replace('-', '_')}_form"] = form
        return super().get_context_data(**context, **kwargs)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        has_app = has_two_factor(self.user)
        if action not in self.actions or (action == "confirm") == has_app:
            # A page from before a change made elsewhere: show the page as it is now.
            return redirect("admin:two_factor")
        form = CodeForm(request.POST, prefix=action)
        if form.is_valid():
            try:
                if action == "confirm":
                    code = normalise(form.cleaned_data["code"])
                    accepted = bool(APP_CODE.fullmatch(code)) and check(self.new_device(), code)
                else:
                    accepted = verify(self.user, form.cleaned_data["code"])
            except Throttled as throttled:
                form.add_error("code", str(throttled))
            else:
                if accepted:
                    return getattr(self, action.replace("-", "_"))()
                form.add_error("code", WRONG_CODE)
        return self.render_to_response(self.get_context_data(**{action: form}))

    def confirm(self):
        device = self.new_device()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = make_recovery_codes(self.user)
        if self.state:
            next_url = finish(self.request, self.user, self.state, device)
        else:
            self.request.session.cycle_key()
            django_otp.login(self.request, device)
            next_url = None
        self.request.session[NEW_CODES] = {"codes": codes, "next": next_url}
        messages.success(self.request, "Two-factor sign-in is on.")
        return redirect("admin:two_factor")

    def new_codes(self):
        self.request.session[NEW_CODES] = {"codes": make_recovery_codes(self.user)}
        messages.success(self.request, "New recovery codes: the old ones no longer work.")
        return redirect("admin:two_factor")

    def off(self):
        reset(self.user)
        messages.success(self.request, "Two-factor sign-in is off.")
        return redirect("admin:two_factor")
