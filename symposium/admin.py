from django.contrib import admin

from core.admin import ContentAdmin, StackedPart
from core.drafts import DraftsMixin, PendingDraftFilter
from core.schedule import SCHEDULE_FIELDSET, ScheduleFilter
from mail.admin import AnnounceAction

from .models import Resource, Session, Symposium, SymposiumPartner


class PartnerInline(StackedPart):
    model = SymposiumPartner
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "order"]
    extra = 0


class SessionInline(StackedPart):
    model = Session
    fields = [
        ("day", "start", "end", "room"),
        "title",
        "description",
        "speakers",
        "moderators",
        "order",
    ]
    autocomplete_fields = ["speakers", "moderators"]
    extra = 0


class ResourceInline(StackedPart):
    model = Resource
    fields = ["kind", "title", "file", "url", "order"]
    extra = 0


@admin.register(Symposium)
class SymposiumAdmin(AnnounceAction, DraftsMixin, ContentAdmin):
    list_display = ["year", "title", "theme", "when", "is_published", "schedule_display"]
    actions = ["announce"]
    list_display_links = ["year", "title"]
    list_filter = ["is_published", ScheduleFilter, PendingDraftFilter]
    list_editable = ["is_published"]
    search_fields = ["title", "theme", "description"]
    inlines = [PartnerInline, SessionInline, ResourceInline]
    autocomplete_fields = ["registration_contact"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["year", "title", "theme", "is_published"]}),
        SCHEDULE_FIELDSET,
        (
            "Date and place",
            {
                "fields": [
                    "date_precision",
                    ("start_date", "end_date"),
                    ("start_time", "end_time", "time_zone"),
                    "location",
                    ("venue_name", "venue_city"),
                    "venue_address",
                ]
            },
        ),
        ("How to attend", {"fields": ["registration_url", "registration_contact"]}),
        ("Description", {"fields": ["description"]}),
    ]

    def announcement_text(self, obj):
        lines = [f"CoSN's International Symposium {obj.year}: {obj.title}."]
        if obj.theme:
            lines.append(f"Theme: “{obj.theme}”.")
        if obj.when:
            where = f" at {obj.venue_name}" if obj.venue_name else ""
            lines.append(f"When: {obj.when}{where}.")
        return f"CoSN International Symposium {obj.year}: {obj.title}", "\n\n".join(lines)
