from django.contrib import admin

from core.admin import ContentAdmin, StackedPart

from .models import Resource, Symposium, SymposiumPartner


class PartnerInline(StackedPart):
    model = SymposiumPartner
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "order"]
    extra = 0


class ResourceInline(StackedPart):
    model = Resource
    fields = ["kind", "title", "file", "url", "order"]
    extra = 0


@admin.register(Symposium)
class SymposiumAdmin(ContentAdmin):
    list_display = ["year", "title", "theme", "when", "is_published"]
    list_display_links = ["year", "title"]
    list_filter = ["is_published"]
    list_editable = ["is_published"]
    search_fields = ["title", "theme", "description"]
    inlines = [PartnerInline, ResourceInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["year", "title", "theme", "is_published"]}),
        ("Date and place", {"fields": ["date_precision", ("start_date", "end_date"), "location"]}),
        ("Description", {"fields": ["description"]}),
    ]
