"""What needs an editor's attention, listed on the admin's index (cosn_global/admin.py).

Each item counts some records and links to just those: to the record itself when there is
one, else to its list, filtered by a filter an editor can also pick by hand there.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, Value, When
from django.db.models.functions import Least
from django.urls import reverse
from django.utils import timezone

from core.models import Draft, Section
from core.schedule import scheduled_within
from delegations.models import Application, Delegation, Dispatch, Inquiry, Photo, Report
from mail.models import Email
from pagecache.schedule import NO_CHANGE_AHEAD
from symposium.models import Symposium


@dataclass(frozen=True)
class Item:
    model: Any
    rows: Any  # () -> the queryset of the records that need attention
    one: str  # "report not available online"
    many: str  # "reports not available online"
    query: str  # the list's filter that shows just those records
    note: str = ""  # said beside the model's name in the app list, e.g. "not handled yet"


def upcoming(missing):
    return lambda: getattr(Delegation.objects.upcoming(), missing)()


def drafts_of(model, which=lambda drafts: drafts):
    """The records of `model` with a draft waiting to be published (core/drafts.py), of
    those that `which(drafts)` keeps."""

    def rows():
        drafts = Draft.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk")
        )
        return model.objects.filter(Exists(which(drafts)))

    return rows


def within_a_week(model):
    return lambda: model.objects.filter(scheduled_within(7))


DRAFTED = [
    (Delegation, "trip", "trips"),
    (Report, "report", "reports"),
    (Dispatch, "blog post or episode", "posts"),
    (Symposium, "symposium edition", "symposium editions"),
    (Section, "section's copy", "sections"),
]
SCHEDULED = [(model, one, many) for model, one, many in DRAFTED if model is not Section]
KIND_NAMES = {model: one for model, one, _ in DRAFTED}


# In the order an editor should see to them.
TODO_ITEMS = [
    Item(
        Application,
        lambda: Application.objects.filter(status=Application.Status.RECEIVED),
        "application to decide",
        "applications to decide",
        "status__exact=received",
        note="to decide",
    ),
    Item(
        Inquiry,
        lambda: Inquiry.objects.filter(handled=False),
        "inquiry not handled yet",
        "inquiries not handled yet",
        "handled__exact=0",
        note="not handled yet",
    ),
    Item(
        Email,
        lambda: Email.objects.filter(status=Email.Status.FAILED),
        "email that failed",
        "emails that failed",
        "status__exact=failed",
        note="failed",
    ),
    Item(
        Delegation,
        upcoming("without_exact_dates"),
        "upcoming trip without exact dates",
        "upcoming trips without exact dates",
        "missing=exact_dates",
    ),
    Item(
        Delegation,
        upcoming("without_contact"),
        "upcoming trip without a contact",
        "upcoming trips without a contact",
        "missing=contact",
    ),
    Item(
        Delegation,
        upcoming("without_key_facts"),
        "upcoming trip without key facts (cost, audience, places…)",
        "upcoming trips without key facts (cost, audience, places…)",
        "missing=key_facts",
    ),
    Item(
        Report,
        lambda: Report.objects.filter(not_online=True),
        "report not available online",
        "reports not available online",
        "not_online__exact=1",
    ),
    Item(
        Photo,
        lambda: Photo.objects.filter(image=""),
        "photo caption without its picture",
        "photo captions without their picture",
        "picture=awaited",
        note="awaiting a picture",
    ),
    *(
        Item(
            model,
            drafts_of(model, lambda drafts: drafts.failed()),
            f"{one} whose scheduled draft could not be published",
            f"{many} whose scheduled drafts could not be published",
            "draft=failed",
        )
        for model, one, many in DRAFTED
    ),
    *(
        Item(
            model,
            drafts_of(model),
            f"{one} with a draft to publish",
            f"{many} with a draft to publish",
            "draft=pending",
        )
        for model, one, many in DRAFTED
    ),
    *(
        Item(
            model,
            within_a_week(model),
            f"{one} going live or coming down in the next 7 days",
            f"{many} going live or coming down in the next 7 days",
            "schedule=week",
        )
        for model, one, many in SCHEDULED
    ),
    *(
        Item(
            model,
            drafts_of(model, lambda drafts: drafts.due_within(7)),
            f"{one} with a draft to be published in the next 7 days",
            f"{many} with a draft to be published in the next 7 days",
            "draft=week",
        )
        for model, one, many in DRAFTED
    ),
]


@dataclass(frozen=True)
class Todo:
    item: Item
    count: int
    url: str

    @property
    def text(self):
        return f"{self.count} {self.item.one if self.count == 1 else self.item.many}"

    @property
    def note(self):
        return f"{self.count} {self.item.note}" if self.count else ""


def count(item, site_name="admin"):
    """The Todo for `item`: one query, however many records wait."""
    found = item.rows().aggregate(count=Count("pk"), first=Min("pk"))
    opts = item.model._meta
    prefix = f"{site_name}:{opts.app_label}_{opts.model_name}"
    if found["count"] == 1:
        url = reverse(f"{prefix}_change", args=[quote(found["first"])])
    else:
        url = f"{reverse(f'{prefix}_changelist')}?{item.query}"
    return Todo(item, found["count"], url)


def ahead_of(now, field):
    """`field` if it is later than `now`, else a time later than any."""
    return Case(When(**{f"{field}__gt": now}, then=F(field)), default=Value(NO_CHANGE_AHEAD))


@dataclass(frozen=True)
class Change:
    at: datetime.datetime
    text: str
    url: str


def coming_up(visible, site_name="admin", limit=6):
    """The next scheduled changes to the public pages, soonest first: records going live
    or coming down, drafts to be published; of the models `visible(model)` allows."""
    now = timezone.now()
    changes = []

    def change_url(record):
        opts = record._meta
        return reverse(
            f"{site_name}:{opts.app_label}_{opts.model_name}_change", args=[quote(record.pk)]
        )

    for model, one, _ in SCHEDULED:
        if not visible(model):
            continue
        # The records whose next change comes first: none beyond the first `limit` of
        # each kind can be among the first `limit` changes.
        ahead = (
            model.objects.filter(Q(go_live_at__gt=now) | Q(expires_at__gt=now))
            .annotate(
                next_change_at=Least(ahead_of(now, "go_live_at"), ahead_of(now, "expires_at"))
            )
            .order_by("next_change_at")
        )
        for record in ahead[:limit]:
            for moment, verb in (
                (record.go_live_at, "goes live"),
                (record.expires_at, "comes down"),
            ):
                if moment and moment > now:
                    changes.append(
                        Change(moment, f"The {one} “{record}” {verb}", change_url(record))
                    )
    drafts = Draft.objects.filter(go_live_at__gt=now).prefetch_related("record")
    for draft in drafts.order_by("go_live_at")[:limit]:
        record = draft.record
        if record is not None and visible(type(record)):
            name = KIND_NAMES.get(type(record), type(record)._meta.verbose_name)
            changes.append(
                Change(
                    draft.go_live_at,
                    f"The draft of the {name} “{record}” is published",
                    change_url(record),
                )
            )
    return sorted(changes, key=lambda change: change.at)[:limit]
