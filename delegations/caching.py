"""Whole-page caching for the public pages that stays correct after every edit.

A cached page is stored under a key made of the content version (bumped in the same
transaction as any change to content), today's date (upcoming turns into past at
midnight) and the URL. An edit therefore changes the key for every page at once, on
every worker and every server, whether the cache is Redis or each process's memory:
nothing needs to be deleted, and stale entries simply expire.

The same version and date make the ETag, so an unchanged page answers 304 without
being rendered, and a CDN in front may keep pages as long as it revalidates them.
"""

import datetime
import functools
import gzip
import hashlib
import logging
import re
from functools import wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

CONTENT_APPS = ("delegations", "symposium")
# Models of those apps that no public page shows: saving one must not empty the cache
# (a visitor's inquiry is not an edit).
NOT_CONTENT = {"delegations.ContentVersion", "delegations.Inquiry"}

# Headers that belong to one response, not to the page: everything else (Content-Type,
# Content-Disposition, X-Robots-Tag...) is stored with the page and sent again.
PER_RESPONSE_HEADERS = {
    "set-cookie",
    "vary",
    "etag",
    "last-modified",
    "cache-control",
    "expires",
    "content-length",
    "date",
}

logger = logging.getLogger(__name__)


def cache_get(key):
    # The cache only saves work: if it is unreachable, pages come from the database.
    try:
        return cache.get(key)
    except Exception:
        logger.warning("Page cache unavailable; rendering from the database.", exc_info=True)
        return None


def cache_set(key, value):
    try:
        cache.set(key, value, settings.PAGE_CACHE_TIMEOUT)
    except Exception:
        logger.warning("Page cache unavailable; page not stored.", exc_info=True)


def content_changed(sender, **kwargs):
    from .models import ContentVersion

    if sender is not ContentVersion and not kwargs.get("raw"):
        ContentVersion.bump()


def connect_signals():
    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label in NOT_CONTENT:
                continue
            post_save.connect(content_changed, sender=model, dispatch_uid=f"cv-save-{model}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"cv-del-{model}")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    content_changed, sender=field.remote_field.through, dispatch_uid=f"cv-{field}"
                )


@functools.cache
def release():
    """A fingerprint of the code, templates and static files being served.

    Part of every key and ETag, so a deploy that changes how pages look is never hidden
    by pages cached before it. Set RELEASE (e.g. to the commit) to name it explicitly.
    """
    if settings.RELEASE:
        return settings.RELEASE
    digest = hashlib.blake2b(digest_size=5)
    base = Path(settings.BASE_DIR)
    files = [
        *sorted((base / "templates").rglob("*.html")),
        *(
            path
            for app in ("cosn_global", *CONTENT_APPS)
            for path in sorted((base / app).glob("*.py"))
        ),
        Path(settings.STATIC_ROOT) / "staticfiles.json",
    ]
    for path in files:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def content_version():
    """The content version, read with one plain query: this runs on every cached hit."""
    from .models import ContentVersion

    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        # The table name is the model's own, quoted; nothing in the query comes from a request.
        cursor.execute(f"SELECT version FROM {table} WHERE id = 1")  # nosec B608
        row = cursor.fetchone()
    return row[0] if row else 0


def page_state():
    """(state, last_modified) of the public pages as they stand now.

    The version is at least the time of the last change in milliseconds (see
    ContentVersion.bump), so it also gives Last-Modified without a second column.
    """
    version = content_version()
    today = timezone.localdate()
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    changed = datetime.datetime.fromtimestamp(version / 1000, tz=datetime.UTC)
    return f"{release()}-{version}-{today:%Y%m%d}", max(changed, midnight)


ACCEPTS_GZIP = re.compile(r"\bgzip\b")


class Lookup:
    """Where the current page would be cached, and how to answer from the cache.

    A page is stored gzip-compressed, once, when it is stored. Visitors whose browser
    accepts gzip (nearly all) get it as it is, so a hit costs no compression and moves a
    fraction of the bytes out of the cache and onto the network; the rare others get it
    decompressed. Cached pages never hold a
    CSRF token or anything personal, so compressing them cannot leak a secret (BREACH).
    """

    def __init__(self, request):
        self.request = request
        state, self.last_modified = page_state()
        url_hash = hashlib.blake2b(request.get_full_path().encode(), digest_size=12).hexdigest()
        # Weak: the plain and the gzip-compressed copies are the same page.
        self.etag = f'W/"{state}-{url_hash}"'
        self.key = f"page:{state}:{url_hash}"

    def not_modified(self):
        response = get_conditional_response(
            self.request, etag=self.etag, last_modified=int(self.last_modified.timestamp())
        )
        return None if response is None else finish(response, self.etag, self.last_modified)

    def cached(self):
        entry = cache_get(self.key) if settings.PAGE_CACHE else None
        if entry is None:
            return None
        return self.send(*entry)

    def store(self, response):
        """Keep the page; return what `send` takes, so a miss is answered like a hit."""
        headers = {
            name: value
            for name, value in response.items()
            if name.lower() not in PER_RESPONSE_HEADERS
        }
        entry = (gzip.compress(response.content, 6, mtime=0), headers)
        if settings.PAGE_CACHE:
            cache_set(self.key, entry)
        return entry

    def send(self, compressed, headers):
        response = HttpResponse(headers=headers)
        if ACCEPTS_GZIP.search(self.request.META.get("HTTP_ACCEPT_ENCODING", "")):
            content = compressed
            response["Content-Encoding"] = "gzip"
        else:
            content = gzip.decompress(compressed)
        response["Content-Length"] = len(content)
        # Servers such as gunicorn expect the application to send no body for HEAD.
        response.content = b"" if self.request.method == "HEAD" else content
        patch_vary_headers(response, ["Accept-Encoding"])
        return finish(response, self.etag, self.last_modified)


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

        # PageCacheMiddleware has usually looked already: reuse its answer to "where".
        lookup = getattr(request, "page_cache_lookup", None) or Lookup(request)
        answer = lookup.not_modified() or lookup.cached()
        if answer is not None:
            return answer
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        # Pages with a form carry a per-visitor CSRF token: those are never shared.
        uses_csrf = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code != 200 or response.cookies or uses_csrf:
            return response
        return lookup.send(*lookup.store(response))

    wrapper.public_page = True
    return wrapper


class PageCacheMiddleware:
    """Answer anonymous visitors' cached pages before sessions, CSRF, auth and routing.

    Only pages that cache_public_page stored are ever found, so this serves nothing the
    views would not; it just skips the work in between. A visitor with a session (staff)
    always goes through to the views. Place it right after WhiteNoise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
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


def finish(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    # Any cache may keep the page, but must ask again (cheaply, with the ETag) before
    # reusing it, so an edit is visible on the very next request.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])
    return response
