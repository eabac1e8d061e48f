from django.contrib import admin
from django.db.models import Count

from .models import (
    Appearance,
    Contact,
    Country,
    Delegation,
    Destination,
    Dispatch,
    Organisation,
    Photo,
    Report,
    Section,
    Topic,
)


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.upcoming()
        if self.value() == "past":
            return queryset.past()
        return queryset


class DestinationInline(admin.TabularInline):
    model = Destination
    autocomplete_fields = ["country"]
    fields = ["place", "country", "order"]
    extra = 0
    min_num = 1

    def get_formset(self, request, obj=None, **kwargs):
        # The admin shows min_num blank rows but does not enforce them unless asked to.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class AppearanceInline(admin.TabularInline):
    model = Appearance
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "order"]
    extra = 0


class PhotoInline(admin.StackedInline):
    model = Photo
    fields = ["image", "caption", "alt_text", "credit", "order"]
    extra = 0


class ReportInline(admin.StackedInline):
    model = Report
    fields = [
        ("title", "subtitle"),
        "slug",
        ("alternate_title", "alternate_language"),
        ("language", "published_on"),
        "summary",
        ("file", "external_url", "not_online"),
        ("cover_image", "cover_alt"),
        ("is_published", "order"),
    ]
    prepopulated_fields = {"slug": ["title"]}
    extra = 0
    show_change_link = True


class DispatchInline(admin.StackedInline):
    model = Dispatch
    fields = [
        ("kind", "title"),
        "slug",
        ("author", "published_on", "is_published"),
        "body",
        "external_url",
        ("audio_file", "audio_url"),
        "transcript",
    ]
    prepopulated_fields = {"slug": ["title"]}
    extra = 0
    show_change_link = True
    classes = ["collapse"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["title", "dates", "status", "destination_list", "is_published"]
    list_filter = [
        StatusFilter,
        "is_published",
        "date_precision",
        "destinations__country",
        "topics",
    ]
    list_editable = ["is_published"]
    search_fields = ["title", "summary", "destinations__place", "destinations__country__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["contacts", "topics"]
    inlines = [DestinationInline, AppearanceInline, PhotoInline, ReportInline, DispatchInline]
    readonly_fields = ["created_at", "updated_at"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "is_published"]}),
        ("Dates", {"fields": ["date_precision", ("start_date", "end_date")]}),
        ("Description", {"fields": ["summary", "body", ("hero_image", "hero_alt"), "topics"]}),
        (
            "Contact and registration",
            {"fields": ["contacts", "registration", ("agenda_file", "agenda_url")]},
        ),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("destinations__country")
            .annotate(report_count=Count("reports"))
        )

    @admin.display(description="dates", ordering="start_date")
    def dates(self, obj):
        return obj.dates_display or "Not known yet"

    @admin.display(description="status", ordering="end_date")
    def status(self, obj):
        return obj.status

    @admin.display(description="destinations")
    def destination_list(self, obj):
        return obj.destinations_display


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["full_title", "delegation", "published_on", "availability", "is_published"]
    list_filter = ["is_published", "language", "not_online"]
    list_select_related = ["delegation"]
    search_fields = ["title", "subtitle", "alternate_title", "delegation__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["delegation"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["delegation", "title", "subtitle", "slug", "is_published"]}),
        ("Languages", {"fields": ["language", ("alternate_title", "alternate_language")]}),
        ("Content", {"fields": ["published_on", "summary", ("cover_image", "cover_alt")]}),
        ("Download", {"fields": ["file", "external_url", "not_online"]}),
        ("Order", {"fields": ["order"], "classes": ["collapse"]}),
    ]

    @admin.display(description="download")
    def availability(self, obj):
        if obj.file:
            return "PDF file"
        if obj.external_url:
            return "Link"
        return "Not online"


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["caption", "delegation", "has_image", "credit", "order"]
    list_select_related = ["delegation"]
    list_filter = ["delegation"]
    search_fields = ["caption", "alt_text", "credit", "delegation__title"]
    autocomplete_fields = ["delegation"]

    @admin.display(description="picture uploaded", boolean=True)
    def has_image(self, obj):
        return bool(obj.image)


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "delegation", "author", "published_on", "is_published"]
    list_select_related = ["delegation"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "author", "delegation__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["delegation"]
    date_hierarchy = "published_on"


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "organisation", "email", "phone"]
    list_select_related = ["organisation"]
    search_fields = ["name", "email", "title"]
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "website"]
    search_fields = ["name", "short_name"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
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
