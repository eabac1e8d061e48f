from django.contrib import admin

from .history import HistoryAdmin
from .models import Contact, Organisation, Section


class ProtectInUse:
    """Refuse to delete an object that others still use through a many-to-many relation.

    A foreign key can say on_delete=PROTECT; a many-to-many link would silently vanish,
    so the admin lists whatever uses the object, as it does for protected keys.
    """

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        relations = [rel for rel in self.model._meta.related_objects if rel.many_to_many]
        for obj in objs:
            for relation in relations:
                for user in getattr(obj, relation.get_accessor_name()).all():
                    protected.append(f"{user._meta.verbose_name.capitalize()}: {user}")
        return deleted, counts, perms_needed, protected


@admin.register(Contact)
class ContactAdmin(ProtectInUse, HistoryAdmin):
    list_display = ["name", "title", "organisation", "email", "phone"]
    list_select_related = ["organisation"]
    search_fields = ["name", "email", "title"]
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "website"]
    search_fields = ["name", "short_name"]


@admin.register(Section)
class SectionAdmin(HistoryAdmin):
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
