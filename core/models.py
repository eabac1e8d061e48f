"""What both content apps use: organisations, people, the sections' own copy, editors'
changes to the pages' fixed wording, an organisation's part (sponsor, partner, host) in a
trip or a symposium edition, and the drafts and share links of any record."""

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from . import wording
from .richtext import RichTextField
from .validators import PictureField, sanitised_upload_to, validate_image

logger = logging.getLogger(__name__)


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


def unique_slug(model, text, exclude=None, max_length=200):
    """A slug made of `text` that no other `model` record has: "ada-lovelace", "-2"..."""
    base = slugify(text)[: max_length - 4] or "item"
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


class Person(models.Model):
    """Someone the site names: a trip's contact or delegate, a blog post's author, a
    symposium speaker or moderator, the author of a testimonial. One record each, so that
    their page can list everything they took part in."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The person's web address. Filled in from the name."
    )
    title = models.CharField(
        "job title", max_length=200, blank=True, help_text="For example: Chief Operating Officer."
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text="Their organisation, school district or ministry.",
    )
    email = models.EmailField(
        blank=True, help_text="Shown only where the person is a contact, and used for inquiries."
    )
    phone = models.CharField(max_length=40, blank=True)
    photo = PictureField(
        upload_to=sanitised_upload_to("people"), validators=[validate_image], blank=True
    )
    photo_alt = models.CharField(
        "photo description",
        max_length=250,
        blank=True,
        help_text="Who is in the photo, for people who cannot see it. Required with a photo.",
    )
    bio = models.TextField(
        "short biography", max_length=1000, blank=True, help_text="A few plain sentences."
    )
    listed = models.BooleanField(
        "agreed to be listed as a delegate",
        default=False,
        help_text="Tick only with the person's consent: only then are they named among a "
        "trip's delegates.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""),
                name="person_photo_has_alt",
                violation_error_message="Describe the photo for people who cannot see it.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.email})" if self.email else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Person, self.name, exclude=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("person", kwargs={"slug": self.slug})

    @property
    def role(self):
        """Job title and organisation, as one line."""
        return ", ".join(
            part for part in (self.title, self.organisation and self.organisation.name) if part
        )


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
        Person,
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


class Wording(models.Model):
    """An editor's change to one piece of the pages' fixed wording (core/wording.py).
    Only changed wording has a row: deleting it puts the default back."""

    key = models.CharField(
        "wording",
        max_length=100,
        unique=True,
        error_messages={
            "unique": "Someone has already changed this wording: open it from the list.",
        },
    )
    text = models.TextField(
        help_text="Plain text, on one line; it is shown exactly as written.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    # The changes of the content version last loaded, in this process: (version, texts).
    loaded = (None, {})

    class Meta:
        ordering = ["key"]
        verbose_name = "wording"
        verbose_name_plural = "wording"
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="wording_text_not_empty"),
        ]

    def __str__(self):
        entry = wording.REGISTRY.get(self.key)
        return entry.where if entry else self.key

    @property
    def entry(self):
        return wording.REGISTRY.get(self.key)

    def clean(self):
        self.text = wording.one_line(self.text)
        if self.entry is None:
            raise ValidationError({"key": "Choose which wording to change."})
        try:
            wording.validate(self.key, self.text)
        except ValidationError as error:
            raise ValidationError({"text": error.messages}) from None
        if self.text == self.entry.default:
            raise ValidationError(
                {"text": "This is the default text. To go back to it, use “Reset to the default”."}
            )

    @classmethod
    def texts(cls, version):
        """Every change, as {key: text}, for the content version `version`.

        Loaded with one query the first time a version is asked for, then kept in the
        process: saving or deleting a change moves the version on (it is content, see
        PAGE_CACHE_APPS), so the next page rendered anywhere loads the changes again.
        """
        loaded_version, texts = cls.loaded
        if version is not None and version == loaded_version:
            return texts
        texts = {}
        for key, text in cls.objects.values_list("key", "text"):
            entry = wording.REGISTRY.get(key)
            # A change the code no longer fits (its key gone, or its placeholders
            # changed) is left out: the default shows, and the admin says so.
            if entry is not None and not list(wording.mistakes(entry, text)):
                texts[key] = text
            else:
                logger.warning("The changed wording %r no longer fits: default shown.", key)
        cls.loaded = (version, texts)
        return texts

    @classmethod
    def forget(cls):
        cls.loaded = (None, {})


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


class RecordQuerySet(models.QuerySet):
    def for_record(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )


class DraftQuerySet(RecordQuerySet):
    def scheduled(self):
        return self.exclude(go_live_at=None)

    def due_within(self, days):
        """Scheduled to be published in the next `days` (or due already)."""
        return self.filter(go_live_at__lte=timezone.now() + datetime.timedelta(days=days))

    def failed(self):
        """Scheduled once, and could not be published then (see publish_error)."""
        return self.filter(go_live_at=None).exclude(publish_error="")


class Draft(models.Model):
    """Changes to a published record, saved from its change form without changing the
    public page: the form's data as submitted (main form and inline formsets), and the
    files chosen in it, stored under drafts/ (see core/drafts.py). One a record."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The version (reversion's) of the record and its parts that the draft was made from.
    based_on = models.PositiveBigIntegerField(default=0)
    # {"post": {name: [values]}, "files": {name: stored name}}
    data = models.JSONField(default=dict)
    # Published by itself at this time (cosn_global/schedule.py), as its author would.
    go_live_at = models.DateTimeField("publish at", null=True, blank=True, db_index=True)
    # Why it could not be published at that time, if it could not.
    publish_error = models.TextField(blank=True)

    # Read by pagecache/schedule.py: the public pages change at this moment, and it
    # stays due until the draft is published (or could not be, which clears it).
    schedule_fields = ("go_live_at",)
    schedule_due_until_done = True

    objects = DraftQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_draft_a_record")
        ]

    def __str__(self):
        return f"Draft of {self.content_type.name} {self.object_id}"

    @property
    def author_name(self):
        return user_name(self.author)

    @property
    def stamp(self):
        """What a form opened on this draft remembers of it (see ContentForm.seen_draft)."""
        return f"{self.pk}:{self.updated_at.timestamp()}"


class ShareLink(models.Model):
    """A link that lets someone without a login see the preview of a record: its pending
    draft, or the record itself while it is unpublished. Signed (core/drafts.py), and
    good until it expires or is revoked."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="sharelink_record")]

    def __str__(self):
        return f"Share link {self.pk} to {self.content_type.name} {self.object_id}"

    @property
    def is_live(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


def user_name(user):
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()
