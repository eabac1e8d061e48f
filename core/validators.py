"""Checks on what editors upload, and the names uploads are stored under.

A file is judged by its content, not its name: a report must really be a PDF and a photo
must really be a picture Pillow can read. The name still matters, because the media view
(cosn_global/views.py) picks the Content-Type from the extension: so the extension must
be one this module allows, and the content must match it.

Each validator checks only a fresh upload. A file already stored was checked when it was
uploaded, and re-reading it (perhaps from an object store) on every save of its record
would be slow, and would lock editors out of a record whose old file predates a limit.
"""

import secrets
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify
from PIL import GifImagePlugin, Image, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

MB = 1024 * 1024
HEAD_SIZE = 64

IMAGE_FORMATS = {"JPEG": {"jpg", "jpeg"}, "PNG": {"png"}, "WEBP": {"webp"}, "GIF": {"gif"}}
# Each format's own header reader. Image.open() would refuse a picture of more than
# twice Pillow's limit before its size could be told; these only read the header.
IMAGE_HEADERS = (
    JpegImagePlugin.JpegImageFile,
    PngImagePlugin.PngImageFile,
    WebPImagePlugin.WebPImageFile,
    GifImagePlugin.GifImageFile,
)
IMAGE_EXTENSIONS = set().union(*IMAGE_FORMATS.values())

ZIP = b"PK\x03\x04"  # Office Open XML and OpenDocument files are zip archives.
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word, Excel, PowerPoint 97-2003.


def _is_mp3(head):
    # An ID3 tag, or straight into an MPEG audio frame (11 set sync bits).
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] >= 0xE0)


def _is_iso_media(head):
    return head[4:8] == b"ftyp"  # MP4 and M4A


