from pathlib import Path

from django.conf import global_settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator

from core.dates import DatePrecision, DateSpan, DateSpanQuerySet, date_span_constraints
from core.models import Partner, Person
from core.renditions import Rendition, Renditions
from core.richtext import RichTextField, plain_text
from core.schedule import Scheduled, live
from core.structured_data import PreviewImage
from core.validators import (
    PictureField,
    sanitised_upload_to,
    validate_audio,
    validate_document,
    validate_image,
    validate_pdf,
)

LANGUAGE_CHOICES = sorted(global_settings.LANGUAGES, key=lambda lang: lang[1])


class Country(models.Model):
    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(
        "ISO code",
        max_length=2,
        blank=True,
        help_text="Two-letter ISO 3166 code, e.g. GB for the United Kingdom. Optional.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="country_code_unique",
                violation_error_message="Another country already uses this ISO code.",
            ),
        ]

    def __str__(self):
        return self.name


class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DelegationQuerySet(DateSpanQuerySet):
    def published(self):
        """Trips the public sees now: published, and live by their schedule."""
        return self.filter(live(), is_published=True)

    def upcoming(self, today=None):
        """Trips that have not ended yet (including one under way), soonest first.

        Ordered by end date so that a trip with exact dates comes before one known
        only by its month or year, which may fall anywhere in that period.
        """
        today = today or timezone.localdate()
        return self.filter(end_date__gte=today).order_by("end_date", "start_date", "title")

    def past(self, today=None):
        """Trips that have ended, newest first; trips with unrecorded dates last.

        A trip whose dates are not known yet is counted as past: an upcoming trip
        is always announced with at least its year.
        """
        today = today or timezone.localdate()
        return self.filter(Q(end_date__lt=today) | Q(end_date__isnull=True)).order_by(
            models.F("end_date").desc(nulls_last=True), "title"
        )

    def without_exact_dates(self):
        """Those known only by their month or year, or not at all (see DateSpan)."""
        return self.exclude(date_precision=DatePrecision.DAY)

    def without_contact(self):
        contacts = Delegation.contacts.through.objects.filter(delegation=OuterRef("pk"))
        return self.filter(~Exists(contacts))

    def without_key_facts(self):
        """Those with none of the facts Delegation.has_key_facts looks for."""
        return self.filter(
            cost__isnull=True,
            cost_on_request=False,
            cost_includes="",
            audience="",
            apply_by__isnull=True,
            capacity__isnull=True,
        )

    def with_places_taken(self):
        """Annotate each trip with its accepted applications (Delegation.places_taken)."""
        accepted = Q(applications__status=Application.Status.ACCEPTED)
        return self.annotate(accepted_count=models.Count("applications", filter=accepted))

    def for_cards(self, *fields):
        """Only the columns a delegation card shows, and `fields`: not the long texts."""
        return self.only(*CARD_FIELDS, *fields)


# What a delegation card (includes/components.html#delegation-cards) reads of the trip.
CARD_FIELDS = (
    "title",
    "slug",
    "summary",
    "date_precision",
    "start_date",
    "end_date",
    "apply_by",
    "registration_ends_at",
    "capacity",
)


def listing_relations():
    """Prefetches for delegation cards: destination_list and published_reports.

    Also for prefetch_related_objects(), so that cards from several lists on one page
    share these queries.
    """
    return (
        models.Prefetch(
            "destinations",
            queryset=Destination.objects.select_related("country"),
            to_attr="destination_list",
        ),
        # A card links to its reports but does not show their summaries.
        models.Prefetch(
            "reports",
            queryset=Report.objects.published().defer("summary", "key_findings"),
            to_attr="published_reports",
        ),
    )


