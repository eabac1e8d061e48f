"""Smaller copies of uploaded photos for the pages, made once when a photo is saved.

Pages never send a multi-megabyte original: they use a JPEG no wider than the layout
needs, with its width and height recorded so the browser can reserve the space. A copy
for a fixed shape (a card's 4:3, a link preview's 1.91:1) is cropped around the photo's
focal point, which an editor sets: the public pages' Content-Security-Policy allows no
inline styles, so a browser could not be told where to crop.
"""

from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

CENTRE = (50, 50)


@dataclass(frozen=True)
class Rendition:
    """A copy of the picture in `source`, at most `max_width` wide; with a `ratio`
    (width, height), cropped to that shape around the focal point held, in percent of
    the width and height, by the fields named in `focus`."""

    source: str
    max_width: int
    ratio: tuple = None
    focus: tuple = None


def crop_box(width, height, ratio, focus=CENTRE):
    """The largest box of `ratio` within a width × height picture, centred on `focus`
    (x and y in percent) as far as the picture's edges allow."""
    ratio_width, ratio_height = ratio
    if width * ratio_height > height * ratio_width:  # wider than the shape
        box_width, box_height = round(height * ratio_width / ratio_height), height
    else:
        box_width, box_height = width, round(width * ratio_height / ratio_width)
    left = round(width * focus[0] / 100 - box_width / 2)
    top = round(height * focus[1] / 100 - box_height / 2)
    left = min(max(left, 0), width - box_width)
    top = min(max(top, 0), height - box_height)
    return left, top, left + box_width, top + box_height


def make_rendition(source, max_width, ratio=None, focus=CENTRE):
    """Return (ContentFile, name) for a JPEG copy of `source` at most `max_width` wide,
    cropped to `ratio` around `focus` if a ratio is given."""
    was_closed = source.closed
    source.open("rb")
    try:
        with Image.open(source) as image:
            image = ImageOps.exif_transpose(image)
            if ratio:
                image = image.crop(crop_box(image.width, image.height, ratio, focus))
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
    # A new focal point gives a new name, so no browser keeps showing the old crop.
    shape = f"-{ratio[0]}x{ratio[1]}-{focus[0]}-{focus[1]}" if ratio else ""
    return ContentFile(buffer.getvalue()), f"{stem}-{max_width}w{shape}.jpg"


class Renditions:
    """Model mixin: keep `renditions = {field: Rendition(...)}` up to date on save,
    remaking each copy when its picture or focal point changes."""

    renditions = {}

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._made_from = {
            name: instance.rendition_source(rendition)
            for name, rendition in cls.renditions.items()
            if {rendition.source, *(rendition.focus or ())} <= set(field_names)
        }
        return instance

    def rendition_source(self, rendition):
        """What the copy is made from: the picture's name, and the focal point."""
        focus = tuple(getattr(self, name) for name in rendition.focus or ())
        return getattr(self, rendition.source).name, focus

    def save(self, *args, **kwargs):
        made_from = getattr(self, "_made_from", {})
        for name, rendition in self.renditions.items():
            self.refresh_rendition(name, rendition, made_from.get(name))
        super().save(*args, **kwargs)
        self._made_from = {
            name: self.rendition_source(rendition) for name, rendition in self.renditions.items()
        }

    def refresh_rendition(self, name, rendition, made_from):
        source = getattr(self, rendition.source)
        copy = getattr(self, name)
        if copy and source and made_from == self.rendition_source(rendition):
            return
        if getattr(self, "preview_only", False):
            # A draft's preview, rolled back afterwards (core/drafts.py): no file is made or
            # deleted, and the picture itself stands in for its smaller copy.
            setattr(self, name, source.name if source else "")
            self._meta.get_field(name).update_dimension_fields(self, force=True)
            return
        if copy:
            copy.delete(save=False)
        if source:
            focus = self.rendition_source(rendition)[1] or CENTRE
            content, file_name = make_rendition(source, rendition.max_width, rendition.ratio, focus)
            copy.save(file_name, content, save=False)
        self._meta.get_field(name).update_dimension_fields(self, force=True)
