"""Several photos uploaded to a trip at once (DelegationAdmin's "Add several photos").

Each file goes through the very form checks of a single photo (PhotoForm: the picture's
type, size and pixel limits, the description a picture needs), one by one: a file that
fails is reported by its name with the reason, and every other file is saved.
"""

import re
from pathlib import PurePosixPath

import reversion
from django import forms
from django.db import transaction
from django.db.models import Max

from .models import Photo


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """The chosen files, as a list; each is checked later, on its own."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class AddPhotosForm(forms.Form):
    required_css_class = "required"

    files = MultipleFileField(
        label="Pictures",
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text="Choose several JPEG, PNG, WebP or GIF pictures at once.",
    )
    alt_text = forms.CharField(
        label="What the pictures show",
        max_length=250,
        help_text=(
            "For people who cannot see them, e.g. “Delegates visiting a school in Lisbon”. "
            "Every photo gets this description: change a photo's own afterwards where it "
            "shows something else."
        ),
    )
    credit = forms.CharField(
        max_length=200, required=False, help_text="Who took the photos, if one person did."
    )


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "caption", "alt_text", "credit"]


def caption_for(file_name):
    """A caption from a file's name, for the editor to improve: “lisbon_school-visit.jpg”
    gives “Lisbon school visit”."""
    stem = PurePosixPath(str(file_name).replace("\\", "/")).stem
    words = re.sub(r"[\s_.-]+", " ", stem).strip()
    caption = words[:1].upper() + words[1:]
    return caption[: Photo._meta.get_field("caption").max_length] or "Photo"


def add_photos(trip, files, alt_text, credit="", user=None):
    """Save a photo of `trip` for each good file in `files`, after its existing photos.

    Returns (the photos saved, [(file name, [reasons])] for each file refused).
    """
    saved, refused = [], []
    order = (trip.photos.aggregate(last=Max("order"))["last"] or 0) + 1
    for upload in files:
        form = PhotoForm(
            data={"caption": caption_for(upload.name), "alt_text": alt_text, "credit": credit},
            files={"image": upload},
            instance=Photo(delegation=trip, order=order),
        )
        if not form.is_valid():
            reasons = [error for errors in form.errors.values() for error in errors]
            refused.append((PurePosixPath(upload.name).name, reasons))
            continue
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment("Added with “Add several photos”.")
            saved.append(form.save())
        order += 1
    return saved, refused
