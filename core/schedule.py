"""Scheduled publishing: a record that goes live, or is taken down, at a set time.

A published record with a go-live time in the future is not public until then; one with
an expiry time is public only until then. Both are optional and entered in the site's
time zone. Nothing runs at those times: every query for public records compares them
with the clock (`live()`), and the page cache turns over at the same instant because it
knows the next scheduled change of all content (pagecache/schedule.py reads the fields
named by `schedule_fields`).
"""

import datetime

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format


def live(prefix="", now=None):
    """The condition for a record (reached through `prefix`, e.g. "delegation__") whose
    go-live time, if any, has come and whose expiry time, if any, has not."""
    now = now or timezone.now()
    return (Q(**{f"{prefix}go_live_at__isnull": True}) | Q(**{f"{prefix}go_live_at__lte": now})) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})
    )


class Scheduled(models.Model):
    go_live_at = models.DateTimeField(
        "go live at",
        null=True,
        blank=True,
        db_index=True,
        help_text=(
            "Optional: the public sees it from this moment (it must be published too). "
            "Empty: as soon as it is published."
        ),
    )
    expires_at = models.DateTimeField(
        "take down at",
        null=True,
        blank=True,
        db_index=True,
        help_text="Optional: the public no longer sees it from this moment.",
    )

    # Read by pagecache/schedule.py: the moments at which the public pages change.
    schedule_fields = ("go_live_at", "expires_at")

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.go_live_at and self.expires_at and self.expires_at <= self.go_live_at:
            raise ValidationError(
                {"expires_at": "Take it down after it goes live, or leave one of them empty."}
            )

    def is_live(self, now=None):
        now = now or timezone.now()
        return (self.go_live_at is None or self.go_live_at <= now) and (
            self.expires_at is None or self.expires_at > now
        )

    @property
    @admin.display(description="schedule")
    def schedule_display(self):
        """ "Goes live Dec. 5, 2026, 09:00; comes down …", or "" when nothing is set."""
        now = timezone.now()
        parts = []
        if self.go_live_at:
            verb = "goes live" if self.go_live_at > now else "went live"
            parts.append(f"{verb} {moment(self.go_live_at)}")
        if self.expires_at:
            verb = "comes down" if self.expires_at > now else "came down"
            parts.append(f"{verb} {moment(self.expires_at)}")
        said = "; ".join(parts)
        return said[:1].upper() + said[1:]


def moment(value):
    """A time as the admin shows it, in the site's time zone: "Dec. 5, 2026, 09:00"."""
    return date_format(timezone.localtime(value), "N j, Y, H:i")


def scheduled_within(days, now=None):
    """The condition for a record that goes live or is taken down in the next `days`."""
    now = now or timezone.now()
    until = now + datetime.timedelta(days=days)
    return Q(go_live_at__gt=now, go_live_at__lte=until) | Q(
        expires_at__gt=now, expires_at__lte=until
    )


SCHEDULE_FIELDSET = (
    "Schedule",
    {
        "fields": [("go_live_at", "expires_at")],
        "description": (
            "To publish or take down at a set time, in the site's time zone "
            f"({settings.TIME_ZONE}): the public pages change at that moment by themselves."
        ),
    },
)


class ScheduleFilter(admin.SimpleListFilter):
    title = "schedule"
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return [
            ("week", "Goes live or comes down in the next 7 days"),
            ("ahead", "Goes live or comes down later"),
            ("not_live", "Not live by its schedule now"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "week":
            return queryset.filter(scheduled_within(7, now))
        if self.value() == "ahead":
            return queryset.filter(Q(go_live_at__gt=now) | Q(expires_at__gt=now))
        if self.value() == "not_live":
            return queryset.exclude(live(now=now))
        return queryset
