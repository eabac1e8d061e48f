from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, quote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router
from django.db.models import Max
from django.db.models.fields.files import ImageFieldFile
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from reversion.models import Version

from . import wording
from .drafts import DraftFile, DraftsMixin, PendingDraftFilter
from .history import HistoryAdmin
from .models import Organisation, Person, Section, Wording


class ChosenFileInput(AdminFileWidget):
    """A file input that shows the picture it holds, and remembers, across a page shown
    again with errors, the name of the file chosen in it: browsers cannot keep a chosen
    file, so the page says plainly that it must be chosen again (see lost_files)."""

    chosen = ""
    in_draft = ""
    # One field, so a <label>, not a <fieldset> whose inputs axe finds unlabelled.
    use_fieldset = False

    def value_from_datadict(self, data, files, name):
        upload = files.get(name)
        self.in_draft = upload.name if isinstance(upload, DraftFile) else ""
        if self.in_draft:
            self.chosen = ""
        else:
            self.chosen = upload.name if upload else data.get(f"{name}{CHOSEN}", "")
        return super().value_from_datadict(data, files, name)

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.chosen
        html = super().render(name, value, attrs, renderer)
        preview = picture_url(value)
        if preview:
            html = format_html('<img class="file-preview" src="{}" alt="">{}', preview, html)
        if self.in_draft:
            return format_html(
                '{}<p class="help">The draft holds “{}”: it is kept unless you choose '
                "another file.</p>",
                html,
                self.in_draft,
            )
        if not chosen:
            return html
        return format_html(
            '{}<input type="hidden" name="{}" value="{}"><p class="help chosen-file">'
            "You chose “{}”, but a browser cannot keep a chosen file when the page is shown "
            "again: choose it again before saving.</p>",
            html,
            f"{name}{CHOSEN}",
            chosen,
            chosen,
        )


CHOSEN = "-was-chosen"


def picture_url(value):
    """The URL of a stored picture's small copy (see renditions.py), or of the picture."""
    if not isinstance(value, ImageFieldFile) or not value:
        return ""
    instance = value.instance
    copies = getattr(instance, "renditions", {})
    name = next((name for name, copy in copies.items() if copy.source == value.field.name), None)
    small = name and getattr(instance, name)
    return (small or value).url


def lost_files(form):
    """Add an error to each file field whose file was chosen before the page was shown
    again and has not been chosen since, unless a file is already stored: a new photo
    must never be saved without the picture the editor chose for it."""
    for name, field in form.fields.items():
        if not isinstance(field.widget, ChosenFileInput):
            continue
        key = form.add_prefix(name)
        chosen = form.data.get(f"{key}{CHOSEN}")
        if chosen and not form.files.get(key) and not getattr(form.instance, name, None):
            form.add_error(
                name,
                f"Choose “{chosen}” again: it was chosen before the page was last shown with "
                "errors, and browsers cannot keep a chosen file. Or remove this row.",
            )


