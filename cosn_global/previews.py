"""Previews: a record's pending draft, or a record that is not published, shown exactly as
the public will see it, to staff (from the change form) and to whoever has a share link.

The draft is saved over the record as the admin would save it (core/drafts.py), in a
transaction that is always rolled back (pagecache.version.rehearsal), and the record's
public page is rendered in between by its own view, for a visitor who is not signed in.
The page cache is never asked or filled, and the content version does not move, so a
preview leaves no trace: not in the database, the cache or the file storage.
"""

import copy

from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from core.drafts import is_published, share_link_from
from core.models import Draft
from pagecache.version import rehearsal


def staff_preview(request, content_type_id, object_id):
    """The preview button of a change form (behind the admin's login)."""
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is None or not admin.site.is_registered(model):
        raise Http404("Nothing of that kind can be previewed.")
    model_admin = admin.site.get_model_admin(model)
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    record = get_object_or_404(model, pk=object_id)
    draft = Draft.objects.for_record(record).select_related("author").first()
    if draft is None and is_published(record):
        # Nothing to preview: the public page is what there is.
        return HttpResponseRedirect(record.get_absolute_url())
    return preview(request, record, draft, request.user)


def shared_preview(request, token):
    """A share link: the same preview, for someone without a login."""
    link = share_link_from(token)
    if link is None:
        return unavailable(request, "This link is not valid.", 404)
    if link.revoked_at is not None:
        return unavailable(request, "This link has been withdrawn by the editors.", 410)
    if link.expires_at <= timezone.now():
        return unavailable(request, "This link has expired.", 410)
    record = link.record
    draft = record and Draft.objects.for_record(record).select_related("author").first()
    if record is None or (draft is None and is_published(record)):
        return unavailable(request, "There is nothing to preview here any more.", 410)
    if draft is not None and draft.author is None:
        return unavailable(request, "There is nothing to preview here any more.", 410)
    return preview(request, record, draft, draft.author if draft else None)


def preview(request, record, draft, editor):
    """The record's public page with the draft saved over it (or, without a draft, as if
    it were published), rendered for a visitor, then undone."""
    model_admin = admin.site.get_model_admin(type(record))
    with rehearsal():
        if draft is not None:
            as_editor = copy.copy(request)
            as_editor.user = editor
            _, errors = model_admin.apply_draft(as_editor, record, draft, rehearsal=True)
            if errors:
                return unavailable(
                    request,
                    "The draft cannot be shown: it no longer fits what it changes.",
                    409,
                    errors if request.user.is_staff else [],
                )
            label = "a draft"
        else:
            if hasattr(record, "is_published"):
                type(record).objects.filter(pk=record.pk).update(is_published=True)
            label = "a page that is not published"
        # Shown as it will be once live, whenever its schedule says that is.
        schedule = dict.fromkeys(getattr(record, "schedule_fields", ()))
        if schedule:
            type(record).objects.filter(pk=record.pk).update(**schedule)
        record.refresh_from_db()
        response = render_public_page(request, record.get_absolute_url(), label)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


def render_public_page(request, url, label):
    """What the view of `url` answers a visitor who is not signed in, rendered now."""
    try:
        match = resolve(url)
    except Resolver404:
        return unavailable(request, "This page has no public address to preview.", 404)
    view = match.func
    # The page cache's wrapper (cache_public_page) would serve or keep the page.
    if getattr(view, "public_page", False):
        view = view.__wrapped__
    visitor = copy.copy(request)
    visitor.user = AnonymousUser()
    visitor.method = "GET"
    visitor.GET = QueryDict()
    visitor.path = visitor.path_info = url
    visitor.META = {**request.META, "PATH_INFO": url, "QUERY_STRING": "", "REQUEST_METHOD": "GET"}
    visitor.resolver_match = match
    # base.html marks the page as a preview and keeps it out of search engines.
    visitor.preview_of = label
    try:
        response = view(visitor, *match.args, **match.kwargs)
    except Http404:
        return unavailable(
            request,
            "This page would not be public: what it belongs to is not published.",
            404,
        )
    if hasattr(response, "render"):
        response.render()
    return response


def unavailable(request, reason, status, errors=()):
    response = TemplateResponse(
        request,
        "preview_unavailable.html",
        {"reason": reason, "errors": errors},
        status=status,
    )
    response.render()
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
