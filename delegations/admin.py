from collections import Counter

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin import ContentAdmin, StackedPart, picture_url
from core.drafts import DraftsMixin, PendingDraftFilter
from core.schedule import SCHEDULE_FIELDSET, ScheduleFilter
from core.spreadsheets import csv_download, local_time
from mail.admin import AnnounceAction

from . import applications, inquiries, photo_uploads
from .models import (
    LANGUAGE_CHOICES,
    Application,
    ApplicationEmail,
    Country,
    Delegation,
    DelegationPartner,
    Destination,
    Dispatch,
    Inquiry,
    ItineraryDay,
    Photo,
    Report,
    Testimonial,
    Topic,
    Visit,
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


class MissingFilter(admin.SimpleListFilter):
    """Upcoming trips still missing what visitors look for (the admin index's to-do list)."""

    title = "upcoming, and missing"
    parameter_name = "missing"
    missing = {
        "exact_dates": ("Exact dates", "without_exact_dates"),
        "contact": ("A contact", "without_contact"),
        "key_facts": ("Key facts", "without_key_facts"),
    }

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _) in self.missing.items()]

    def queryset(self, request, queryset):
        if self.value() in self.missing:
            return getattr(queryset.upcoming(), self.missing[self.value()][1])()
        return queryset


class PictureFilter(admin.SimpleListFilter):
    title = "picture"
    parameter_name = "picture"

    def lookups(self, request, model_admin):
        return [("online", "Online"), ("awaited", "Not uploaded yet")]

    def queryset(self, request, queryset):
        if self.value() == "online":
            return queryset.exclude(image="")
        if self.value() == "awaited":
            return queryset.filter(image="")
        return queryset