class ContentForm(forms.ModelForm):
    """A change form that knows which saved version of the record it was opened on.

    Saving it refuses, in plain words, if someone saved the record (or one of its parts)
    since then, and keeps what the editor typed; a second save, once they have looked,
    replaces the other version, which History keeps.
    """

    seen_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The record's pending draft when the page was opened (see core/drafts.py).
    seen_draft = forms.CharField(required=False, widget=forms.HiddenInput)
    # The parts edited on the same page (set by ContentAdmin.get_form).
    part_relations = ()
    # Set by DraftsMixin.get_form: whether this is a "Save draft", the record's pending
    # draft, and (data, files) to fill the form with when the editor opens the draft.
    saving_draft = False
    pending_draft = None
    draft_data = None

    def __init__(self, data=None, files=None, *args, **kwargs):
        if data is None and self.draft_data:
            data, files = self.draft_data
        super().__init__(data, files, *args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["seen_version"] = self.latest_version_id()
            self.initial["seen_draft"] = self.pending_draft.stamp if self.pending_draft else ""

    def latest_version_id(self):
        """The newest saved version of the record or of any of its parts, or 0."""
        keys = [(type(self.instance), [self.instance.pk])]
        for accessor in self.part_relations:
            related = getattr(self.instance, accessor)
            keys.append((related.model, list(related.values_list("pk", flat=True))))
        versions = Version.objects.none()
        for model, pks in keys:
            versions |= Version.objects.get_for_model(model).filter(
                object_id__in=[str(pk) for pk in pks]
            )
        return versions.aggregate(latest=Max("pk"))["latest"] or 0

    def clean(self):
        cleaned = super().clean()
        lost_files(self)
        seen = cleaned.get("seen_version")
        if not self.instance.pk or seen is None:  # a new record, or a restore from History
            return cleaned
        latest = self.latest_version_id()
        if seen != latest:
            # Seen now: saving again, deliberately, goes through.
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_version")] = latest
            revision = Version.objects.get(pk=latest).revision
            who = (
                revision.user.get_full_name() or revision.user.get_username()
                if revision.user
                else "someone"
            )
            raise ValidationError(
                "%(who)s saved this %(name)s at %(time)s, after you opened it. What you typed "
                "is below and has not been saved. Compare it with theirs (History has both), "
                "then save again to replace their version with yours.",
                code="saved_since",
                params={
                    "who": who,
                    "name": self.instance._meta.verbose_name,
                    "time": date_format(timezone.localtime(revision.date_created), "N j, Y, H:i:s"),
                },
            )
        if self.saving_draft:
            self.check_draft(cleaned.get("seen_draft") or "")
        return cleaned

    def check_draft(self, seen):
        """Refuse a "Save draft" that would replace a draft saved, published or discarded
        since the page was opened; saving again, having seen why, goes through."""
        draft = self.pending_draft
        current = draft.stamp if draft else ""
        if seen == current:
            return
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_draft")] = current
        if draft is None:
            raise ValidationError(
                "The draft this page was opened on has been published or discarded since. "
                "What you typed is below and has not been saved: save the draft again to "
                "keep it as a new draft.",
                code="draft_since",
            )
        raise ValidationError(
            "%(who)s saved a draft of this %(name)s at %(time)s, after you opened this page. "
            "What you typed is below and has not been saved. To keep their draft, open it "
            "(“Edit the draft”, above) and make your changes there; to replace it with "
            "yours, save the draft again.",
            code="draft_since",
            params={
                "who": draft.author_name,
                "name": self.instance._meta.verbose_name,
                "time": date_format(timezone.localtime(draft.updated_at), "N j, Y, H:i:s"),
            },
        )


class PartsFormSet(BaseInlineFormSet):
    """The parts of a record edited on its page (photos, reports...), still savable when
    one of them was deleted elsewhere after the page was opened: that row is left out,
    and said so, instead of stopping the save with an error nobody can see."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # A row that was on the page but whose record is no longer there.
        form.gone = self.is_bound and i < self.initial_form_count() and form.instance.pk is None
        return form

    def _should_delete_form(self, form):
        return form.gone or super()._should_delete_form(form)

    def full_clean(self):
        super().full_clean()
        for form in self.gone_forms:
            gone = f"{self.describe(form)} was deleted elsewhere after this page was opened"
            form.add_error(None, f"{gone}: it will not be saved again.")

    @property
    def gone_forms(self):
        return [form for form in self.forms if form.gone]

    def describe(self, form):
        """The part as the editor knows it: its kind and the first text they see in it."""
        name = next(
            (
                form[field].value()
                for field in form.fields
                if isinstance(form.fields[field], forms.CharField)
                and not form.fields[field].widget.is_hidden
                and form[field].value()
            ),
            "",
        )
        kind = capfirst(self.model._meta.verbose_name)
        return f"{kind} “{name}”" if name else kind


class PartForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        lost_files(self)
        return cleaned


class PartInline:
    """An inline for the parts of a record (photos, reports...): see PartsFormSet and
    ChosenFileInput."""

    form = PartForm
    formset = PartsFormSet
    formfield_overrides = {
        models.FileField: {"widget": ChosenFileInput},
        models.ImageField: {"widget": ChosenFileInput},
    }


class StackedPart(PartInline, admin.StackedInline):
    pass


class ContentAdmin(HistoryAdmin):
    """The admin of every kind of content: its history (HistoryAdmin), a change form that
    will not overwrite a save made since it was opened (ContentForm), and deletes that
    say plainly what still uses a record instead of reading as a threat."""

    form = ContentForm
    formfield_overrides = {
        models.FileField: {"widget": ChosenFileInput},
        models.ImageField: {"widget": ChosenFileInput},
    }
    change_form_template = "admin/content/change_form.html"

    class Media:
        js = ["js/admin-unsaved.js", "js/admin-labels.js"]

    delete_confirmation_template = "admin/content/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/content/delete_selected_confirmation.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.part_relations = [
            field.remote_field.get_accessor_name()
            for inline in self.inlines
            for field in inline.model._meta.fields
            if field.many_to_one and field.related_model is self.model
        ]
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            for gone in getattr(formset, "gone_forms", ()):
                self.message_user(
                    request,
                    f"{formset.describe(gone)} had been deleted elsewhere before you saved, "
                    "so it was not saved again. Everything else was saved.",
                    messages.WARNING,
                )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, _ = super().get_deleted_objects(objs, request)
        users = self.users_of(objs)
        # Django also asks for permission to delete what protects the objects, which is
        # not deleted at all: only what would really go counts.
        perms_needed -= {user._meta.verbose_name for user in users}
        deleted, counts = self.name_links(objs, deleted, counts)
        return deleted, counts, perms_needed, [self.link_to(user, request) for user in users]

    def name_links(self, objs, deleted, counts):
        """Name a many-to-many link ("Delegation_contacts object (2)" to Django) by what it
        links to, and say that the linked record itself stays."""
        readable, plurals = {}, {}
        for field in self.model._meta.local_many_to_many:
            through, target = field.remote_field.through, field.related_model._meta
            plurals[through._meta.verbose_name_plural] = f"links to {target.verbose_name_plural}"
            rows = through.objects.filter(**{f"{field.m2m_field_name()}__in": objs}).select_related(
                field.m2m_reverse_field_name()
            )
            for row in rows:
                linked = getattr(row, field.m2m_reverse_field_name())
                readable[f"{capfirst(through._meta.verbose_name)}: {row}"] = (
                    f"Link to “{linked}” ({field.verbose_name}; the {target.verbose_name} "
                    "itself is kept)"
                )

        def rename(items):
            return [
                rename(item) if isinstance(item, list) else readable.get(item, item)
                for item in items
            ]

        return rename(deleted), {plurals.get(name, name): count for name, count in counts.items()}

    def users_of(self, objs):
        """What keeps `objs` from being deleted: records that point to them with a
        protected key, or link to them (a many-to-many link would vanish silently)."""
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        users = list(collector.protected)
        for relation in self.model._meta.related_objects:
            if relation.many_to_many:
                for obj in objs:
                    users += getattr(obj, relation.get_accessor_name()).all()
        return sorted(set(users), key=lambda user: (user._meta.verbose_name, str(user)))

    def link_to(self, obj, request):
        """“obj”, linked to its page; a part edited inline (a destination, a partner) is
        named with the record it belongs to, and linked to that record's page."""
        label = f"{capfirst(obj._meta.verbose_name)} “{obj}”"
        if not self.admin_site.is_registered(type(obj)):
            parent = next(
                (
                    getattr(obj, field.name)
                    for field in obj._meta.fields
                    if field.many_to_one
                    and field.related_model is not self.model
                    and self.admin_site.is_registered(field.related_model)
                ),
                None,
            )
            if parent is None:
                return label
            label = f"{label} of {parent._meta.verbose_name} “{parent}”"
            obj = parent
        model_admin = self.admin_site.get_model_admin(type(obj))
        if not model_admin.has_view_or_change_permission(request, obj):
            return label
        opts = obj._meta
        name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change"
        return format_html('<a href="{}">{}</a>', reverse(name, args=[quote(obj.pk)]), label)


@admin.register(Person)
class PersonAdmin(ContentAdmin):
    list_display = ["name", "title", "organisation", "email", "listed"]
    list_select_related = ["organisation"]
    list_filter = ["listed"]
    search_fields = ["name", "email", "title", "organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "title", "organisation"]}),
        ("Contact details", {"fields": ["email", "phone"]}),
        ("About them", {"fields": [("photo", "photo_alt"), "bio", "listed"]}),
    ]


@admin.register(Organisation)
class OrganisationAdmin(ContentAdmin):
    list_display = ["name", "short_name", "website"]
    search_fields = ["name", "short_name"]


@admin.register(Section)
class SectionAdmin(DraftsMixin, ContentAdmin):
    list_display = ["heading", "key", "contact", "updated_at"]
    list_filter = [PendingDraftFilter]
    list_select_related = ["contact"]
    autocomplete_fields = ["contact"]

    def get_readonly_fields(self, request, obj=None):
        # A section's key ties it to its page; changing it would orphan the page's copy.
        return ["key"] if obj else []

    def has_add_permission(self, request):
        return Section.objects.count() < len(Section.Key) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class WordingForm(ContentForm):
    class Meta:
        model = Wording
        fields = ["key", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        key = self.instance.key or self.initial.get("key") or self.data.get("key")
        if "key" in self.fields:
            choices = {}
            for entry in wording.REGISTRY.values():
                choices.setdefault(entry.group, []).append((entry.key, entry.where))
            self.fields["key"] = forms.ChoiceField(
                label="Wording",
                choices=[("", "---------"), *choices.items()],
                # Chosen from the list of wording (?key=): the hints under the text are
                # about that one, so it is not offered for changing here.
                widget=forms.HiddenInput if key in wording.REGISTRY else forms.Select,
            )
        entry = wording.REGISTRY.get(key)
        if entry is not None:
            self.initial.setdefault("text", entry.default)
            self.fields["text"].help_text = wording_help(entry)


def wording_help(entry):
    names = sorted(entry.placeholders)
    keep = (
        format_html(
            " Keep {}: the page puts {} value there.",
            ", ".join(f"{{{name}}}" for name in names),
            "their" if len(names) > 1 else "its",
        )
        if names
        else ""
    )
    return format_html(
        "Shown in “{}”: {}. Plain text, on one line, up to {} characters.{} The default: “{}”.",
        entry.group,
        entry.where,
        entry.max_length,
        keep,
        entry.default,
    )


@admin.register(Wording)
class WordingAdmin(ContentAdmin):
    """Every piece of registered wording, changed or not, in one list (the changelist);
    a change is added or edited with the usual form, and deleting it, labelled "Reset to
    the default", puts the default back."""

    form = WordingForm
    fields = ["key", "text"]
    change_list_template = "admin/core/wording/change_list.html"
    delete_confirmation_template = "admin/core/wording/delete_confirmation.html"

    def get_readonly_fields(self, request, obj=None):
        return ["key"] if obj else []

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()
        changes = {change.key: change for change in Wording.objects.all()}
        groups = {}
        for entry in wording.REGISTRY.values():
            change = changes.pop(entry.key, None)
            shown = change.text if change else entry.default
            haystack = f"{entry.key} {entry.group} {entry.where} {entry.default} {shown}"
            if query and query.lower() not in haystack.lower():
                continue
            fits = change is None or not list(wording.mistakes(entry, change.text))
            groups.setdefault(entry.group, []).append(
                {"entry": entry, "change": change, "shown": shown, "fits": fits}
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Wording",
            "subtitle": None,
            "groups": groups,
            "query": query,
            "count": sum(len(rows) for rows in groups.values()),
            "total": len(wording.REGISTRY),
            # Changes to wording the code no longer has: shown nowhere, and deletable.
            "unused": list(changes.values()) if not query else [],
            "has_add_permission": self.has_add_permission(request),
            "has_change_permission": self.has_change_permission(request),
            "has_delete_permission": self.has_delete_permission(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.change_list_template, context)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(
            request, f"“{obj_display}” is back to its default text.", messages.SUCCESS
        )
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:core_wording_changelist"))
