"""Security headers that Django has no setting for, or that differ for the admin, and
what no shared cache may keep."""

from django.conf import settings
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property


class AdminContentSecurityPolicyMiddleware:
    """Give admin responses `ADMIN_CSP` instead of the site-wide `SECURE_CSP`.

    The admin needs per-response nonces (django-prose-editor's inline import map,
    the change list's inline style). Public pages must not carry nonces, because they
    are cached whole, so only admin responses get a policy that accepts them. Listed
    after Django's ContentSecurityPolicyMiddleware, which then builds the header; a
    view's own @csp_override still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def admin_prefix(self):
        # reverse() follows wherever urls.py mounts the admin (and any script prefix).
        return reverse("admin:index")

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.admin_prefix) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return response


class PermissionsPolicyMiddleware:
    """Send `Permissions-Policy` from the `PERMISSIONS_POLICY` setting.

    `{"camera": [], "fullscreen": ["self"]}` becomes `camera=(), fullscreen=(self)`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        header = ", ".join(
            f"{feature}=({' '.join(allowlist)})"
            for feature, allowlist in settings.PERMISSIONS_POLICY.items()
        )
        if header:
            response.headers.setdefault("Permissions-Policy", header)
        return response


class PrivateFormPagesMiddleware:
    """Mark every response that carries a CSRF token (a page with a form) `private`.

    The token is this visitor's own, so no shared cache (a CDN, a proxy) may keep the
    page, whichever view sent it: some set no Cache-Control of their own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Django sends the CSRF cookie with every response that used the token (and then
        # clears CSRF_COOKIE_NEEDS_UPDATE).
        if settings.CSRF_COOKIE_NAME in response.cookies or request.META.get(
            "CSRF_COOKIE_NEEDS_UPDATE"
        ):
            patch_cache_control(response, private=True)
        return response