# Extension: (what to call it, test on the first bytes).
DOCUMENTS = {
    "pdf": ("a PDF", lambda head: head.startswith(b"%PDF-")),
    **{
        ext: ("an Office document", lambda head: head.startswith(ZIP))
        for ext in ("docx", "xlsx", "pptx")
    },
    **{
        ext: ("an OpenDocument file", lambda head: head.startswith(ZIP))
        for ext in ("odt", "ods", "odp")
    },
    **{
        ext: ("an Office document", lambda head: head.startswith(OLE))
        for ext in ("doc", "xls", "ppt")
    },
}
AUDIO = {
    "mp3": ("an MP3 file", _is_mp3),
    "m4a": ("an M4A file", _is_iso_media),
    "ogg": ("an Ogg file", lambda head: head.startswith(b"OggS")),
    "opus": ("an Opus file", lambda head: head.startswith(b"OggS")),
    "wav": ("a WAV file", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WAVE"),
}
VIDEO = {
    "mp4": ("an MP4 video", _is_iso_media),
    "webm": ("a WebM video", lambda head: head.startswith(b"\x1a\x45\xdf\xa3")),
}


def _is_fresh_upload(value):
    return not (isinstance(value, FieldFile) and value._committed)


def _raw(value):
    return value.file if isinstance(value, FieldFile) else value


def _display_name(value):
    return PurePosixPath(str(value.name).replace("\\", "/")).name


def _extension(value):
    return PurePosixPath(_display_name(value)).suffix.lstrip(".").lower()


def _head(value):
    raw = _raw(value)
    raw.seek(0)
    head = raw.read(HEAD_SIZE)
    raw.seek(0)
    return head


def _check_size(value, limit_mb):
    if value.size > limit_mb * MB:
        raise ValidationError(
            "“%(name)s” is %(size)s; files here can be at most %(limit)s.",
            code="file_too_large",
            params={
                "name": _display_name(value),
                "size": filesizeformat(value.size),
                "limit": filesizeformat(limit_mb * MB),
            },
        )


def _check_kind(value, kinds, accepted):
    """Require an allowed extension and content that matches it."""
    extension = _extension(value)
    if extension not in kinds:
        raise ValidationError(
            "“%(name)s” cannot be uploaded here. Upload %(accepted)s.",
            code="file_type_not_allowed",
            params={"name": _display_name(value), "accepted": accepted},
        )
    description, matches = kinds[extension]
    if not matches(_head(value)):
        raise ValidationError(
            "“%(name)s” is not really %(description)s: its content does not match its name. "
            "Save or export it again as %(description)s and upload that file.",
            code="file_content_mismatch",
            params={"name": _display_name(value), "description": description},
        )


def validate_pdf(value):
    """A real PDF: named .pdf, starting with the PDF signature, within UPLOAD_MAX_PDF_MB.

    Only the signature is required of the content: readers accept PDFs with damaged or
    missing trailers, so demanding more would turn away reports that open fine.
    """
    if not _is_fresh_upload(value):
        return
    _check_size(value, settings.UPLOAD_MAX_PDF_MB)
    _check_kind(value, {"pdf": DOCUMENTS["pdf"]}, "a PDF file (.pdf)")


def validate_document(value):
    """A PDF or an Office or OpenDocument file, e.g. an agenda."""
    if not _is_fresh_upload(value):
        return
    _check_size(value, settings.UPLOAD_MAX_PDF_MB)
    _check_kind(value, DOCUMENTS, "a PDF, Word, Excel, PowerPoint or OpenDocument file")


def validate_audio(value):
    """A podcast episode: MP3, M4A, Ogg, Opus or WAV, within UPLOAD_MAX_AUDIO_MB."""
    if not _is_fresh_upload(value):
        return
    _check_size(value, settings.UPLOAD_MAX_AUDIO_MB)
    _check_kind(value, AUDIO, "an MP3, M4A, Ogg, Opus or WAV audio file")


def validate_resource(value):
    """A symposium resource: slides or a report (documents), or a recording."""
    if not _is_fresh_upload(value):
        return
    extension = _extension(value)
    if extension in AUDIO or extension in VIDEO:
        _check_size(value, settings.UPLOAD_MAX_AUDIO_MB)
    else:
        _check_size(value, settings.UPLOAD_MAX_PDF_MB)
    _check_kind(
        value,
        DOCUMENTS | AUDIO | VIDEO,
        "a PDF, Office or OpenDocument file, an audio file or an MP4 or WebM video",
    )


def read_header(raw):
    """(format, width, height) from a picture's header, nothing decoded; None if the
    file is no JPEG, PNG, WebP or GIF."""
    for reader in IMAGE_HEADERS:
        raw.seek(0)
        try:
            with reader(raw) as image:
                return (image.format, *image.size)
        except (SyntaxError, OSError, ValueError, EOFError, IndexError, TypeError):
            continue
        finally:
            raw.seek(0)
    return None


def picture_format(raw):
    """The format of a picture in any format Pillow knows (e.g. "BMP"), or None."""
    try:
        with Image.open(raw) as image:
            return image.format
    except Exception:
        return None
    finally:
        raw.seek(0)


def validate_image(value):
    """A JPEG, PNG, WebP or GIF picture that Pillow can read, within the size limits.

    The pixel count is read from the header alone, before anything is decoded, so that
    a "decompression bomb" (a few kilobytes that decode to gigabytes) never gets further,
    and every picture over the limit is told so, whatever its size. Pillow's own
    DecompressionBombWarning is too lenient (it only warns, at 89 megapixels) and cannot
    be made an error per call without changing the process-wide warning filters, which
    other threads share; this explicit limit replaces it.
    """
    if not _is_fresh_upload(value):
        return
    name = _display_name(value)
    _check_size(value, settings.UPLOAD_MAX_IMAGE_MB)
    if _extension(value) not in IMAGE_EXTENSIONS:
        raise ValidationError(
            "“%(name)s” cannot be uploaded here. Upload a JPEG, PNG, WebP or GIF picture.",
            code="image_type_not_allowed",
            params={"name": name},
        )
    raw = _raw(value)
    header = read_header(raw)
    if header is None:
        other_format = picture_format(raw)
        if other_format:
            raise ValidationError(
                "“%(name)s” is a %(format)s picture. Upload a JPEG, PNG, WebP or GIF.",
                code="image_type_not_allowed",
                params={"name": name, "format": other_format},
            )
        raise ValidationError(
            "“%(name)s” is not a picture, or is in a format that cannot be read. "
            "Upload a JPEG, PNG, WebP or GIF.",
            code="invalid_image",
            params={"name": name},
        )
    image_format, width, height = header
    max_pixels = settings.UPLOAD_MAX_IMAGE_PIXELS
    if width * height > max_pixels:
        raise ValidationError(
            "“%(name)s” is %(width)s × %(height)s pixels (%(megapixels)s megapixels); "
            "pictures can be at most %(limit)s megapixels. Make it smaller and upload "
            "it again.",
            code="image_too_many_pixels",
            params={
                "name": name,
                "width": width,
                "height": height,
                "megapixels": round(width * height / 1_000_000),
                "limit": round(max_pixels / 1_000_000),
            },
        )
    try:
        with Image.open(raw, formats=[image_format]) as image:
            image.verify()
    except Image.DecompressionBombError as error:
        # Only when UPLOAD_MAX_IMAGE_PIXELS is set above twice Pillow's own limit.
        raise ValidationError(
            "“%(name)s” has too many pixels for this server to read safely.",
            code="image_too_many_pixels",
            params={"name": name},
        ) from error
    except Exception as error:
        raise ValidationError(
            "“%(name)s” is damaged and cannot be read as a picture. Save it again and retry.",
            code="invalid_image",
            params={"name": name},
        ) from error
    finally:
        raw.seek(0)


class PictureFormField(forms.ImageField):
    """Django's image field, after validate_image: so that a picture over the pixel limit
    gets the size message, not Django's "not an image or a corrupted image" (Pillow
    refuses to open one of more than twice its own limit)."""

    def to_python(self, data):
        if data:
            validate_image(data)
        return super().to_python(data)


class PictureField(models.ImageField):
    """An uploaded picture whose form checks it with validate_image before Django does."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PictureFormField, **kwargs})


@deconstructible
class sanitised_upload_to:  # lower case: it is used like a function, as upload_to=...
    """`upload_to` for a folder: a safe, unguessable name that still says what the file is.

    "../../Évil name<script>.PDF" becomes "<folder>/evil-namescript-1a2b3c.pdf": only the
    last part of the name, in lower-case ASCII letters, digits and hyphens, a short random
    suffix (so a new upload never replaces or reveals an old one) and a lower-case
    extension of letters and digits only.
    """

    max_stem_length = 60

    def __init__(self, folder):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename):
        name = PurePosixPath(str(filename).replace("\\", "/")).name
        path = PurePosixPath(name)
        stem = slugify(path.stem)[: self.max_stem_length].strip("-_") or "file"
        extension = path.suffix.lstrip(".").lower()
        safe = extension.isascii() and extension.isalnum() and len(extension) <= 8
        return f"{self.folder}/{stem}-{secrets.token_hex(3)}{'.' + extension if safe else ''}"

    def __eq__(self, other):
        return isinstance(other, sanitised_upload_to) and self.folder == other.folder

    def __hash__(self):
        return hash(self.folder)
