"""Drafts published by themselves at the time an editor chose.

Nothing runs at that time: the page cache moves the content version on at every
scheduled change (pagecache/schedule.py), in the first request that reads the version
after that moment, and sends `schedule_reached` in that transaction, before any page is
rendered again. The drafts whose time has come are published then, exactly as their
authors would from the change form (core/drafts.py): one change in the history, in the
author's name. A draft that cannot be published (the record changed since it was made,
or its author may no longer change it) is left as it was, unscheduled, with the reason,
which its change form and the admin's to-do list show.
"""

import logging

from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest
from django.utils import timezone

from core.models import Draft
from pagecache.schedule import schedule_reached

logger = logging.getLogger(__name__)


class Unsaid:
    """Messages for nobody: the admin's own messages, while no one is looking."""

    def add(self, level, message, extra_tags=""):
        pass


def as_author(draft):
    request = HttpRequest()
    request.method = "POST"
    request.user = draft.author
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request._messages = Unsaid()
    return request


def publish_due_drafts(sender, **kwargs):
    due = Draft.objects.filter(go_live_at__lte=timezone.now()).select_related("author")
    for draft in due:
        error = publish(draft)
        if error:
            logger.warning("A scheduled draft was not published: %s", error)
            Draft.objects.filter(pk=draft.pk).update(go_live_at=None, publish_error=error)


def publish(draft):
    """Publish `draft` as its author; return why it could not be, or ""."""
    record = draft.record
    if record is None:
        return "what it changes no longer exists."
    if draft.author is None:
        return "whoever saved it no longer has an account. Publish it by hand."
    model_admin = admin.site.get_model_admin(type(record))
    request = as_author(draft)
    if not model_admin.has_change_permission(request, record):
        return "whoever saved it may no longer change this record. Publish it by hand."
    try:
        form, errors = model_admin.publish(request, record, draft, how="Published (as scheduled)")
    except Exception:
        logger.exception("Publishing a scheduled draft failed.")
        return "something went wrong. Publish it by hand."
    if form.has_error(NON_FIELD_ERRORS, "saved_since"):
        return (
            "the record was saved after the draft was made from it, and publishing it would "
            "undo that change. Check the draft against what is live now and save it again."
        )
    return " ".join(errors)


def connect():
    schedule_reached.connect(publish_due_drafts, dispatch_uid="publish-due-drafts")