class Delegation(Renditions, Scheduled, DateSpan):
    renditions = {"hero_rendition": Rendition("hero_image", 1600)}

    title = models.CharField(
        max_length=200, help_text="Usually the places visited, e.g. “London and Paris”."
    )
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The trip's web address. Filled in from the title."
    )
    summary = models.TextField(
        max_length=600,
        blank=True,
        help_text="One or two plain sentences for lists, search engines and link previews.",
    )
    promotion = models.TextField(
        "while upcoming",
        max_length=600,
        blank=True,
        help_text=(
            "Why to join, shown only while the trip is upcoming (never in lists, search "
            "results or link previews), e.g. “Our delegates will receive an outstanding "
            "professional development experience.”"
        ),
    )
    body = RichTextField(blank=True, help_text="The full description of the trip.")
    hero_image = PictureField(
        "hero photo",
        upload_to=sanitised_upload_to("delegations/hero"),
        validators=[validate_image],
        blank=True,
        width_field="hero_width",
        height_field="hero_height",
        help_text="A wide photo.",
    )
    hero_width = models.PositiveIntegerField(editable=False, null=True)
    hero_height = models.PositiveIntegerField(editable=False, null=True)
    hero_rendition = models.ImageField(
        upload_to="delegations/hero/renditions/",
        blank=True,
        editable=False,
        width_field="hero_rendition_width",
        height_field="hero_rendition_height",
    )
    hero_rendition_width = models.PositiveIntegerField(editable=False, null=True)
    hero_rendition_height = models.PositiveIntegerField(editable=False, null=True)
    hero_alt = models.CharField(
        "hero photo description",
        max_length=250,
        blank=True,
        help_text="What the photo shows, for people who cannot see it. Required with a photo.",
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="delegations", verbose_name="topics and focus areas"
    )
    contacts = models.ManyToManyField(
        Person,
        blank=True,
        related_name="contact_for",
        help_text="Whom visitors should contact about this trip.",
    )
    delegates = models.ManyToManyField(
        Person,
        blank=True,
        related_name="trips",
        help_text=(
            "Who went. Only people who agreed to be listed (see each person's record) are "
            "named on the trip's page."
        ),
    )
    registration = RichTextField(
        "how to register or ask",
        blank=True,
        help_text="Shown while the trip is upcoming: how to register, see an agenda or ask.",
    )
    agenda_file = models.FileField(
        upload_to=sanitised_upload_to("delegations/agendas"),
        validators=[validate_document],
        blank=True,
    )
    agenda_url = models.URLField("agenda link", blank=True)
    # Key facts for someone deciding whether to apply; each optional.
    cost = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The price for one delegate. Leave empty if it is not set, or tick “on request”.",
    )
    currency = models.CharField(
        max_length=3,
        default="USD",
        blank=True,
        help_text="The three-letter code of the cost, e.g. USD (the default) or EUR.",
    )
    cost_on_request = models.BooleanField(
        "cost on request", default=False, help_text="The cost is given to those who ask."
    )
    cost_includes = models.TextField(
        "what the cost includes",
        max_length=1000,
        blank=True,
        help_text="E.g. “Hotels, visits and most meals; not the flights to Singapore.”",
    )
    audience = models.TextField(
        "who it is for",
        max_length=600,
        blank=True,
        help_text="E.g. “Superintendents, CTOs and other senior district leaders.”",
    )
    apply_by = models.DateField(
        "apply by", null=True, blank=True, help_text="The last day applications are taken."
    )
    registration_ends_at = models.DateTimeField(
        "registration ends at",
        null=True,
        blank=True,
        help_text=(
            "Optional: the moment applications close and “how to register” comes down, by "
            "itself (e.g. 17:00 on the apply-by day). In the site's time zone."
        ),
    )
    capacity = models.PositiveSmallIntegerField(
        "places",
        null=True,
        blank=True,
        help_text=(
            "How many delegates the trip takes. Once that many are accepted, new "
            "applications join the waitlist. Empty: no limit."
        ),
    )
    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Only published trips are shown to the public. Staff can preview drafts.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DelegationQuerySet.as_manager()

    # The moments at which its pages change by themselves (core/schedule.py).
    schedule_fields = (*Scheduled.schedule_fields, "registration_ends_at")

    class Meta:
        ordering = [models.F("start_date").desc(nulls_last=True), "title"]
        constraints = [
            *date_span_constraints("delegation"),
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_alt=""),
                name="delegation_hero_has_alt",
                violation_error_message="Describe the hero photo for people who cannot see it.",
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost_on_request=False),
                name="delegation_cost_or_on_request",
                violation_error_message="Give the cost or tick “on request”, not both.",
            ),
        ]

    class Registration(models.TextChoices):
        OPEN = "open", "Open for applications"
        WAITLIST = "waitlist", "Waitlist only: every place is taken"
        CLOSED = "closed", "Applications closed"
        UNDER_WAY = "under_way", "Under way"
        PAST = "past", "Past"

    def __str__(self):
        return f"{self.title} ({self.dates_display})" if self.dates_known else self.title

    @cached_property
    def registration_status(self):
        """Worked out from the dates, the apply-by day and the places taken; never stored."""
        today = timezone.localdate()
        if not self.is_upcoming(today):
            return self.Registration.PAST
        if self.is_under_way(today):
            return self.Registration.UNDER_WAY
        if self.apply_by and self.apply_by < today:
            return self.Registration.CLOSED
        if self.registration_ended:
            return self.Registration.CLOSED
        if self.places_left == 0:
            return self.Registration.WAITLIST
        return self.Registration.OPEN

    @cached_property
    def places_taken(self):
        """Accepted applications (annotated by with_places_taken(), else counted)."""
        if hasattr(self, "accepted_count"):
            return self.accepted_count
        return self.applications.filter(status=Application.Status.ACCEPTED).count()

    @property
    def places_left(self):
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_taken, 0)

    @property
    def registration_ended(self):
        """Whether its "registration ends at" moment has come (none: it has not)."""
        return self.registration_ends_at is not None and self.registration_ends_at <= timezone.now()

    def get_registration_status_display(self):
        return self.Registration(self.registration_status).label

    @property
    def cost_display(self):
        """ "USD 3,950", or "USD 3,950.50"; None without an amount."""
        if self.cost is None:
            return None
        amount = f"{self.cost:,.0f}" if self.cost == int(self.cost) else f"{self.cost:,.2f}"
        return f"{self.currency or 'USD'} {amount}"

    @property
    def takes_applications(self):
        return self.is_public and self.registration_status in (
            self.Registration.OPEN,
            self.Registration.WAITLIST,
        )

    @property
    def has_key_facts(self):
        return bool(
            self.cost is not None
            or self.cost_on_request
            or self.cost_includes
            or self.audience
            or self.apply_by
            or self.capacity is not None
        )

    def get_absolute_url(self):
        return reverse("delegations:delegation-detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.is_published and self.is_live()

    @property
    def event_name(self):
        """The trip as an event, in calendars, JSON-LD and feeds."""
        return f"CoSN International Delegation: {self.title}"

    @property
    def description(self):
        """The summary, or failing that the body as text, or a sentence made of what is
        known of the trip: never nothing."""
        if self.summary or self.body:
            return self.summary or plain_text(self.body)
        where = f" to {self.places_display}" if self.places_display else ""
        when = f", {self.dates_display}" if self.dates_known else ""
        reports = self.published_reports
        report = f" Its report: “{reports[0].full_title}”." if reports else ""
        return f"CoSN’s International Delegation{where}{when}.{report}"

    def is_upcoming(self, today=None):
        today = today or timezone.localdate()
        return self.end_date is not None and self.end_date >= today

    def is_under_way(self, today=None):
        today = today or timezone.localdate()
        return self.start_date is not None and self.start_date <= today <= self.end_date

    @property
    def preview_image(self):
        """The hero photo for link previews: the page-sized rendition, or the original
        until the rendition exists; else the first photo, cropped for link previews
        around its focal point; None without a photo."""
        if self.hero_rendition:
            return PreviewImage(
                self.hero_rendition,
                self.hero_rendition_width,
                self.hero_rendition_height,
                self.hero_alt,
            )
        if self.hero_image:
            return PreviewImage(self.hero_image, self.hero_width, self.hero_height, self.hero_alt)
        if "photos" in getattr(self, "_prefetched_objects_cache", {}):
            photo = next((photo for photo in self.pictured_photos if photo.link_preview), None)
        else:  # a report's or post's page: just the one photo
            photo = self.photos.exclude(link_preview="").first()
        if photo:
            return PreviewImage(
                photo.link_preview,
                photo.link_preview_width,
                photo.link_preview_height,
                photo.alt_text,
            )
        return None

    @property
    def archive_year(self):
        return self.start_date.year if self.start_date else None

    @property
    def status(self):
        return "Upcoming" if self.is_upcoming() else "Past"

    # Lists rather than querysets, so that listing_relations() can fill them in for many
    # trips with one query each and no queryset per trip.
    @cached_property
    def destination_list(self):
        return list(self.destinations.all())

    @cached_property
    def published_reports(self):
        return list(self.reports.published())

    @cached_property
    def pictured_photos(self):
        return [photo for photo in self.photos.all() if photo.image]

    @cached_property
    def unpictured_photos(self):
        """Photos recorded by their caption, whose picture is not online."""
        return [photo for photo in self.photos.all() if not photo.image]

    @cached_property
    def destinations_display(self):
        return "; ".join(str(d) for d in self.destination_list)

    @cached_property
    def places_display(self):
        """The places as a phrase: "Argentina and Uruguay"."""
        names = [d.short_name for d in self.destination_list]
        if len(names) < 2:
            return "".join(names)
        return f"{', '.join(names[:-1])} and {names[-1]}"


class Destination(models.Model):
    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="destinations"
    )
    place = models.CharField(
        max_length=100,
        blank=True,
        help_text="A city or region, e.g. London or Scandinavia. Leave empty for a whole country.",
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="destinations",
        help_text="Leave empty for a region that spans countries, e.g. Scandinavia.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | Q(country__isnull=False),
                name="destination_has_place_or_country",
                violation_error_message="Give a place, a country or both.",
            ),
        ]

    def __str__(self):
        if self.place and self.country_id:
            return f"{self.place}, {self.country}"
        return self.place or str(self.country)

    @property
    def short_name(self):
        return self.place or str(self.country)


