"""Where a public page is cached, and how to answer from the cache.

A cached page is stored under its URL, today's date (upcoming turns into past at
midnight) and the code's release, together with the content version it was rendered
from (version.py). A page is served only while its version is still the current one, so
an edit retires every page at once, on every worker and every server, whether the cache
is Redis or each process's memory: nothing needs to be deleted, and old entries are
replaced or expire.

The same version and date make the ETag, so an unchanged page answers 304 without
being rendered, and a CDN in front may keep pages as long as it revalidates them.
"""

import datetime
import functools
import gzip
import hashlib
import logging
import os
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import local
from . import version as content_version
from .version import NEXT_CHANGE_KEY, VERSION_KEY, milliseconds, share_version, shares_version

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
# Folders whose files never shape a page: the virtualenv and other hidden folders,
# bytecode, and front-end tooling.
NOT_CODE = {"__pycache__", "node_modules"}
REQUIREMENTS = re.compile(r"requirements.*\.txt")

logger = logging.getLogger(__name__)


def cache_get_many(keys):
    # The cache only saves work: if it is unreachable, pages come from the database.
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("Page cache unavailable; rendering from the database.", exc_info=True)
        return {}


def cache_get(key):
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


def code_files(base):
    """Every Python file, every template and the pinned requirements under `base`, in a
    fixed order."""
    skip = {Path(settings.STATIC_ROOT).resolve(), Path(settings.MEDIA_ROOT).resolve()}
    for folder, subfolders, files in os.walk(base):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".")
            and name not in NOT_CODE
            and (Path(folder) / name).resolve() not in skip
        )
        in_templates = "templates" in Path(folder).relative_to(base).parts
        for name in sorted(files):
            if name.endswith(".py") or in_templates or REQUIREMENTS.fullmatch(name):
                yield Path(folder) / name


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
    for path in [*code_files(base), Path(settings.STATIC_ROOT) / "staticfiles.json"]:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=64)
def day(second, time_zone):
    """Today, in the site's time zone (one computation a second, not one a request)."""
    return timezone.localdate()


@functools.lru_cache(maxsize=64)
def validators(code, version, today, url_hash):
    """(ETag, Last-Modified, Last-Modified as the header says it) of a page at `version`
    on `today`, served by the code released as `code`."""
    # The version is at least the time of the last change in milliseconds (see
    # version.bump), so it also gives Last-Modified.
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    changed = datetime.datetime.fromtimestamp(version / 1000, tz=datetime.UTC)
    # Weak: the plain and the gzip-compressed copies are the same page.
    last_modified = max(changed, midnight)
    etag = f'W/"{code}-{version}-{today:%Y%m%d}-{url_hash}"'
    return etag, last_modified, http_date(last_modified.timestamp())


@functools.cache
def per_response_headers():
    """The Cache-Control and Vary of every page served from the cache: what `finish`
    makes of a response that has neither, once, instead of patching each response."""
    response = HttpResponse()
    patch_vary_headers(response, ["Accept-Encoding"])
    finish(response, "", datetime.datetime.now(datetime.UTC))
    return {"Cache-Control": response["Cache-Control"], "Vary": response["Vary"]}


@functools.lru_cache(maxsize=64)
def accepts_gzip(accept_encoding):
    """Whether an Accept-Encoding header accepts gzip ("gzip;q=0" refuses it)."""
    for coding in accept_encoding.split(","):
        name, _, params = coding.partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            quality = re.search(r"\bq\s*=\s*([01](?:\.[0-9]*)?)", params)
            return not quality or float(quality[1]) > 0
    return False


