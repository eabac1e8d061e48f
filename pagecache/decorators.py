from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control

from .lookup import Lookup


def cache_public_page(view):
    """Serve anonymous GETs of a public page from the shared cache, with conditional GET."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            if request.user.is_authenticated:
                # Staff may see drafts and admin links: never for a shared cache.
                patch_cache_control(response, private=True, no_cache=True)
            return response

        # PageCacheMiddleware has usually looked already: reuse what it found. The page
        # being rendered may use its version too (cosn_global/wording.py does).
        lookup = getattr(request, "page_cache_lookup", None) or Lookup(request)
        request.page_cache_lookup = lookup
        answer = lookup.not_modified() or lookup.cached()
        if answer is not None:
            return answer
        lookup.before_rendering()
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        # Pages with a form carry a per-visitor CSRF token: those are never shared.
        uses_csrf = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code != 200 or response.cookies or uses_csrf:
            return response
        if not settings.PAGE_CACHE:
            return lookup.send_rendered(response)
        return lookup.send(*lookup.store(response))

    wrapper.public_page = True
    return wrapper
