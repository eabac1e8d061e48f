"""Change history for the admin: django-reversion records every save, and this adds a
side-by-side comparison of any two versions of an object."""

import difflib

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import strip_tags
from reversion.admin import VersionAdmin
from reversion.models import Version


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
        response = super().history_view(request, object_id, extra_context)
        context = getattr(response, "context_data", None)
        if context and context.get("action_list"):
            ids = dict(
                Version.objects.get_for_object_reference(
                    self.model, unquote(object_id)
                ).values_list("revision_id", "pk")
            )
            for action in context["action_list"]:
                action["version_id"] = ids.get(action["revision"].pk)
        return response

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
