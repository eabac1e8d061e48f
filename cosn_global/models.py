from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404, resolve


class Redirect(models.Model):
    """An old address of a page, and where the page is now (cosn_global/redirects.py)."""

    old_path = models.CharField(
        "old address",
        max_length=500,
        unique=True,
        help_text="From the site's root, e.g. /global-leadership/delegations/portugal/.",
    )
    new_path = models.CharField(
        "new address",
        max_length=500,
        help_text=(
            "A public page of this site, e.g. /delegations/portugal-2013/, or a full address "
            "on another site."
        ),
    )
    automatic = models.BooleanField(
        default=False,
        editable=False,
        help_text="Made when a page's address changed.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"

    def clean(self):
        """Refuse a redirect that loops, or that leads to no public page."""
        self.old_path, self.new_path = normalise(self.old_path), normalise(self.new_path)
        if self.new_path == self.old_path:
            raise ValidationError({"new_path": "A page cannot be redirected to itself."})
        seen, path = [self.old_path], self.new_path
        for _ in range(MAX_HOPS):
            if path in seen:
                loop = " → ".join([*seen, path])
                raise ValidationError(
                    {"new_path": f"This would send visitors round in a loop: {loop}."}
                )
            seen.append(path)
            following = Redirect.objects.exclude(pk=self.pk).filter(old_path=path).first()
            if following is None:
                break
            path = following.new_path
        if path.startswith("/") and (status := public_status(path)) != 200:
            raise ValidationError(
                {
                    "new_path": f"{path} is not a public page (it answers {status}): "
                    "redirect to a published page's address."
                }
            )


MAX_HOPS = 10


def normalise(path):
    path = path.strip()
    if path.startswith(("http://", "https://")):
        return path
    return "/" + path.lstrip("/")


def public_status(path):
    """The status an anonymous visitor gets for a path of this site, without a server."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return 404
    # As a visitor would ask it: at an address the site answers to, signed out.
    host = next((host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"), "localhost")
    request = RequestFactory(HTTP_HOST=host).get(path)
    request.user = AnonymousUser()
    try:
        return match.func(request, *match.args, **match.kwargs).status_code
    except Http404:
        return 404
    except PermissionDenied:
        return 403


class SignInPolicy(models.Model):
    """How staff sign in to the admin: one row, changed by superusers
    (cosn_global/two_factor.py)."""

    require_two_factor = models.BooleanField(
        "require two-factor sign-in",
        default=False,
        help_text=(
            "Everyone who signs in to the admin must also enter a code from an "
            "authenticator app. Staff who have not set it up are taken to set it up "
            "straight after their password, and can do nothing else until they have."
        ),
    )

    class Meta:
        verbose_name = verbose_name_plural = "sign-in policy"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_sign_in_policy")]

    def __str__(self):
        return "Sign-in policy"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
