"""The content version: one number that moves on with every change to the content.

Cached pages and ETags are labelled with it, so moving it retires every cached page at
once, on every worker and server. It is bumped in the same transaction as the change.

It also moves on by itself at the next scheduled change (a record's go-live or expiry
time, schedule.py): the first request to read it after that moment moves it on, so pages
rendered before that moment are never served after it.

With a cache that every process shares (Redis), a copy of the version is kept in the
cache too, with the time of the next scheduled change, so that a cached page costs one
round trip to the cache and none to the database; see lookup.Lookup for why that copy
can never make a page stale.
"""

import datetime
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from . import schedule
from .models import ContentVersion

logger = logging.getLogger(__name__)

# The shared cache's copy of the version, and how long it is trusted: if a write to the
# cache fails while the database commits an edit, the copy is wrong for at most this long.
VERSION_KEY = "page-cache:content-version"
# The time of the next scheduled change (in milliseconds), always written with the copy.
NEXT_CHANGE_KEY = f"{VERSION_KEY}:next-change"
VERSION_COPY_TIMEOUT = 5
NEVER_CHANGED = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
NO_CHANGE_AHEAD = schedule.NO_CHANGE_AHEAD
rehearsing = ContextVar("rehearsing", default=False)
reaching = ContextVar("reaching", default=False)


class State(NamedTuple):
    version: int
    changed_at: datetime.datetime
    next_change_at: datetime.datetime  # the version moves on then, by itself


def state():
    """The version now, when it last moved on, and when it next will by itself.

    One query: an indexed read of one row, with an indexed look-up a scheduled field for
    the first scheduled moment since the version last moved on. Once that moment has come,
    the first request to read the version moves it on (reach).
    """
    found = State(0, NEVER_CHANGED, NEVER_CHANGED)
    for _ in range(3):
        row = (
            ContentVersion.objects.filter(pk=1)
            .annotate(next_change_at=schedule.next_change())
            .values_list(*State._fields)
            .first()
        )
        if row is None:
            if rehearsing.get():
                return found
            bump()  # the first content of a new database came without one (loaddata)
            continue
        found = State(*row)
        if found.next_change_at > timezone.now() or rehearsing.get() or reaching.get():
            break
        reach(found)
    else:
        # Still due after moving it on: trust it for this request only.
        return found._replace(next_change_at=timezone.now())
    return found


def read():
    """The version now."""
    return state().version


def current():
    """(version, changed_at) now."""
    return state()[:2]


def reach(found):
    """Move the version on for the scheduled change that has come: once, whichever
    process asks first (the others find the version moved on already)."""
    token = reaching.set(True)  # what is done now reads the version, never reaches it
    try:
        with transaction.atomic():
            claimed = ContentVersion.objects.filter(pk=1, version=found.version).update(
                changed_at=timezone.now()
            )
            if claimed:
                for receiver, error in schedule.schedule_reached.send_robust(
                    sender=ContentVersion, due=found.next_change_at
                ):
                    if error is not None:
                        logger.error("%s failed at a scheduled change.", receiver, exc_info=error)
                bump()
    except DatabaseError:
        # The page is still right (it is rendered from the database as it is now); the
        # next request tries again.
        logger.exception("Could not move the content version on at a scheduled change.")
    finally:
        reaching.reset(token)


def bump():
    """Move the version on; call it inside the transaction of the change it stands for."""
    if rehearsing.get():
        return
    # Never below the clock in milliseconds: after a restore or a flush the counter
    # cannot fall back onto numbers that cached pages and ETags already used.
    now = timezone.now()
    floor = int(now.timestamp() * 1000)
    changes = {"version": Greatest(F("version") + 1, Value(floor)), "changed_at": now}
    updated = ContentVersion.objects.filter(pk=1).update(**changes)
    if not updated:
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": floor, "changed_at": now})
    if shares_version():
        # Before the commit: see lookup.Lookup.
        share_version(state())


def shares_version():
    """Whether the cache is one that every process shares, so it may hold the version."""
    return settings.PAGE_CACHE and getattr(cache, "shared_across_processes", False)


def milliseconds(moment):
    return int(moment.timestamp() * 1000)


def share_version(found):
    """Raise the shared cache's copy of the version to that of `found` (a State), with
    its next scheduled change; never lower it."""
    try:
        cache.set_if_greater(
            VERSION_KEY,
            found.version,
            VERSION_COPY_TIMEOUT,
            also=(NEXT_CHANGE_KEY, milliseconds(found.next_change_at)),
        )
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
