"""Change history for the admin: django-reversion records every save, and this adds a
side-by-side comparison of any two versions of an object."""

import difflib

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import strip_tags
from reversion.admin import VersionAdmin
from reversion.models import Version

from .drafts import PUBLISHED_DRAFT

INITIAL_COMMENT = "The record as it was when its history began."


def create_initial_versions(using, **kwargs):
    """After every `migrate`: a first version of each record that has none yet, so that
    History can always go back to what was there before the first edit (records loaded
    or imported without history, or saved before history was kept).

    Only once every migration is applied: the versions are made with today's models.
    """
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    call_command(
        "createinitialrevisions",
        comment=INITIAL_COMMENT,
        using=using,
        model_db=using,
        verbosity=0,
    )


class HistoryAdmin(VersionAdmin):
    """VersionAdmin (history, revert, recover deleted) plus "compare two versions"."""

    object_history_template = "admin/history/object_history.html"

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{opts.app_label}_{opts.model_name}_compare",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        versions = list(
            Version.objects.get_for_object_reference(self.model, unquote(object_id))
            .select_related("revision__user")
            .order_by("pk")
        )
        summaries = self.summarise(versions, unquote(object_id))
        action_list = [
            {
                "revision": version.revision,
                "version_id": version.pk,
                "number": number,
                "changes": changes,
                "url": reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_revision",
                    args=(quote(version.object_id), version.pk),
                ),
            }
            for number, (version, changes) in enumerate(zip(versions, summaries, strict=True), 1)
        ]
        return super().history_view(
            request, object_id, {"action_list": action_list[::-1], **(extra_context or {})}
        )

    def part_models(self):
        """{model: name of its key to this admin's model} for the parts edited inline."""
        parts = {}
        for inline in self.inlines:
            for field in inline.model._meta.fields:
                if field.is_relation and field.related_model is self.model:
                    parts[inline.model] = field.attname
        return parts

    def parts_in(self, revision, object_id, parts):
        """The parts of the object saved in `revision`: {(label, pk): (name, data)}."""
        found = {}
        for version in revision.version_set.all():
            model = version.content_type.model_class()
            if model not in parts:
                continue
            data = version.field_dict
            if str(data.get(parts[model])) == str(object_id):
                name = f"{model._meta.verbose_name} “{version.object_repr}”"
                found[(model._meta.label, version.object_id)] = (name, version.serialized_data)
        return found

    def summarise(self, versions, object_id):
        """What each version changed since the one before: fields, and parts added,
        removed or changed, in plain words."""
        parts = self.part_models()
        revisions = [version.revision for version in versions]
        prefetch_related_objects(revisions, "version_set__content_type")
        summaries, before, before_parts = [], None, {}
        for version in versions:
            now_parts = self.parts_in(version.revision, object_id, parts)
            if before is None:
                # Where the record came from: the admin, the seed content, history's start.
                changes = ["First version.", version.revision.get_comment()]
            else:
                changes = []
                fields = [c["label"] for c in compare_versions(self.model, before, version)]
                if fields:
                    changes.append(f"Changed {', '.join(fields)}.")
                added = now_parts.keys() - before_parts.keys()
                removed = before_parts.keys() - now_parts.keys()
                edited = {
                    key
                    for key in now_parts.keys() & before_parts.keys()
                    if now_parts[key][1] != before_parts[key][1]
                }
                changes += sorted(f"Added {now_parts[key][0]}." for key in added)
                changes += sorted(f"Removed {before_parts[key][0]}." for key in removed)
                changes += sorted(f"Changed {now_parts[key][0]}." for key in edited)
                changes = changes or ["Saved without changes."]
                if PUBLISHED_DRAFT in version.revision.get_comment():
                    # Published from a draft, by hand or at its time: say so first.
                    changes.insert(0, version.revision.get_comment())
            summaries.append(changes)
            before, before_parts = version, now_parts
        return summaries

    def compare_view(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(self.model, pk=unquote(object_id))
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        try:
            older = versions.get(pk=int(request.GET["older"]))
            newer = versions.get(pk=int(request.GET["newer"]))
        except (KeyError, ValueError, Version.DoesNotExist):
            raise Http404("Choose two versions of this object to compare.") from None
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": obj,
            "title": f"Compare versions of {obj}",
            "older": older,
            "newer": newer,
            "changes": compare_versions(self.model, older, newer),
            "history_url": f"../?{request.GET.urlencode()}",
            "object_id": quote(obj.pk),
        }
        return TemplateResponse(request, "admin/history/compare.html", context)


def readable(value):
    if isinstance(value, str):
        return strip_tags(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


def compare_versions(model, older, newer):
    """The fields that differ between two versions, with a word-level diff of text."""
    before, after = older.field_dict, newer.field_dict
    changes = []
    for field in model._meta.get_fields():
        name = getattr(field, "attname", None) or field.name
        if name not in before and name not in after:
            continue
        old, new = before.get(name), after.get(name)
        if old == new or field.name in {"updated_at"}:
            continue
        old_text, new_text = readable(old), readable(new)
        diff = (
            list(difflib.ndiff(old_text.split(), new_text.split()))
            if isinstance(old, str) and isinstance(new, str)
            else []
        )
        changes.append(
            {
                "label": str(getattr(field, "verbose_name", field.name)).capitalize(),
                "old": old_text,
                "new": new_text,
                "removed": [word[2:] for word in diff if word.startswith("- ")],
                "added": [word[2:] for word in diff if word.startswith("+ ")],
            }
        )
    return changes
