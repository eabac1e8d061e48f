import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import Resolver404, resolve

from .lookup import Lookup


class PageCacheMiddleware:
    """Answer anonymous visitors' cached pages before sessions, CSRF, auth and routing.

    Only pages that cache_public_page stored are ever found, so this serves nothing the
    views would not; it just skips the work in between. A visitor with a session (staff)
    always goes through to the views. Place it right after WhiteNoise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    @functools.lru_cache(maxsize=4096)  # the URLs never change while the process runs
    def is_public_page(path):
        try:
            return getattr(resolve(path).func, "public_page", False)
        except Resolver404:
            return False

    def __call__(self, request):
        if (
            settings.PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and self.is_public_page(request.path_info)
        ):
            lookup = request.page_cache_lookup = Lookup(request)
            answer = lookup.not_modified() or lookup.cached()
            if answer is not None:
                return answer
        return self.get_response(request)


@receiver(setting_changed)
def forget_the_public_pages(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        PageCacheMiddleware.is_public_page.cache_clear()
