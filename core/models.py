"""What both content apps use: organisations, contacts, the sections' own copy, and an
organisation's part (sponsor, partner, host) in a trip or a symposium edition."""

from django.db import models
from django.urls import reverse

from .richtext import RichTextField


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=50,
        blank=True,
        help_text="How the organisation is named in short, e.g. UNESCO.",
    )
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name


class Contact(models.Model):
    name = models.CharField(max_length=200)
    title = models.CharField(
        "job title", max_length=200, blank=True, help_text="For example: Chief Operating Officer."
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.email})" if self.email else self.name


class Section(models.Model):
    """The editable introduction of one part of the Global Leadership section."""

    class Key(models.TextChoices):
        GLOBAL_LEADERSHIP = "global-leadership", "Global Leadership (landing page)"
        DELEGATIONS = "delegations", "International Delegations"
        SYMPOSIUM = "symposium", "International Symposium"

    # The page each section introduces, by URL name.
    pages = {
        Key.GLOBAL_LEADERSHIP: "landing",
        Key.DELEGATIONS: "delegations:delegation-list",
        Key.SYMPOSIUM: "symposium:symposium-list",
    }

    key = models.CharField(
        max_length=40,
        choices=Key,
        unique=True,
        help_text="Which part of the site this introduction belongs to.",
    )
    heading = models.CharField(max_length=200)
    intro = RichTextField(blank=True, verbose_name="introduction")
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=(
            "Whom visitors should ask about this part of the site. Shown, for example, "
            "when no delegation is open for registration."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.heading or self.get_key_display()

    def get_absolute_url(self):
        return reverse(self.pages[self.key])

    @classmethod
    def for_page(cls, *keys):
        """Return the sections for `keys` as a dict; a missing one is an unsaved blank."""
        found = {
            section.key: section
            for section in cls.objects.filter(key__in=keys).select_related("contact")
        }
        return {
            key.replace("-", "_"): found.get(key)
            or cls(key=key, heading=cls.Key(key).label.split(" (")[0])
            for key in keys
        }


class Role(models.TextChoices):
    SPONSOR = "sponsor", "Sponsor"
    PARTNER = "partner", "Partner"
    HOST = "host", "Host"


class Partner(models.Model):
    """An organisation's part in a trip or a symposium edition: sponsor, partner or host."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role, default=Role.PARTNER)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]
        verbose_name = "sponsor or partner"
        verbose_name_plural = "sponsors and partners"

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"
