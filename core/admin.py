from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, quote
from django.db import router
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from .history import HistoryAdmin
from .models import Contact, Organisation, Section


class ContentAdmin(HistoryAdmin):
    """The admin of every kind of content: its history (HistoryAdmin), and deletes that
    say plainly what still uses a record instead of reading as a threat."""

    delete_confirmation_template = "admin/content/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/content/delete_selected_confirmation.html"

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, _ = super().get_deleted_objects(objs, request)
        users = self.users_of(objs)
        # Django also asks for permission to delete what protects the objects, which is
        # not deleted at all: only what would really go counts.
        perms_needed -= {user._meta.verbose_name for user in users}
        return deleted, counts, perms_needed, [self.link_to(user, request) for user in users]

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


@admin.register(Contact)
class ContactAdmin(ContentAdmin):
    list_display = ["name", "title", "organisation", "email", "phone"]
    list_select_related = ["organisation"]
    search_fields = ["name", "email", "title"]
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(ContentAdmin):
    list_display = ["name", "short_name", "website"]
    search_fields = ["name", "short_name"]


@admin.register(Section)
class SectionAdmin(ContentAdmin):
    list_display = ["heading", "key", "contact", "updated_at"]
    list_select_related = ["contact"]
    autocomplete_fields = ["contact"]

    def get_readonly_fields(self, request, obj=None):
        # A section's key ties it to its page; changing it would orphan the page's copy.
        return ["key"] if obj else []

    def has_add_permission(self, request):
        return Section.objects.count() < len(Section.Key) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