class Lookup:
    """Where the current page is cached, which version of the content it must be, and how
    to answer from the cache.

    Each page is stored under its URL, today's date and the code's release, with the
    version of the content it was rendered from; it is served only while that is still
    the version. Where the version comes from depends on the cache:

    - A cache in each process's memory cannot know about edits made elsewhere: the
      version is read from the database on every request.
    - A shared cache (Redis) also keeps a copy of the version, so one round trip fetches
      both the copy and the page. The copy comes with the time of the next scheduled
      change (schedule.py) and is not used from that moment: the database is asked, and
      the first request to ask moves the version on. version.bump raises the copy
      *before* its transaction commits, so from the moment an edit is visible in the
      database the copy is at least as new, and no page rendered before the edit can
      match it. Pages
      are always labelled with the version read from the database before rendering,
      never with the copy, so a copy that runs ahead (an edit rolled back) only costs
      cache misses until it expires. The copy expires after VERSION_COPY_TIMEOUT seconds
      and is then read again from the database.
    - In front of Redis, each process keeps the version it last read and the pages it
      served (local.py) for as long as Redis has not reported a change to the version,
      and not past the next scheduled change: then a hit costs no round trip at all.

    A page is stored gzip-compressed, once, when it is stored. Visitors whose browser
    accepts gzip (nearly all) get it as it is, so a hit costs no compression and moves a
    fraction of the bytes out of the cache and onto the network; the rare others get it
    decompressed. Cached pages never hold a CSRF token or anything personal, so
    compressing them cannot leak a secret (BREACH).
    """

    def __init__(self, request):
        self.request = request
        self.today = day(int(time.time()), settings.TIME_ZONE)
        self.url_hash = hashlib.blake2b(
            request.get_full_path().encode(), digest_size=12
        ).hexdigest()
        self.key = f"page:{release()}:{self.today:%Y%m%d}:{self.url_hash}"
        shared = shares_version()
        # With Redis, this process's own copy of the version and pages (local.py), while
        # Redis has not said the version changed; otherwise one round trip to Redis for
        # the page and the version together (or only the page, from local memory).
        self.copy = local.copy_for(cache) if shared else None
        version = token = None
        if self.copy is not None:
            version, token = self.copy.version()
        self.entry = None
        self.looked_for_entry = version is None
        self.from_database = False
        if version is None:
            found = {}
            if settings.PAGE_CACHE:
                keys = [self.key, VERSION_KEY, NEXT_CHANGE_KEY] if shared else [self.key]
                found = cache_get_many(keys)
            self.entry = found.get(self.key)
            version = found.get(VERSION_KEY)
            next_change = found.get(NEXT_CHANGE_KEY)
            if version is None or next_change is None or next_change <= time.time() * 1000:
                self.from_database = True
                current = content_version.state()
                version, next_change = current.version, milliseconds(current.next_change_at)
                if shared:
                    share_version(current)
            if self.copy is not None:
                self.copy.learn(version, next_change, token)
        self.set_version(version)

    def set_version(self, version):
        self.version = version
        self.etag, self.last_modified, self.last_modified_header = validators(
            release(), version, self.today, self.url_hash
        )

    def not_modified(self):
        response = get_conditional_response(
            self.request, etag=self.etag, last_modified=int(self.last_modified.timestamp())
        )
        return None if response is None else finish(response, self.etag, self.last_modified)

    def cached(self):
        if not self.looked_for_entry:
            self.looked_for_entry = True
            self.entry = self.copy.page(self.key, self.version)
            if self.entry is not None:
                return self.send(*self.entry[1:])
            self.entry = cache_get(self.key)
        if self.entry is None or self.entry[0] != self.version:
            return None
        if self.copy is not None:
            self.copy.keep(self.key, self.entry)
        return self.send(*self.entry[1:])

    def before_rendering(self):
        """Label the page about to be rendered with the database's version, not the copy."""
        if not self.from_database:
            current = content_version.state()
            if current.version != self.version:
                share_version(current)
                self.set_version(current.version)
            self.from_database = True

    def store(self, response):
        """Keep the page; return what `send` takes, so a miss is answered like a hit."""
        headers = {
            name: value
            for name, value in response.items()
            if name.lower() not in PER_RESPONSE_HEADERS
        }
        compressed = gzip.compress(response.content, 6, mtime=0)
        entry = (self.version, compressed, headers)
        cache_set(self.key, entry)
        if self.copy is not None:
            self.copy.keep(self.key, entry)
        return compressed, headers

    def send_rendered(self, response):
        """A page that is not stored (the cache is off), as rendered: compressing it once
        for the cache would gain nothing, so it is not compressed at all."""
        if self.request.method == "HEAD":
            response["Content-Length"] = len(response.content)
            response.content = b""
        return finish(response, self.etag, self.last_modified)

    def send(self, compressed, headers):
        """A stored page, with the headers `finish` would give it (the stored ones never
        include Cache-Control or Vary, so there is nothing to merge)."""
        headers = {
            **headers,
            **per_response_headers(),
            "ETag": self.etag,
            "Last-Modified": self.last_modified_header,
        }
        if accepts_gzip(self.request.META.get("HTTP_ACCEPT_ENCODING", "")):
            content = compressed
            headers["Content-Encoding"] = "gzip"
        else:
            content = gzip.decompress(compressed)
        headers["Content-Length"] = len(content)
        # Servers such as gunicorn expect the application to send no body for HEAD.
        return HttpResponse(b"" if self.request.method == "HEAD" else content, headers=headers)


def finish(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    # Any cache may keep the page, but must ask again (cheaply, with the ETag) before
    # reusing it, so an edit is visible on the very next request.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])
    return response
