"""Drafts of changes to published records, and share links to their previews.

"Save draft" on a record's change form validates the form and its inline formsets
exactly as Save would, then keeps what was submitted (ContentForm's data and every
formset's, as JSON, with the chosen files stored under drafts/) instead of saving the
record: the public page does not change. Publishing a draft, or previewing it, rebuilds
the same forms from that data and saves them as the admin would; a preview does so in a
transaction that is always rolled back (cosn_global/previews.py). A draft can also be
given a time to be published by itself (cosn_global/schedule.py does it then).
"""

import copy
import datetime
import uuid
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.forms.formsets import all_valid
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from reversion import create_revision, set_user
from reversion.models import Version

from .models import Draft, ShareLink, user_name
from .schedule import moment

DRAFTS_FOLDER = "drafts"
SHARE_LINK_SALT = "core.drafts.share-link"
SHARE_LINK_DAYS = 7
# In the history's comment of a version published from a draft (history.py shows it).
PUBLISHED_DRAFT = "the draft by"
# What a submitted change form holds that is not the record's content.
NOT_CONTENT = {"csrfmiddlewaretoken", "seen_draft"}


def is_published(record):
    """Whether the public can see the record now (section copy always can)."""
    return getattr(record, "is_public", True)


class DraftFile(File):
    """A file kept with a draft, given to a form as if it had just been chosen."""

    def __init__(self, stored_name):
        self.stored_name = stored_name
        super().__init__(default_storage.open(stored_name), name=PurePosixPath(stored_name).name)


def draft_post(draft):
    data = QueryDict(mutable=True)
    for name, values in draft.data.get("post", {}).items():
        data.setlist(name, values)
    data["seen_draft"] = draft.stamp
    return data


def draft_files(draft):
    return MultiValueDict(
        {name: [DraftFile(stored)] for name, stored in draft.data.get("files", {}).items()}
    )


def delete_files(names):
    for name in names:
        if name.startswith(f"{DRAFTS_FOLDER}/"):
            default_storage.delete(name)


def discard(draft):
    files = list(draft.data.get("files", {}).values())
    draft.delete()
    transaction.on_commit(lambda: delete_files(files))


def share_token(link):
    return signing.dumps(link.pk, salt=SHARE_LINK_SALT)


