"""The content version: one number that moves on with every change to the content.

Cached pages and ETags are labelled with it, so moving it retires every cached page at
once, on every worker and server. It is bumped in the same transaction as the change.

With a cache that every process shares (Redis), a copy of the version is kept in the
cache too, so that a cached page costs one round trip to the cache and none to the
database; see lookup.Lookup for why that copy can never make a page stale.
"""

import datetime
import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from .models import ContentVersion

logger = logging.getLogger(__name__)

# The shared cache's copy of the version, and how long it is trusted: if a write to the
# cache fails while the database commits an edit, the copy is wrong for at most this long.
VERSION_KEY = "page-cache:content-version"
VERSION_COPY_TIMEOUT = 5
NEVER_CHANGED = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
rehearsing = ContextVar("rehearsing", default=False)


def read():
    """The version now: one indexed read of one column."""
    return ContentVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def current():
    """(version, changed_at) now."""
    row = ContentVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    return row or (0, NEVER_CHANGED)


def bump():
    """Move the version on; call it inside the transaction of the change it stands for."""
    if rehearsing.get():
        return
    # Never below the clock in milliseconds: after a restore or a flush the counter
    # cannot fall back onto numbers that cached pages and ETags already used.
    now = timezone.now()
    floor = int(now.timestamp() * 1000)
    updated = ContentVersion.objects.filter(pk=1).update(
        version=Greatest(F("version") + 1, Value(floor)), changed_at=now
    )
    if not updated:
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": floor, "changed_at": now})
    if shares_version():
        # Before the commit: see lookup.Lookup.
        share_version(read())


def shares_version():
    """Whether the cache is one that every process shares, so it may hold the version."""
    return settings.PAGE_CACHE and getattr(cache, "shared_across_processes", False)


def share_version(version):
    """Raise the shared cache's copy of the version to `version` (never lower it)."""
    try:
        cache.set_if_greater(VERSION_KEY, version, VERSION_COPY_TIMEOUT)
    except Exception:
        logger.warning("Page cache unavailable; content version not shared.", exc_info=True)


@contextmanager
def rehearsal():
    """A transaction that is always rolled back, for changes made only to be looked at
    (a draft's preview). They move no version, in the database or in the shared cache,
    so no cached page is retired for them and the version's row is not held meanwhile."""
    token = rehearsing.set(True)
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        rehearsing.reset(token)
