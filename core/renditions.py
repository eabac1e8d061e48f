"""Smaller copies of uploaded photos for the pages, made once when a photo is saved.

Pages never send a multi-megabyte original: they use a JPEG no wider than the layout
needs, with its width and height recorded so the browser can reserve the space.
"""

from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps


def make_rendition(source, max_width):
    """Return (ContentFile, name) for a JPEG copy of `source` at most `max_width` wide."""
    was_closed = source.closed
    source.open("rb")
    try:
        with Image.open(source) as image:
            image = ImageOps.exif_transpose(image)
            if image.width > max_width:
                height = round(image.height * max_width / image.width)
                image = image.resize((max_width, height), Image.Resampling.LANCZOS)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = BytesIO()
            image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    finally:
        # A fresh upload is still to be saved from this file object: rewind, don't close.
        if was_closed:
            source.close()
        else:
            source.seek(0)
    stem = PurePosixPath(source.name).stem
    return ContentFile(buffer.getvalue()), f"{stem}-{max_width}w.jpg"


def refresh_rendition(instance, source_field, rendition_field, max_width):
    """Remake `rendition_field` from `source_field` when the source has changed."""
    source = getattr(instance, source_field)
    rendition = getattr(instance, rendition_field)
    loaded = getattr(instance, "_loaded_sources", {}).get(source_field)
    if rendition and source and loaded == source.name:
        return
    if getattr(instance, "preview_only", False):
        # A draft's preview, rolled back afterwards (core/drafts.py): no file is made or
        # deleted, and the picture itself stands in for its smaller copy.
        setattr(instance, rendition_field, source.name if source else "")
        instance._meta.get_field(rendition_field).update_dimension_fields(instance, force=True)
        return
    if rendition:
        rendition.delete(save=False)
    if source:
        content, name = make_rendition(source, max_width)
        rendition.save(name, content, save=False)
    instance._meta.get_field(rendition_field).update_dimension_fields(instance, force=True)


class Renditions:
    """Model mixin: keep `renditions = {source: (rendition, max_width)}` up to date on save."""

    renditions = {}

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_sources = {
            source: getattr(instance, source).name
            for source in cls.renditions
            if source in field_names
        }
        return instance

    def save(self, *args, **kwargs):
        for source, (rendition, max_width) in self.renditions.items():
            refresh_rendition(self, source, rendition, max_width)
        super().save(*args, **kwargs)
        self._loaded_sources = {source: getattr(self, source).name for source in self.renditions}
