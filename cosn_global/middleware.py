"""Security headers that Django has no setting for, or that differ for the admin."""

from django.conf import settings
from django.urls import reverse
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
