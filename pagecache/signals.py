"""Bump the content version whenever content is saved, deleted or re-linked.

Content is every model of the apps named in PAGE_CACHE_APPS except those listed in
PAGE_CACHE_IGNORED_MODELS (records no public page shows, such as a visitor's inquiry).
So does giving a time to a model that is not content but has a schedule (a draft to
publish at a set time; see schedule.py).
"""

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from . import version
from .schedule import moments_ahead


def content_changed(sender, **kwargs):
    # Fixtures (loaddata) save with raw=True; restore_site bumps once at its end.
    if not kwargs.get("raw"):
        version.bump()


def schedule_changed(sender, instance, **kwargs):
    # Only to retire the copies of the version that know its next scheduled change.
    if not kwargs.get("raw") and moments_ahead(instance, timezone.now()):
        version.bump()


def connect():
    ignored = set(settings.PAGE_CACHE_IGNORED_MODELS)
    for app_label in settings.PAGE_CACHE_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label not in ignored:
                connect_content(model)
            elif getattr(model, "schedule_fields", ()):
                uid = f"cv-schedule-{model}"
                post_save.connect(schedule_changed, sender=model, dispatch_uid=uid)


def connect_content(model):
    post_save.connect(content_changed, sender=model, dispatch_uid=f"cv-save-{model}")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"cv-del-{model}")
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(
            content_changed, sender=field.remote_field.through, dispatch_uid=f"cv-{field}"
        )