class ReportLanguages:
    """The languages reports are written in first, the rest below, in both language fields."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name in ("language", "alternate_language"):
            used = set(Report.objects.values_list("language", flat=True)) | set(
                Report.objects.exclude(alternate_language="").values_list(
                    "alternate_language", flat=True
                )
            )
            used.add("en")
            names = dict(LANGUAGE_CHOICES)
            kwargs["choices"] = [
                *([("", "———")] if db_field.blank else []),
                (
                    "Languages of our reports",
                    [(code, names.get(code, code)) for code in sorted(used)],
                ),
                ("All languages", LANGUAGE_CHOICES),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class DestinationInline(StackedPart):
    model = Destination
    autocomplete_fields = ["country"]
    fields = ["place", "country", "order"]
    extra = 0
    min_num = 1

    def get_formset(self, request, obj=None, **kwargs):
        # The admin shows min_num blank rows but does not enforce them unless asked to.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class PartnerInline(StackedPart):
    model = DelegationPartner
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "order"]
    extra = 0


class PhotoInline(StackedPart):
    model = Photo
    fields = ["image", "caption", "alt_text", "credit", "order"]
    extra = 0
    # The focal point is set on the photo's own page, by clicking its picture.
    show_change_link = True


class ReportInline(ReportLanguages, StackedPart):
    model = Report
    fields = [
        ("title", "subtitle"),
        "slug",
        ("alternate_title", "alternate_language"),
        ("language", "published_on", "page_count"),
        "summary",
        "key_findings",
        ("file", "external_url", "not_online"),
        ("cover_image", "cover_alt"),
        ("is_published", "order"),
        ("go_live_at", "expires_at"),
    ]
    prepopulated_fields = {"slug": ["title"]}
    extra = 0
    show_change_link = True


class DispatchInline(StackedPart):
    model = Dispatch
    fields = [
        ("kind", "title"),
        "slug",
        ("author", "published_on", "is_published"),
        ("go_live_at", "expires_at"),
        "body",
        "external_url",
        ("audio_file", "audio_url"),
        ("audio_size", "duration"),
        "transcript",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]
    extra = 0
    show_change_link = True
    classes = ["collapse"]


class ItineraryDayInline(StackedPart):
    model = ItineraryDay
    fields = [("date", "day_number"), "city", "order"]
    extra = 0
    # The day's visits are edited on the day's own page.
    show_change_link = True


class TestimonialInline(StackedPart):
    model = Testimonial
    fields = ["person", "quote", ("on_landing", "order")]
    autocomplete_fields = ["person"]
    extra = 0


class VisitInline(StackedPart):
    model = Visit
    fields = [("kind", "name"), "url", "description", "order"]
    extra = 0


@admin.register(ItineraryDay)
class ItineraryDayAdmin(ContentAdmin):
    """A day of a trip's itinerary, with its visits (reached from the trip's page).

    Registered before DelegationAdmin, so that History keeps each day with its visits.
    """

    list_display = ["__str__", "delegation"]
    list_select_related = ["delegation"]
    search_fields = ["city", "delegation__title", "visits__name"]
    autocomplete_fields = ["delegation"]
    inlines = [VisitInline]


@admin.register(Delegation)
class DelegationAdmin(AnnounceAction, DraftsMixin, ContentAdmin):
    list_display = [
        "title",
        "dates",
        "status",
        "registration_state",
        "destination_list",
        "is_published",
        "schedule_display",
    ]
    list_filter = [
        StatusFilter,
        MissingFilter,
        "is_published",
        ScheduleFilter,
        "date_precision",
        "destinations__country",
        "topics",
        PendingDraftFilter,
    ]
    list_editable = ["is_published"]
    search_fields = ["title", "summary", "destinations__place", "destinations__country__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["contacts", "delegates", "topics"]
    inlines = [
        DestinationInline,
        PartnerInline,
        ItineraryDayInline,
        PhotoInline,
        ReportInline,
        DispatchInline,
        TestimonialInline,
    ]
    readonly_fields = ["created_at", "updated_at", "places_summary"]
    actions = ["announce"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "is_published"]}),
        SCHEDULE_FIELDSET,
        ("Dates", {"fields": ["date_precision", ("start_date", "end_date")]}),
        (
            "Key facts and places",
            {
                "fields": [
                    ("cost", "currency", "cost_on_request"),
                    "cost_includes",
                    "audience",
                    ("apply_by", "registration_ends_at", "capacity"),
                    "places_summary",
                ]
            },
        ),
        (
            "Description",
            {"fields": ["summary", "promotion", "body", ("hero_image", "hero_alt"), "topics"]},
        ),
        (
            "Contact and registration",
            {"fields": ["contacts", "registration", ("agenda_file", "agenda_url")]},
        ),
        ("Delegates", {"fields": ["delegates"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("destinations__country")
        # Counting groups the rows, which drops the model's ordering: the trips' list
        # orders them itself, the autocomplete of a report's or post's trip does not.
        return queryset.with_places_taken().order_by(*self.model._meta.ordering)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/photos/",
                self.admin_site.admin_view(self.add_photos_view),
                name="delegations_delegation_add_photos",
            ),
            *super().get_urls(),
        ]

    def may_add_photos(self, request, trip):
        photos = self.admin_site.get_model_admin(Photo)
        return self.has_change_permission(request, trip) and photos.has_add_permission(request)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj and obj.pk and self.may_add_photos(request, obj):
            url = reverse("admin:delegations_delegation_add_photos", args=[quote(obj.pk)])
            context["object_tools"] = [(url, "Add several photos")]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def add_photos_view(self, request, object_id):
        """Upload several photos to the trip at once (delegations/photo_uploads.py)."""
        trip = self.get_object(request, unquote(object_id))
        if trip is None:
            raise Http404("No such trip.")
        if not self.may_add_photos(request, trip):
            raise PermissionDenied
        form = photo_uploads.AddPhotosForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            saved, refused = photo_uploads.add_photos(trip, user=request.user, **form.cleaned_data)
            photos = self.admin_site.get_model_admin(Photo)
            for photo in saved:
                photos.log_addition(request, photo, [{"added": {}}])
            if saved:
                self.message_user(
                    request,
                    f"Added {len(saved)} photo{pluralize(len(saved))} to “{trip.title}”, "
                    "captioned with their files' names: edit the captions below.",
                    messages.SUCCESS,
                )
            for name, reasons in refused:
                said = " ".join(reasons)
                named = said if name in said else f"“{name}”: {said}"
                self.message_user(request, f"Not added: {named}", messages.ERROR)
            if refused:
                return HttpResponseRedirect(request.path)
            change = reverse("admin:delegations_delegation_change", args=[quote(trip.pk)])
            return HttpResponseRedirect(f"{change}#photos-group")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Add several photos to “{trip.title}”",
            "subtitle": None,
            "opts": self.opts,
            "original": trip,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/delegations/delegation/add_photos.html", context)

    @admin.display(description="dates", ordering="start_date")
    def dates(self, obj):
        return obj.dates_display or "Not known yet"

    @admin.display(description="status", ordering="end_date")
    def status(self, obj):
        return obj.status

    @admin.display(description="registration")
    def registration_state(self, obj):
        if not obj.is_upcoming():
            return ""
        left = f" ({obj.places_left} of {obj.capacity} places left)" if obj.capacity else ""
        return f"{obj.get_registration_status_display()}{left}"

    @admin.display(description="destinations")
    def destination_list(self, obj):
        return obj.destinations_display

    @admin.display(description="applications")
    def places_summary(self, obj):
        if obj.pk is None:
            return "None yet."
        counts = dict(obj.applications.values_list("status").annotate(n=Count("pk")).order_by())
        taken = counts.get(Application.Status.ACCEPTED, 0)
        left = "no limit" if obj.capacity is None else f"{max(obj.capacity - taken, 0)} left"
        url = reverse("admin:delegations_application_changelist")
        return format_html(
            '{} taken, {}, {} waitlisted, {} to decide. <a href="{}?delegation__id__exact={}">'
            "The applications</a>",
            taken,
            left,
            counts.get(Application.Status.WAITLISTED, 0),
            counts.get(Application.Status.RECEIVED, 0),
            url,
            obj.pk,
        )

    def announcement_text(self, obj):
        when = f", {obj.dates_display}" if obj.dates_known else ""
        where = obj.places_display or obj.title
        lines = [f"CoSN is leading an International Delegation to {where}{when}."]
        lines += [text for text in (obj.summary, obj.promotion) if text]
        if obj.apply_by:
            lines.append(f"Apply by {obj.apply_by:%B %-d, %Y}.")
        return f"New CoSN delegation: {obj.title}", "\n\n".join(lines)


@admin.register(Report)
class ReportAdmin(ReportLanguages, DraftsMixin, ContentAdmin):
    list_display = [
        "full_title",
        "delegation",
        "published_on",
        "availability",
        "is_published",
        "schedule_display",
    ]
    list_filter = ["is_published", ScheduleFilter, "language", "not_online", PendingDraftFilter]
    list_select_related = ["delegation"]
    search_fields = ["title", "subtitle", "alternate_title", "delegation__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["delegation"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["delegation", "title", "subtitle", "slug", "is_published"]}),
        SCHEDULE_FIELDSET,
        ("Languages", {"fields": ["language", ("alternate_title", "alternate_language")]}),
        (
            "Content",
            {
                "fields": [
                    ("published_on", "page_count"),
                    "summary",
                    "key_findings",
                    ("cover_image", "cover_alt"),
                ]
            },
        ),
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
class PhotoAdmin(ContentAdmin):
    list_display = ["caption", "picture", "delegation", "credit", "order"]
    list_select_related = ["delegation"]
    list_filter = [PictureFilter, "delegation"]
    search_fields = ["caption", "alt_text", "credit", "delegation__title"]
    autocomplete_fields = ["delegation"]
    readonly_fields = ["focal_point"]
    fieldsets = [
        (None, {"fields": ["delegation", "image", "caption", "alt_text", "credit", "order"]}),
        (
            "Focal point",
            {
                "fields": ["focal_point", ("focal_x", "focal_y")],
                "description": "Where the photo is cut to fit a shape (on the trip's page, in "
                "link previews), this point stays in view. The middle (50, 50) unless set.",
            },
        ),
    ]

    class Media:
        js = ["js/admin-focal-point.js"]

    @admin.display(description="picture")
    def focal_point(self, obj):
        if not (obj and obj.image):
            return "Save a picture first; then click it here where its subject is."
        return format_html(
            '<div class="focal-picker" data-focal-x="id_focal_x" data-focal-y="id_focal_y">'
            '<img src="{}" alt="{}" width="{}" height="{}">'
            '<span class="focal-marker" hidden></span></div>'
            '<p class="help">Click the picture where its subject is, or give the focal point '
            "in numbers below.</p>",
            obj.image.url,
            obj.alt_text,
            obj.width,
            obj.height,
        )

    @admin.display(description="picture")
    def picture(self, obj):
        url = picture_url(obj.image)
        if not url:
            return "Not uploaded yet"
        return format_html('<img class="list-preview" src="{}" alt="{}">', url, obj.alt_text)


@admin.register(Dispatch)
class DispatchAdmin(DraftsMixin, ContentAdmin):
    list_display = [
        "title",
        "kind",
        "delegation",
        "author",
        "published_on",
        "is_published",
        "schedule_display",
    ]
    list_select_related = ["delegation"]
    list_filter = ["kind", "is_published", ScheduleFilter, PendingDraftFilter]
    search_fields = ["title", "author__name", "delegation__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["delegation", "author"]
    date_hierarchy = "published_on"


@admin.register(Country)
class CountryAdmin(ContentAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Topic)
class TopicAdmin(ContentAdmin):
    search_fields = ["name"]


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    """Visitors' inquiries: read-only records of what was sent, and whether it was emailed."""

    status_icons = {
        Inquiry.EmailStatus.SENT: "icon-yes.svg",
        Inquiry.EmailStatus.FAILED: "icon-no.svg",
        Inquiry.EmailStatus.NO_RECIPIENT: "icon-alert.svg",
        Inquiry.EmailStatus.PENDING: "icon-clock.svg",
    }
    unsent = [Inquiry.EmailStatus.FAILED, Inquiry.EmailStatus.NO_RECIPIENT]

    list_display = [
        "created_at",
        "name",
        "email",
        "organisation",
        "delegation",
        "email_state",
        "handled",
    ]
    list_display_links = ["created_at", "name"]
    list_filter = ["email_status", "handled", "delegation"]
    list_select_related = ["delegation"]
    search_fields = ["name", "email", "organisation", "role", "message", "delegation__title"]
    date_hierarchy = "created_at"
    actions = ["export_csv", "retry_email"]
    fieldsets = [
        ("From", {"fields": ["name", "email", "organisation", "role"]}),
        ("Message", {"fields": ["delegation", "message", "consent", "created_at"]}),
        ("Email to the trip's contacts", {"fields": ["email_status", "email_error"]}),
        ("Follow-up", {"fields": ["handled"]}),
        ("Sender fingerprint", {"fields": ["client_hash"], "classes": ["collapse"]}),
    ]
    # What the visitor sent is a record: only the follow-up can be changed.
    readonly_fields = [
        "name",
        "email",
        "organisation",
        "role",
        "delegation",
        "message",
        "consent",
        "created_at",
        "email_status",
        "email_error",
        "client_hash",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description="email to the contacts", ordering="email_status")
    def email_state(self, obj):
        icon = static(f"admin/img/{self.status_icons[obj.email_status]}")
        label = obj.get_email_status_display()
        if obj.email_status in self.unsent:
            return format_html('<img src="{}" alt=""> <strong>{}</strong>', icon, label)
        return format_html('<img src="{}" alt=""> {}', icon, label)

    def changelist_view(self, request, extra_context=None):
        unsent = Inquiry.objects.filter(email_status__in=self.unsent, handled=False).count()
        if unsent and request.method == "GET" and "email_status__in" not in request.GET:
            messages.warning(
                request,
                format_html(
                    "{} inquir{} could not be emailed to the trip's contacts: "
                    '<a href="?email_status__in={}">show {}</a>. Answer by email, or select '
                    "and choose “Retry sending the email”; tick “handled” once answered.",
                    unsent,
                    pluralize(unsent, "y,ies"),
                    ",".join(self.unsent),
                    pluralize(unsent, "it,them"),
                ),
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description="Export selected as CSV")
    def export_csv(self, request, queryset):
        header = ["Received", "Delegation", "Name", "Email", "Organisation", "Role", "Message"]
        header += ["Consent", "Email to the contacts", "Email error", "Handled"]
        rows = (
            [
                local_time(inquiry.created_at),
                inquiry.delegation.title,
                inquiry.name,
                inquiry.email,
                inquiry.organisation,
                inquiry.role,
                inquiry.message,
                "yes" if inquiry.consent else "no",
                inquiry.get_email_status_display(),
                inquiry.email_error,
                "yes" if inquiry.handled else "no",
            ]
            for inquiry in queryset.select_related("delegation")
        )
        return csv_download("inquiries", header, rows)

    @admin.action(description="Retry sending the email")
    def retry_email(self, request, queryset):
        pending = queryset.exclude(email_status=Inquiry.EmailStatus.SENT)
        outcomes = Counter(
            inquiries.send(inquiry, request).email_status
            for inquiry in pending.select_related("delegation").prefetch_related(
                "delegation__contacts"
            )
        )
        if not outcomes:
            self.message_user(
                request, "The selected inquiries had all been emailed already.", messages.INFO
            )
            return
        if sent := outcomes[Inquiry.EmailStatus.SENT]:
            self.message_user(
                request,
                f"Emailed {sent} inquir{pluralize(sent, 'y,ies')} to the trip's contacts.",
                messages.SUCCESS,
            )
        if queued := outcomes[Inquiry.EmailStatus.PENDING]:
            self.message_user(
                request,
                f"{queued} inquir{pluralize(queued, 'y,ies')} queued to be emailed to the "
                "trip's contacts: the list shows when they are sent.",
                messages.INFO,
            )
        if unsent := sum(outcomes[status] for status in self.unsent):
            self.message_user(
                request,
                f"{unsent} inquir{pluralize(unsent, 'y,ies')} still could not be emailed: "
                "open them to see why.",
                messages.ERROR,
            )


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Applications to trips. Statuses change only through the actions, which keep the
    accepted within the trip's places and email the applicant (delegations/applications.py)."""

    list_display = ["created_at", "name", "organisation", "delegation", "status", "waitlist_place"]
    list_display_links = ["created_at", "name"]
    list_filter = ["status", "delegation"]
    list_select_related = ["delegation"]
    search_fields = ["name", "email", "organisation", "role", "country", "note"]
    date_hierarchy = "created_at"
    actions = ["accept", "waitlist", "decline", "withdraw", "export_csv"]
    fieldsets = [
        ("Applicant", {"fields": ["name", "email", "organisation", "role", "country"]}),
        ("Application", {"fields": ["delegation", "note", "consent", "created_at"]}),
        ("Decision", {"fields": ["status", "decided_at", "decided_by"]}),
        ("Sender fingerprint", {"fields": ["client_hash"], "classes": ["collapse"]}),
    ]
    # What the applicant sent is a record; its status changes only through the actions.
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # Each waitlisted application's place in its trip's queue, in the list's one query.
        ahead = (
            Application.objects.waitlist()
            .filter(delegation=OuterRef("delegation"))
            .filter(
                Q(created_at__lt=OuterRef("created_at"))
                | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
            )
            .order_by()
            .values("delegation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(ahead=Coalesce(Subquery(ahead), 0))

    @admin.display(description="waitlist")
    def waitlist_place(self, obj):
        if obj.status != Application.Status.WAITLISTED:
            return ""
        return f"#{obj.ahead + 1}"

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            for trip in Delegation.objects.upcoming().with_places_taken():
                if trip.capacity is None or trip.places_left == 0:
                    continue
                first = trip.applications.waitlist().first()
                if first:
                    self.message_user(
                        request,
                        format_html(
                            "{} has {} free place{} and a waitlist: the first on it is {}. "
                            "To offer them the place, select them and choose “Accept”.",
                            trip.title,
                            trip.places_left,
                            pluralize(trip.places_left),
                            first.name,
                        ),
                        messages.WARNING,
                    )
        return super().changelist_view(request, extra_context)

    def change_each(self, request, queryset, status):
        outcomes = Counter()
        site = applications.site_url(request)
        for application in queryset.select_related("delegation").order_by("created_at", "pk"):
            try:
                outcomes[
                    applications.change_status(application, status, user=request.user, site=site)
                ] += 1
            except applications.NoPlaceLeft as error:
                self.message_user(request, f"{application.name}: {error}", messages.ERROR)
        for outcome, count in outcomes.items():
            label = Application.Status(outcome).label.lower()
            self.message_user(
                request,
                f"{count} application{pluralize(count)} {label}; each applicant is emailed.",
                messages.SUCCESS if outcome == status else messages.WARNING,
            )

    @admin.action(description="Accept (or waitlist if the trip is full)", permissions=["change"])
    def accept(self, request, queryset):
        self.change_each(request, queryset, Application.Status.ACCEPTED)

    @admin.action(description="Put on the waitlist", permissions=["change"])
    def waitlist(self, request, queryset):
        self.change_each(request, queryset, Application.Status.WAITLISTED)

    @admin.action(description="Decline", permissions=["change"])
    def decline(self, request, queryset):
        self.change_each(request, queryset, Application.Status.DECLINED)

    @admin.action(description="Mark withdrawn (the applicant asked)", permissions=["change"])
    def withdraw(self, request, queryset):
        self.change_each(request, queryset, Application.Status.WITHDRAWN)

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        header = ["Applied", "Delegation", "Name", "Email", "Organisation", "Role"]
        header += ["State or country", "Note", "Status", "Status changed", "Changed by"]
        rows = (
            [
                local_time(application.created_at),
                application.delegation.title,
                application.name,
                application.email,
                application.organisation,
                application.role,
                application.country,
                application.note,
                application.get_status_display(),
                local_time(application.decided_at),
                application.decided_by,
            ]
            for application in queryset.select_related("delegation").order_by(
                "delegation", "created_at", "pk"
            )
        )
        return csv_download("applications", header, rows)


@admin.register(ApplicationEmail)
class ApplicationEmailAdmin(admin.ModelAdmin):
    """The wording of the emails applicants get: one per kind, edited, never added."""

    list_display = ["kind", "subject", "updated_at"]
    readonly_fields = ["kind"]
    fields = ["kind", "subject", "body"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # Every kind is listed, with the default wording until staff change it.
        for kind, (subject, body) in applications.WORDING.items():
            ApplicationEmail.objects.get_or_create(
                kind=kind, defaults={"subject": subject, "body": body}
            )
        return super().changelist_view(request, extra_context)
