import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from core.dates import DatePrecision, DateSpan, DateSpanQuerySet, date_span_constraints
from core.models import Partner, Person
from core.richtext import RichTextField
from core.schedule import Scheduled, live
from core.validators import sanitised_upload_to, validate_resource


def site_time_zone():
    return settings.TIME_ZONE


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "“%(value)s” is not a time zone. Give one such as America/New_York or Europe/Paris.",
            params={"value": value},
        )


def upcoming_editions(today=None):
    """The condition for an edition that has not ended by `today` (default: today)."""
    today = today or timezone.localdate()
    return Q(end_date__gte=today) | Q(end_date__isnull=True, year__gte=today.year)


class SymposiumQuerySet(DateSpanQuerySet):
    def published(self):
        """Editions the public sees now: published, and live by their schedule."""
        return self.filter(live(), is_published=True)

    def upcoming(self, today=None):
        """Editions that have not ended yet, soonest first.

        An edition whose days are not known yet counts as upcoming until its year is over:
        its year is always known, and it may still be ahead.
        """
        return self.filter(upcoming_editions(today)).order_by("year")

    def past(self, today=None):
        """Editions that have ended, newest first."""
        return self.exclude(upcoming_editions(today)).order_by("-year")

    def current(self, today=None):
        """The edition to feature: the next one to come, else the latest one held.

        One query: upcoming editions rank by their year (soonest first), and every past
        one after them, newest first.
        """
        rank = Case(
            When(upcoming_editions(today), then=F("year")),
            default=Value(10_000) - F("year"),
        )
        return self.order_by(rank).first()

    def with_partners(self):
        """Prefetch each edition's partners with their organisations, in one query."""
        return self.prefetch_related(
            models.Prefetch(
                "partners", queryset=SymposiumPartner.objects.select_related("organisation")
            )
        )


class Symposium(Scheduled, DateSpan):
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    title = models.CharField(
        "edition title",
        max_length=200,
        help_text="E.g. “CoSN/UNESCO International Symposium”.",
    )
    theme = models.CharField(max_length=250, blank=True)
    date_precision = models.CharField(
        "how precise the dates are",
        max_length=10,
        choices=DatePrecision,
        default=DatePrecision.UNKNOWN,
        help_text="Choose “Not known yet” if only the year is known: the year is shown anyway.",
    )
    location = models.CharField(
        "place",
        max_length=250,
        blank=True,
        help_text="Where it is held, e.g. “At CoSN's Annual Conference”.",
    )
    start_time = models.TimeField(
        null=True, blank=True, help_text="When it begins on its first day, if known."
    )
    end_time = models.TimeField(null=True, blank=True, help_text="When it ends on its last day.")
    time_zone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        default=site_time_zone,
        help_text="The venue's time zone, which the times above are in, e.g. America/Chicago.",
    )
    venue_name = models.CharField("venue", max_length=200, blank=True)
    venue_city = models.CharField("city", max_length=100, blank=True)
    venue_address = models.TextField("address", max_length=500, blank=True)
    registration_url = models.URLField(
        "registration link", blank=True, help_text="Where to register, e.g. the conference's page."
    )
    registration_contact = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whom to ask about attending, if there is no link or as well as it.",
    )
    description = RichTextField(blank=True)
    is_published = models.BooleanField("published", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SymposiumQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name_plural = "symposia"
        constraints = [
            *date_span_constraints("symposium"),
            models.UniqueConstraint(
                fields=["year"],
                name="symposium_one_per_year",
                violation_error_message="There is already a symposium for this year.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100),
                name="symposium_year_plausible",
                violation_error_message="Give a year between 1990 and 2100.",
            ),
        ]

    def __str__(self):
        return f"{self.year}: {self.title}"

    def get_absolute_url(self):
        return reverse("symposium:symposium-detail", kwargs={"year": self.year})

    def clean(self):
        super().clean()
        if self.start_date and self.year and self.start_date.year != self.year:
            raise ValidationError({"start_date": f"The dates must fall in {self.year}."})

    @property
    def is_public(self):
        return self.is_published and self.is_live()

    def is_upcoming(self, today=None):
        """As upcoming_editions() says, for this edition."""
        today = today or timezone.localdate()
        return self.end_date >= today if self.end_date else self.year >= today.year

    @property
    def starts_at(self):
        """The first day at its start time, in the venue's zone; None without both."""
        if not (self.exact_days and self.start_time):
            return None
        zone = zoneinfo.ZoneInfo(self.time_zone)
        return datetime.datetime.combine(self.start_date, self.start_time, zone)

    @property
    def zone_name(self):
        """The time zone as people say it: "Chicago" for America/Chicago."""
        return self.time_zone.rsplit("/", 1)[-1].replace("_", " ")

    @property
    def ends_at(self):
        if not (self.exact_days and self.end_time):
            return None
        zone = zoneinfo.ZoneInfo(self.time_zone)
        return datetime.datetime.combine(self.end_date, self.end_time, zone)

    @property
    def when(self):
        return self.dates_display or str(self.year)


class SymposiumPartner(Partner):
    symposium = models.ForeignKey(Symposium, on_delete=models.CASCADE, related_name="partners")

    class Meta(Partner.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["symposium", "organisation"],
                name="symposium_partner_unique",
                violation_error_message="This organisation is already a partner of this edition.",
            ),
        ]


class Resource(models.Model):
    class Kind(models.TextChoices):
        SLIDES = "slides", "Slides"
        RECORDING = "recording", "Recording"
        REPORT = "report", "Report"
        OTHER = "other", "Other"

    symposium = models.ForeignKey(Symposium, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.SLIDES)
    title = models.CharField(max_length=250)
    file = models.FileField(
        upload_to=sanitised_upload_to("symposium"), validators=[validate_resource], blank=True
    )
    url = models.URLField("link", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""),
                name="resource_has_file_or_link",
                violation_error_message="Upload a file or give a link.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def href(self):
        return self.file.url if self.file else self.url


class Session(models.Model):
    """A part of an edition's programme."""

    symposium = models.ForeignKey(Symposium, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField(null=True, blank=True, help_text="Leave empty for a one-day edition.")
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    title = models.CharField(max_length=250)
    description = RichTextField(blank=True)
    room = models.CharField(max_length=100, blank=True)
    speakers = models.ManyToManyField(Person, blank=True, related_name="sessions_spoken")
    moderators = models.ManyToManyField(Person, blank=True, related_name="sessions_moderated")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["day", "start", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gt=models.F("start")),
                name="session_ends_after_it_starts",
                violation_error_message="A session must end after it starts.",
            ),
        ]

    def __str__(self):
        return self.title

    def moment(self, time):
        """The session's day at `time`, in its edition's zone (None if either is unknown)."""
        day = self.day or self.symposium.start_date
        if not (day and time):
            return None
        return datetime.datetime.combine(day, time, zoneinfo.ZoneInfo(self.symposium.time_zone))

    @property
    def starts_at(self):
        return self.moment(self.start)

    @property
    def ends_at(self):
        return self.moment(self.end)