class DelegationPartner(Partner):
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="partners")

    class Meta(Partner.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "organisation", "role"],
                name="delegation_organisation_role_unique",
                violation_error_message="This organisation already has this role on the trip.",
            ),
        ]


class TripPartQuerySet(models.QuerySet):
    """Reports, photos and dispatches: public when their trip is, and they are published
    and live by their own schedule."""

    def published(self):
        parts = self.filter(live("delegation__"), delegation__is_published=True)
        if hasattr(self.model, "is_published"):
            parts = parts.filter(live(), is_published=True)
        return parts


class Report(Scheduled):
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(max_length=250)
    subtitle = models.CharField(max_length=250, blank=True)
    slug = models.SlugField(max_length=250, help_text="Filled in from the title.")
    language = models.CharField(
        max_length=10, choices=LANGUAGE_CHOICES, default="en", help_text="The title's language."
    )
    alternate_title = models.CharField(
        "title in another language",
        max_length=250,
        blank=True,
        help_text="For a bilingual report, e.g. “Abriendo Puertas Con ICT”.",
    )
    alternate_language = models.CharField(
        "its language",
        max_length=10,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text="The language of the title in another language.",
    )
    published_on = models.DateField("publication date", null=True, blank=True)
    page_count = models.PositiveSmallIntegerField("pages", null=True, blank=True)
    summary = RichTextField("summary and key takeaways", blank=True)
    key_findings = RichTextField(
        blank=True, help_text="The report's findings, as a list or short sections."
    )
    file = models.FileField(
        "PDF file",
        upload_to=sanitised_upload_to("reports"),
        validators=[validate_pdf],
        blank=True,
        help_text="The report as a PDF.",
    )
    external_url = models.URLField(
        "link", blank=True, help_text="Where the report can be read, if it is not uploaded here."
    )
    not_online = models.BooleanField(
        "not available online",
        default=False,
        help_text=(
            "Tick when there is no file or link to offer: the page then shows the title "
            "and summary without a download link."
        ),
    )
    file_size = models.PositiveBigIntegerField(editable=False, null=True)
    cover_image = PictureField(
        upload_to=sanitised_upload_to("reports/covers"), validators=[validate_image], blank=True
    )
    cover_alt = models.CharField("cover description", max_length=250, blank=True)
    is_published = models.BooleanField("published", default=True)
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TripPartQuerySet.as_manager()

    class Meta:
        ordering = ["order", "-published_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "slug"],
                name="report_slug_unique_per_delegation",
                violation_error_message="Another report of this trip already uses this slug.",
            ),
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(external_url="") | Q(not_online=True),
                name="report_has_file_or_link",
                violation_error_message=(
                    "Upload the PDF or give a link to the report, or tick “not available online”."
                ),
            ),
            models.CheckConstraint(
                condition=Q(alternate_title="") | ~Q(alternate_language=""),
                name="report_alternate_title_has_language",
                violation_error_message="Say which language the other title is in.",
            ),
            models.CheckConstraint(
                condition=Q(cover_image="") | ~Q(cover_alt=""),
                name="report_cover_has_alt",
                violation_error_message="Describe the cover image for people who cannot see it.",
            ),
        ]

    def __str__(self):
        return self.full_title

    def save(self, *args, **kwargs):
        # Kept with the record so that listing reports never asks the file storage.
        self.file_size = self.file.size if self.file else None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "delegations:report-detail",
            kwargs={"delegation_slug": self.delegation.slug, "slug": self.slug},
        )

    def clean(self):
        super().clean()
        if self.file or self.external_url:
            self.not_online = False

    @property
    def is_public(self):
        return self.is_published and self.is_live() and self.delegation.is_public

    @property
    def full_title(self):
        parts = [self.title]
        if self.alternate_title:
            parts.append(self.alternate_title)
        return ": ".join(parts)

    @property
    def preview_image(self):
        """The report's own cover, else its trip's photo."""
        if self.cover_image:
            return PreviewImage(self.cover_image, None, None, self.cover_alt)
        return self.delegation.preview_image

    @property
    def languages(self):
        return [code for code in (self.language, self.alternate_language) if code]

    @property
    def file_format(self):
        return Path(self.file.name).suffix.lstrip(".").upper() or "File"


