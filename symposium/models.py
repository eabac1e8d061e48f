from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from delegations.models import DatePrecision, DateSpan, Organisation, Role, date_span_constraints
from delegations.richtext import RichTextField
from delegations.validators import sanitised_upload_to, validate_resource


class SymposiumQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_partners(self):
        """Prefetch each edition's partners with their organisations, in one query."""
        return self.prefetch_related(
            models.Prefetch(
                "partnerships", queryset=SymposiumPartner.objects.select_related("organisation")
            )
        )

    def current(self):
        """The edition to feature: the newest one not later than this year, else the next one."""
        this_year = timezone.localdate().year
        return (
            self.filter(year__lte=this_year).order_by("-year").first()
            or self.filter(year__gt=this_year).order_by("year").first()
        )


class Symposium(DateSpan):
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
        return self.is_published

    @property
    def when(self):
        return self.dates_display or str(self.year)

    @property
    def is_this_year(self):
        return self.year == timezone.localdate().year


class SymposiumPartner(models.Model):
    symposium = models.ForeignKey(Symposium, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role, default=Role.PARTNER)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "partner"
        constraints = [
            models.UniqueConstraint(
                fields=["symposium", "organisation"],
                name="symposium_partner_unique",
                violation_error_message="This organisation is already a partner of this edition.",
            ),
        ]

    def __str__(self):
        return str(self.organisation)


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
