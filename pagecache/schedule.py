"""The next moment at which the public pages change by themselves.

A model takes part by naming its date-time fields in `schedule_fields` (a record's
go-live and expiry times, a draft's publication time): at each of those moments the
public pages change although nothing is saved. A model whose moments call for something
to be done (a draft to publish) says `schedule_due_until_done`: its moment stays due,
whatever was saved since, until it is done and the moment cleared. The query that reads the content
version also finds the first such moment after the version last moved on, and the
version moves on when that moment has come (version.state): cached pages and ETags turn
over at that instant, with no worker or cron.
"""

import datetime
import functools

from django.apps import apps
from django.db.models import DateTimeField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Least
from django.dispatch import Signal

NO_CHANGE_AHEAD = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)

# Sent inside the transaction that moves the version on for a scheduled change, with the
# time it was due (`due`): receivers may carry out what was scheduled for it (a draft's
# publication) before the pages are rendered again.
schedule_reached = Signal()


@functools.cache
def scheduled_models():
    return [model for model in apps.get_models() if getattr(model, "schedule_fields", ())]


def moments_ahead(instance, now):
    """The scheduled moments of `instance` that are still to come."""
    return [
        moment
        for field in getattr(instance, "schedule_fields", ())
        if (moment := getattr(instance, field)) is not None and moment > now
    ]


def next_change(after=None):
    """An expression: the earliest scheduled moment later than `after` (by default the
    time the content version last moved on), of any record, or NO_CHANGE_AHEAD.

    One indexed look-up a scheduled field, all inside the query that reads the version.
    """
    if after is None:
        after = OuterRef("changed_at")
    never = Value(NO_CHANGE_AHEAD, output_field=DateTimeField())
    firsts = [
        Coalesce(
            Subquery(
                model._base_manager.filter(
                    **{f"{field}__isnull": False}
                    if getattr(model, "schedule_due_until_done", False)
                    else {f"{field}__gt": after}
                )
                .order_by(field)
                .values(field)[:1]
            ),
            never,
            output_field=DateTimeField(),
        )
        for model in scheduled_models()
        for field in model.schedule_fields
    ]
    if not firsts:
        return never
    return Least(*firsts, never, output_field=DateTimeField())