class Photo(Renditions, models.Model):
    # As the trip's page shows it (4:3), and for link previews (1.91:1, as Facebook,
    # LinkedIn and X show them), each cropped around the focal point.
    renditions = {
        "thumbnail": Rendition("image", 800, ratio=(4, 3), focus=("focal_x", "focal_y")),
        "link_preview": Rendition("image", 1200, ratio=(1200, 630), focus=("focal_x", "focal_y")),
    }

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="photos")
    image = PictureField(
        upload_to=sanitised_upload_to("delegations/photos"),
        validators=[validate_image],
        blank=True,
        width_field="width",
        height_field="height",
        help_text="Until a picture is uploaded the caption is shown in a placeholder.",
    )
    caption = models.CharField(
        max_length=250, help_text="E.g. “Our group in Portugal, October 2013”."
    )
    alt_text = models.CharField(
        max_length=250,
        blank=True,
        help_text="What the picture shows, for people who cannot see it. Required with a picture.",
    )
    credit = models.CharField(max_length=200, blank=True, help_text="Who took the photo.")
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    thumbnail = models.ImageField(
        upload_to="delegations/photos/renditions/",
        blank=True,
        editable=False,
        width_field="thumbnail_width",
        height_field="thumbnail_height",
    )
    thumbnail_width = models.PositiveIntegerField(editable=False, null=True)
    thumbnail_height = models.PositiveIntegerField(editable=False, null=True)
    link_preview = models.ImageField(
        upload_to="delegations/photos/renditions/",
        blank=True,
        editable=False,
        width_field="link_preview_width",
        height_field="link_preview_height",
    )
    link_preview_width = models.PositiveIntegerField(editable=False, null=True)
    link_preview_height = models.PositiveIntegerField(editable=False, null=True)
    focal_x = models.PositiveSmallIntegerField(
        "focal point across (%)",
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="Where the picture's subject is, from its left edge (0) to its right (100).",
    )
    focal_y = models.PositiveSmallIntegerField(
        "focal point down (%)",
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="From the picture's top (0) to its bottom (100). Where the photo is cut to "
        "fit a shape (on the trip's page, in link previews), this point stays in view.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = TripPartQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(image="") | ~Q(alt_text=""),
                name="photo_has_alt_text",
                violation_error_message="Describe the picture for people who cannot see it.",
            ),
            models.CheckConstraint(
                condition=Q(focal_x__lte=100, focal_y__lte=100),
                name="photo_focal_point_within_picture",
                violation_error_message="The focal point is a percentage: from 0 to 100.",
            ),
        ]

    def __str__(self):
        return self.caption


