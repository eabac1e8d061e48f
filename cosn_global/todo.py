"""What needs an editor's attention, listed on the admin's index (cosn_global/admin.py).

Each item counts some records and links to just those: to the record itself when there is
one, else to its list, filtered by a filter an editor can also pick by hand there.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Min, OuterRef
from django.urls import reverse

from core.models import Draft, Section
from delegations.models import Application, Delegation, Dispatch, Inquiry, Photo, Report
from mail.models import Email
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


def drafted(model):
    """The records of `model` with a draft waiting to be published (core/drafts.py)."""

    def rows():
        drafts = Draft.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk")
        )
        return model.objects.filter(Exists(drafts))

    return rows


def drafts_item(model, one, many):
    return Item(model, drafted(model), one, many, "draft=pending")


# In the order an editor should see to them. Changes scheduled for the coming week would
# belong here too.
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
    drafts_item(Delegation, "trip with a draft to publish", "trips with a draft to publish"),
    drafts_item(Report, "report with a draft to publish", "reports with a draft to publish"),
    drafts_item(
        Dispatch, "blog post or episode with a draft to publish", "posts with a draft to publish"
    ),
    drafts_item(
        Symposium,
        "symposium edition with a draft to publish",
        "symposium editions with a draft to publish",
    ),
    drafts_item(
        Section, "section's copy with a draft to publish", "sections with a draft to publish"
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
