"""Dates stated as precisely as they are known: exact days, a month, a year, or not yet.

Trips and symposium editions store a start and an end date widened to the whole month
or year they are known by, so the database can order them and tell upcoming from past
with plain date comparisons; the precision says how to show them.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class DatePrecision(models.TextChoices):
    DAY = "day", "Exact days"
    MONTH = "month", "Month only"
    YEAR = "year", "Year only"
    UNKNOWN = "unknown", "Not known yet"


def _month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def format_date_span(start, end, precision):
    """Say a date span as precisely as it is known: "January 9-17, 2015", "October 2013"."""
    if precision == DatePrecision.UNKNOWN or start is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if precision == DatePrecision.MONTH:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start:%B} {start.year}"
        if start.year == end.year:
            return f"{start:%B}–{end:%B} {end.year}"
        return f"{start:%B} {start.year} – {end:%B} {end.year}"
    if start == end:
        return f"{start:%B} {start.day}, {start.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%B} {start.day}-{end.day}, {end.year}"
    if start.year == end.year:
        return f"{start:%B} {start.day} – {end:%B} {end.day}, {end.year}"
    return f"{start:%B} {start.day}, {start.year} – {end:%B} {end.day}, {end.year}"


def normalise_date_span(start, end, precision):
    """Widen a span to the whole months or years it is known by."""
    if precision == DatePrecision.UNKNOWN or start is None:
        return None, None
    end = end or start
    if precision == DatePrecision.MONTH:
        return start.replace(day=1), _month_end(end)
    if precision == DatePrecision.YEAR:
        return datetime.date(start.year, 1, 1), datetime.date(end.year, 12, 31)
    return start, end


def date_span_constraints(prefix):
    return [
        models.CheckConstraint(
            condition=Q(end_date__gte=models.F("start_date")) | Q(start_date__isnull=True),
            name=f"{prefix}_ends_after_start",
            violation_error_message="The end date cannot be before the start date.",
        ),
        models.CheckConstraint(
            condition=(
                Q(
                    date_precision=DatePrecision.UNKNOWN,
                    start_date__isnull=True,
                    end_date__isnull=True,
                )
                | (
                    ~Q(date_precision=DatePrecision.UNKNOWN)
                    & Q(start_date__isnull=False, end_date__isnull=False)
                )
            ),
            name=f"{prefix}_dates_match_precision",
            violation_error_message=(
                "Give a start date unless the dates are marked as not known yet, "
                "and leave both dates empty when they are."
            ),
        ),
    ]


class DateSpanQuerySet(models.QuerySet):
    def exact_days(self):
        """Those whose days are known (see DateSpan.exact_days)."""
        return self.filter(date_precision=DatePrecision.DAY, start_date__isnull=False)


class DateSpan(models.Model):
    """Dates stated as precisely as they are known (shared by trips and symposia)."""

    date_precision = models.CharField(
        "how precise the dates are",
        max_length=10,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text=(
            "Month only shows “October 2013”; year only shows “2007”. For those, any day "
            "in the month or year will do as the start date."
        ),
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(
        null=True, blank=True, help_text="Leave empty for a single day, month or year."
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.start_date, self.end_date = normalise_date_span(
            self.start_date, self.end_date, self.date_precision
        )
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.date_precision != DatePrecision.UNKNOWN and self.start_date is None:
            raise ValidationError(
                {"start_date": "Give a start date, or choose “Not known yet” for the dates."}
            )
        if self.date_precision == DatePrecision.UNKNOWN:
            self.start_date = self.end_date = None
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})
        self.start_date, self.end_date = normalise_date_span(
            self.start_date, self.end_date, self.date_precision
        )

    @property
    def dates_display(self):
        return format_date_span(self.start_date, self.end_date, self.date_precision)

    @property
    def dates_known(self):
        return self.start_date is not None

    @property
    def exact_days(self):
        """Whether the days are known: only then is there an event to add to a calendar
        (a month or a year would be a span nobody announced)."""
        return self.dates_known and self.date_precision == DatePrecision.DAY

    @property
    def datetime_attr(self):
        """The start as an HTML `datetime` value, as precise as it is known."""
        if not self.dates_known:
            return ""
        formats = {DatePrecision.YEAR: "%Y", DatePrecision.MONTH: "%Y-%m"}
        return self.start_date.strftime(formats.get(self.date_precision, "%Y-%m-%d"))


def start_of_day(day):
    """A date as the first moment of that day in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