class Dispatch(Scheduled):
    """What delegates publish during a trip: a blog post or a podcast episode."""

    class Kind(models.TextChoices):
        BLOG = "blog", "Blog post"
        PODCAST = "podcast", "Podcast episode"

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="dispatches")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.BLOG)
    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=250, help_text="Filled in from the title.")
    author = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="dispatches"
    )
    published_on = models.DateField("date", default=timezone.localdate)
    body = RichTextField(blank=True, help_text="The post, or the episode's notes.")
    external_url = models.URLField(
        "link", blank=True, help_text="Where the post or episode is published, if elsewhere."
    )
    audio_file = models.FileField(
        upload_to=sanitised_upload_to("dispatches/audio"), validators=[validate_audio], blank=True
    )
    audio_url = models.URLField("audio link", blank=True)
    audio_size = models.PositiveBigIntegerField(
        "audio file size (bytes)",
        null=True,
        blank=True,
        help_text="Measured when the audio is uploaded here; for audio elsewhere, enter it "
        "if known: podcast apps use it.",
    )
    duration = models.DurationField(
        blank=True, null=True, help_text="How long the episode lasts, e.g. 0:42:10."
    )
    transcript = RichTextField(blank=True, help_text="For podcast episodes.")
    is_published = models.BooleanField("published", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TripPartQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name_plural = "dispatches"
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "slug"],
                name="dispatch_slug_unique_per_delegation",
                violation_error_message="Another dispatch of this trip already uses this slug.",
            ),
            models.CheckConstraint(
                condition=~Q(body="") | ~Q(external_url="") | ~Q(audio_file="") | ~Q(audio_url=""),
                name="dispatch_has_content",
                violation_error_message="Write the text, give a link or add the audio.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.audio_file:
            self.audio_size = self.audio_file.size
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "delegations:dispatch-detail",
            kwargs={"delegation_slug": self.delegation.slug, "slug": self.slug},
        )

    @property
    def is_public(self):
        return self.is_published and self.is_live() and self.delegation.is_public

    @property
    def preview_image(self):
        return self.delegation.preview_image

    @property
    def audio_source(self):
        return self.audio_file.url if self.audio_file else self.audio_url