def share_link_from(token):
    """The ShareLink a token names, or None for a token that is forged or names none."""
    try:
        pk = signing.loads(token, salt=SHARE_LINK_SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(pk, int):
        return None
    return ShareLink.objects.filter(pk=pk).first()


def errors_in(form, formsets):
    """Every error of a bound change form and its formsets, as sentences."""
    found = []

    def add(form, where=""):
        for field, errors in form.errors.items():
            label = "" if field == NON_FIELD_ERRORS else f"{form.fields[field].label}: "
            found.extend(f"{where}{label}{error}" for error in errors)

    add(form)
    for formset in formsets:
        found.extend(str(error) for error in formset.non_form_errors())
        for number, part in enumerate(formset.forms, 1):
            add(part, f"{formset.model._meta.verbose_name.capitalize()} {number}: ")
    return found


class ScheduleDraftForm(forms.Form):
    # What a browser's date-and-time field sends; read in the site's time zone.
    go_live_at = forms.DateTimeField(
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={"required": "The time is required."},
    )

    def clean_go_live_at(self):
        moment = self.cleaned_data["go_live_at"]
        if moment <= timezone.now():
            raise forms.ValidationError("Choose a time in the future.")
        return moment


class PendingDraftFilter(admin.SimpleListFilter):
    title = "draft"
    parameter_name = "draft"

    def lookups(self, request, model_admin):
        return [
            ("pending", "Has a pending draft"),
            ("scheduled", "Its draft is scheduled"),
            ("week", "Its draft is scheduled in the next 7 days"),
            ("failed", "Its scheduled draft could not be published"),
            ("none", "No draft"),
        ]

    def queryset(self, request, queryset):
        drafts = Draft.objects.filter(
            content_type=ContentType.objects.get_for_model(queryset.model),
            object_id=OuterRef("pk"),
        )
        if self.value() == "pending":
            return queryset.filter(Exists(drafts))
        if self.value() == "scheduled":
            return queryset.filter(Exists(drafts.scheduled()))
        if self.value() == "week":
            return queryset.filter(Exists(drafts.due_within(7)))
        if self.value() == "failed":
            return queryset.filter(Exists(drafts.failed()))
        if self.value() == "none":
            return queryset.exclude(Exists(drafts))
        return queryset


class DraftsMixin:
    """For a ContentAdmin: drafts of changes to a published record, their previews,
    publishing and discarding them, and share links to the preview. (Its list_filter
    can offer PendingDraftFilter.)"""

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/draft/<str:action>/",
                self.admin_site.admin_view(self.draft_view),
                name=f"{opts.app_label}_{opts.model_name}_draft",
            ),
            *super().get_urls(),
        ]

    # --- The change form -----------------------------------------------------------------

    @staticmethod
    def saving_draft(request):
        return request.method == "POST" and "_save_draft" in request.POST

    def pending_draft(self, obj):
        if obj is None or obj.pk is None:
            return None
        return Draft.objects.for_record(obj).select_related("author").first()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        draft = self.pending_draft(obj)
        request.pending_draft = draft
        extra_context = extra_context or {}
        # History's restore and recover pages show a version, never the draft.
        restoring = extra_context.get("revert") or extra_context.get("recover")
        editing_draft = (
            bool(draft)
            and not restoring
            and (
                request.GET.get("edit") != "live"
                if request.method == "GET"
                else "_from_draft" in request.POST
            )
        )
        request.editing_draft = editing_draft
        if editing_draft and request.method == "POST":
            # A browser cannot send back the files the draft holds: files the editor did
            # not choose again, or clear, are the draft's.
            files = request.FILES.copy()
            for name, stored in draft.data.get("files", {}).items():
                if name not in files and not request.POST.get(f"{name}-clear"):
                    files[name] = DraftFile(stored)
            request._files = files
        if not restoring:
            extra_context = {**extra_context, **self.draft_context(request, obj, draft)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def draft_context(self, request, obj, draft):
        if obj is None:
            return {}
        opts = self.model._meta
        content_type = ContentType.objects.get_for_model(obj)
        links = ShareLink.objects.for_record(obj).filter(revoked_at=None)
        return {
            "drafts": True,
            "can_save_draft": is_published(obj) and self.has_change_permission(request, obj),
            "pending_draft": draft,
            "draft_by_someone_else": draft and draft.author_id != request.user.pk,
            "editing_draft": request.editing_draft,
            "draft_url": reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_draft",
                args=[quote(obj.pk), "-"],
            ).removesuffix("-/"),
            "preview_url": reverse("draft-preview", args=[content_type.pk, obj.pk]),
            "can_share": bool(draft) or not is_published(obj),
            "share_links": [
                {
                    "link": link,
                    "url": request.build_absolute_uri(
                        reverse("shared-preview", args=[share_token(link)])
                    ),
                    "expired": not link.is_live,
                }
                for link in links
            ],
            "share_link_days": SHARE_LINK_DAYS,
            "time_zone": settings.TIME_ZONE,
            "draft_go_live_value": (
                timezone.localtime(draft.go_live_at).strftime("%Y-%m-%dT%H:%M")
                if draft and draft.go_live_at
                else ""
            ),
        }

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        draft = getattr(request, "pending_draft", None)
        attrs = {"saving_draft": self.saving_draft(request), "pending_draft": draft}
        if request.method == "GET" and getattr(request, "editing_draft", False):
            attrs["draft_data"] = (draft_post(draft), draft_files(draft))
        return type(form.__name__, (form,), attrs)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method == "GET" and getattr(request, "editing_draft", False):
            draft = request.pending_draft
            kwargs.update(data=draft_post(draft), files=draft_files(draft))
        return kwargs

    def save_model(self, request, obj, form, change):
        if not self.saving_draft(request):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if self.saving_draft(request):
            self.store_draft(request, form)
            return
        super().save_related(request, form, formsets, change)
        draft = getattr(request, "pending_draft", None)
        if draft is None:
            return
        if request.editing_draft:
            # Saved from the draft's own form: the draft is what is live now.
            discard(draft)
            self.message_user(request, "The draft is now the live version.", messages.INFO)
        else:
            self.message_user(
                request,
                f"{draft.author_name}'s draft of this {self.model._meta.verbose_name}, saved "
                f"{moment(draft.updated_at)}, was made from the version before this save. It "
                "cannot be published as it is: open it, check it against what is live now, "
                "and save the draft again.",
                messages.WARNING,
            )

    def construct_change_message(self, request, form, formsets, add=False):
        if self.saving_draft(request):
            return []  # nothing was saved, so nothing changed
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if not self.saving_draft(request):
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        if not self.saving_draft(request):
            return super().response_change(request, obj)
        self.message_user(
            request,
            "The draft is saved. The public page has not changed: preview the draft, share "
            "it, or publish it when it is ready.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(request.path)

    def store_draft(self, request, form):
        """Keep what was submitted as the record's draft, replacing the one it was
        opened on (ContentForm has already refused if that is not the latest)."""
        obj = form.instance
        previous = request.pending_draft
        kept = previous.data.get("files", {}) if previous else {}
        folder = f"{DRAFTS_FOLDER}/{uuid.uuid4().hex}"
        files = {}
        for name, upload in request.FILES.items():
            if isinstance(upload, DraftFile):
                files[name] = upload.stored_name
            else:
                upload.seek(0)
                files[name] = default_storage.save(f"{folder}/{upload.name}", upload)
        post = {
            name: request.POST.getlist(name)
            for name in request.POST
            if not name.startswith("_") and name not in NOT_CONTENT
        }
        Draft.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            defaults={
                "author": request.user,
                "updated_at": timezone.now(),
                "based_on": form.cleaned_data.get("seen_version") or 0,
                "data": {"post": post, "files": files},
                "publish_error": "",
            },
        )
        unused = set(kept.values()) - set(files.values())
        transaction.on_commit(lambda: delete_files(unused))

    # --- Rebuilding the change form from a draft -------------------------------------------

    def apply_draft(self, request, obj, draft, *, rehearsal):
        """Save the draft's forms and formsets over `obj`, as the change form's Save
        would; return the errors instead if they do not validate (nothing is saved).

        In a rehearsal (a preview, rolled back afterwards) nothing is written to the
        file storage: files are shown from where the draft keeps them, and the records
        are told not to make smaller copies of pictures.
        """
        post, files = draft_post(draft), draft_files(draft)
        if rehearsal:
            # A preview shows the draft even when the record has changed since.
            post.pop("seen_version", None)
        as_editor = copy.copy(request)
        as_editor.method = "POST"
        as_editor.POST = post
        as_editor._files = files
        as_editor.pending_draft = None
        as_editor.editing_draft = False
        form_class = self.get_form(as_editor, obj, change=True)
        form = form_class(post, files, instance=obj)
        valid = form.is_valid()
        formsets, _ = self._create_formsets(as_editor, form.instance if valid else obj, True)
        if not (all_valid(formsets) and valid):
            return form, errors_in(form, formsets)
        if rehearsal:
            for part in [form, *(f for formset in formsets for f in formset.forms)]:
                part.instance.preview_only = True
                for name, value in part.cleaned_data.items():
                    if isinstance(value, DraftFile):
                        setattr(part.instance, name, value.stored_name)
        obj = self.save_form(as_editor, form, change=True)
        self.save_model(as_editor, obj, form, True)
        self.save_related(as_editor, form, formsets, True)
        return form, []

    # --- Publish, discard, share, revoke ---------------------------------------------------

    def draft_view(self, request, object_id, action):
        if request.method != "POST":
            raise Http404("Use the buttons on the change form.")
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"There is no such {self.model._meta.verbose_name}.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        actions = {
            "publish": self.publish_draft,
            "discard": self.discard_draft,
            "share": self.create_share_link,
            "revoke": self.revoke_share_link,
            "schedule": self.schedule_draft,
            "unschedule": self.unschedule_draft,
        }
        if action not in actions:
            raise Http404("No such action.")
        actions[action](request, obj)
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[quote(obj.pk)],
            )
        )

    def publish(self, request, obj, draft, how="Published"):
        """Save `draft` over `obj` as `request.user`, as one change in the history, and
        discard it; return (the form, the errors that stopped it)."""
        with transaction.atomic(), create_revision():
            set_user(request.user)
            form, errors = self.apply_draft(request, obj, draft, rehearsal=False)
            if not errors:
                self.log_change(request, obj, f"{how} {PUBLISHED_DRAFT} {draft.author_name}.")
                discard(draft)
        return form, errors

    def publish_draft(self, request, obj):
        draft = self.pending_draft(obj)
        if draft is None:
            self.message_user(request, "There is no draft to publish.", messages.WARNING)
            return
        form, errors = self.publish(request, obj, draft)
        if not errors:
            self.message_user(
                request, "The draft is published: the public page shows it now.", messages.SUCCESS
            )
        elif form.has_error(NON_FIELD_ERRORS, "saved_since"):
            latest = Version.objects.get(pk=form.latest_version_id()).revision
            self.message_user(
                request,
                f"The draft was not published: {user_name(latest.user)} saved this "
                f"{self.model._meta.verbose_name} at {moment(latest.date_created)}, after the "
                "draft was made from it, and publishing the draft would undo that change. "
                "The form below shows the draft: check it against what is live now, save the "
                "draft again, then publish it.",
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                "The draft was not published, because: " + " ".join(errors),
                messages.ERROR,
            )

    def schedule_draft(self, request, obj):
        draft = self.pending_draft(obj)
        if draft is None:
            self.message_user(request, "There is no draft to schedule.", messages.WARNING)
            return
        form = ScheduleDraftForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request,
                "The draft was not scheduled: " + " ".join(form.errors["go_live_at"]),
                messages.ERROR,
            )
            return
        draft.go_live_at = form.cleaned_data["go_live_at"]
        draft.publish_error = ""
        draft.save(update_fields=["go_live_at", "publish_error"])
        self.message_user(
            request,
            f"The draft will be published by itself at {moment(draft.go_live_at)} "
            f"({settings.TIME_ZONE}), as {draft.author_name} saved it. Until then the public "
            "page does not change.",
            messages.SUCCESS,
        )

    def unschedule_draft(self, request, obj):
        draft = self.pending_draft(obj)
        if draft is not None and draft.go_live_at is not None:
            draft.go_live_at = None
            draft.save(update_fields=["go_live_at"])
        self.message_user(request, "The draft is no longer scheduled: publish it by hand.")

    def discard_draft(self, request, obj):
        draft = self.pending_draft(obj)
        if draft is not None:
            discard(draft)
        self.message_user(request, "The draft is discarded.", messages.SUCCESS)

    def create_share_link(self, request, obj):
        if self.pending_draft(obj) is None and is_published(obj):
            self.message_user(
                request,
                "Only a draft, or a record that is not published, can be shared: this "
                f"{self.model._meta.verbose_name} is public already.",
                messages.WARNING,
            )
            return
        try:
            days = int(request.POST.get("days", SHARE_LINK_DAYS))
        except ValueError:
            days = 0
        if not 1 <= days <= 90:
            self.message_user(request, "A share link lasts from 1 to 90 days.", messages.ERROR)
            return
        link = ShareLink.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            created_by=request.user,
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )
        url = request.build_absolute_uri(reverse("shared-preview", args=[share_token(link)]))
        self.message_user(
            request,
            format_html(
                'A share link is ready, until {}: <a href="{}">{}</a>. Anyone who has it can '
                "see the preview without signing in.",
                moment(link.expires_at),
                url,
                url,
            ),
            messages.SUCCESS,
        )

    def revoke_share_link(self, request, obj):
        number = request.POST.get("link", "")
        link = get_object_or_404(
            ShareLink.objects.for_record(obj), pk=int(number) if number.isdigit() else 0
        )
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
        self.message_user(request, "The share link is revoked: it shows nothing now.")