class ItineraryDay(models.Model):
    """A day of a trip: where the delegation was, and what it visited."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="itinerary")
    date = models.DateField(null=True, blank=True)
    day_number = models.PositiveSmallIntegerField(
        "day", null=True, blank=True, help_text="Day 1, 2, 3... when the date is not known."
    )
    city = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "date", "day_number", "pk"]
        verbose_name = "day of the itinerary"
        verbose_name_plural = "itinerary"
        constraints = [
            models.CheckConstraint(
                condition=Q(date__isnull=False) | Q(day_number__isnull=False),
                name="itinerary_day_has_date_or_number",
                violation_error_message="Give the day's date, or its number (day 1, 2, 3...).",
            ),
        ]

    def __str__(self):
        when = (
            f"{self.date:%B} {self.date.day}, {self.date.year}"
            if self.date
            else f"Day {self.day_number}"
        )
        return f"{when}: {self.city}"


class Visit(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", "School"
        MINISTRY = "ministry", "Ministry or government"
        COMPANY = "company", "Company"
        OTHER = "other", "Other"

    day = models.ForeignKey(ItineraryDay, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.SCHOOL)
    name = models.CharField(max_length=200, help_text="E.g. “Escola Secundária de Camões”.")
    url = models.URLField("website", blank=True)
    description = models.TextField(max_length=1000, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class Testimonial(models.Model):
    """A delegate's words about the trip."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="testimonials"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="testimonials")
    quote = models.TextField(max_length=1000)
    on_landing = models.BooleanField(
        "also on the landing page",
        default=False,
        help_text="Show it on the Global Leadership page too.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.person.name}: “{Truncator(self.quote).words(8)}”"


class Inquiry(models.Model):
    """A question or registration of interest sent from an upcoming trip's page.

    Stored before the email to the trip's contacts is attempted, so a mail server that
    is down never loses a visitor's message; the outcome of the email is kept with it.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        NO_RECIPIENT = "no_recipient", "No one to send it to"

    delegation = models.ForeignKey(
        Delegation,
        # A trip that has inquiries cannot be deleted, so that no inquiry is lost with it.
        on_delete=models.PROTECT,
        related_name="inquiries",
        help_text="The trip the visitor asked about.",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=100, blank=True)
    message = models.TextField(max_length=5000)
    consent = models.BooleanField(
        "agreed to be contacted",
        default=False,
        help_text="The visitor agreed that CoSN may store these details and contact them.",
    )
    created_at = models.DateTimeField("received", auto_now_add=True)
    email_status = models.CharField(
        "email to the contacts",
        max_length=20,
        choices=EmailStatus,
        default=EmailStatus.PENDING,
        help_text="Whether the trip's contacts were sent this inquiry by email.",
    )
    email_error = models.TextField(
        blank=True, help_text="Why the email could not be sent, if it failed."
    )
    client_hash = models.CharField(
        "sender fingerprint",
        max_length=64,
        blank=True,
        help_text=(
            "A one-way code made from the sender's network address: inquiries with the same "
            "code came from the same place. The address itself is not stored."
        ),
    )
    handled = models.BooleanField(default=False, help_text="Tick once someone has replied.")

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "inquiries"
        indexes = [models.Index(fields=["-created_at"], name="inquiry_created_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=True),
                name="inquiry_has_consent",
                violation_error_message="An inquiry is only kept with the visitor's consent.",
            ),
        ]

    def __str__(self):
        return f"From {self.name} <{self.email}>"

    def get_admin_url(self):
        return reverse("admin:delegations_inquiry_change", args=[self.pk])


class ApplicationQuerySet(models.QuerySet):
    def active(self):
        """Not withdrawn: an address has at most one such application for a trip (a
        declined applicant is told of the decision, not invited to apply again)."""
        return self.exclude(status=Application.Status.WITHDRAWN)

    def waitlist(self):
        return self.filter(status=Application.Status.WAITLISTED).order_by("created_at", "pk")


class Application(models.Model):
    """A visitor's application to join a trip, and what CoSN decided.

    Statuses change only through delegations/applications.py, which keeps the number
    accepted within the trip's places and emails the applicant each change.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACCEPTED = "accepted", "Accepted"
        WAITLISTED = "waitlisted", "Waitlisted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    delegation = models.ForeignKey(
        Delegation,
        # A trip with applications cannot be deleted, so that no application is lost with it.
        on_delete=models.PROTECT,
        related_name="applications",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    organisation = models.CharField("organisation or district", max_length=200)
    role = models.CharField(max_length=100)
    country = models.CharField(
        "state or country", max_length=100, help_text="Where the applicant works."
    )
    note = models.TextField(max_length=3000, blank=True)
    consent = models.BooleanField(
        "agreed to how the data is used",
        default=False,
        help_text="The applicant agreed that CoSN may store these details to run the trip.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.RECEIVED)
    created_at = models.DateTimeField("applied", auto_now_add=True)
    decided_at = models.DateTimeField("status changed", null=True, blank=True)
    decided_by = models.CharField("changed by", max_length=150, blank=True)
    client_hash = models.CharField("sender fingerprint", max_length=64, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["delegation", "status"], name="application_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=True),
                name="application_has_consent",
                violation_error_message="An application is only kept with the applicant's consent.",
            ),
            # One application per address and trip; after withdrawing, one may apply again.
            models.UniqueConstraint(
                "delegation",
                Lower("email"),
                condition=~Q(status="withdrawn"),
                name="application_one_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def get_admin_url(self):
        return reverse("admin:delegations_application_change", args=[self.pk])


class ApplicationEmail(models.Model):
    """The wording of each email an applicant gets, editable by staff.

    Placeholders in braces are filled in: {name}, {trip}, {dates}, {trip_url},
    {withdraw_url} and {contact}.
    """

    class Kind(models.TextChoices):
        RECEIVED = "received", "Application received"
        WAITLISTED = "waitlisted", "Waitlisted"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    PLACEHOLDERS = ("name", "trip", "dates", "trip_url", "withdraw_url", "contact")

    kind = models.CharField(max_length=20, choices=Kind, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(
        help_text=(
            "Plain text. These are filled in: {name}, {trip}, {dates}, {trip_url}, "
            "{withdraw_url}, {contact}."
        )
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = "email to applicants"
        verbose_name_plural = "emails to applicants"

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        known = ", ".join(f"{{{name}}}" for name in self.PLACEHOLDERS)
        for field in ("subject", "body"):
            try:
                getattr(self, field).format_map(dict.fromkeys(self.PLACEHOLDERS, ""))
            except KeyError as error:
                raise ValidationError(
                    {field: f"{{{error.args[0]}}} is not filled in. Use only {known}."}
                ) from None
            except (ValueError, IndexError):
                raise ValidationError(
                    {field: f"Braces are only for the placeholders {known}; check each is closed."}
                ) from None

    def render(self, **values):
        return self.subject.format_map(values), self.body.format_map(values)
