"""Uploads: judged by their content within size and pixel limits, stored under safe names,
and refused in plain words without losing the rest of what the editor typed."""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.validators import (
    sanitised_upload_to,
    validate_audio,
    validate_document,
    validate_image,
    validate_pdf,
    validate_resource,
)
from delegations.models import Delegation, Dispatch, Photo, Report
from delegations.tests import factories
from symposium.tests.factories import SymposiumFactory
from tests.helpers import (
    admin_url,
    database_snapshot,
    delegation_post_data,
    management_form,
    photo_inline_data,
    report_inline_data,
    stored_files,
)

# --- Files ---------------------------------------------------------------------------


def minimal_pdf():
    """A complete one-page PDF, written out by hand: header, objects, xref table, trailer."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


def pdf_upload(name="lisbon.pdf", content=None):
    return SimpleUploadedFile(name, content or minimal_pdf(), content_type="application/pdf")


def picture(name="group.png", size=(4, 3), mode="RGB", image_format="PNG"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def decompression_bomb():
    """400 megapixels that weigh about 50 KB as a PNG (and 400 MB once decoded)."""
    return picture("bomb.png", size=(20_000, 20_000), mode="1")


def plain(text):
    """Sizes are written with no-break spaces (filesizeformat); compare with plain ones."""
    return str(text).replace("\xa0", " ")


def assert_refused(response, message):
    assert response.status_code == 200
    assert response.context["errors"], "the form was expected to show errors"
    assert message in plain(response.content.decode())


def assert_input_kept(response, *values):
    page = response.content.decode()
    for value in values:
        assert f'value="{value}"' in page, value


def report_post_data(country, **report_fields):
    return delegation_post_data(
        country,
        **management_form("reports", total=1),
        **report_inline_data(external_url="", **report_fields),
    )


# --- Reports must be real PDFs --------------------------------------------------------


@pytest.mark.django_db
def test_a_text_file_named_pdf_is_refused_and_the_rest_of_the_form_is_kept(staff_client, settings):
    country = factories.CountryFactory(name="Portugal")
    before = database_snapshot()
    fake = SimpleUploadedFile("notes.pdf", b"Just some notes, not a PDF.", "application/pdf")

    response = staff_client.post(admin_url(Delegation, "add"), report_post_data(country, file=fake))

    assert_refused(response, "“notes.pdf” is not really a PDF: its content does not match")
    assert_input_kept(response, "Lisbon", "lisbon-2027", "Lisbon Schools Report")
    assert "A week in Lisbon&#x27;s schools." in response.content.decode()
    assert database_snapshot() == before
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_real_pdf_is_accepted_and_stored_under_reports(staff_client, settings):
    response = staff_client.post(
        admin_url(Delegation, "add"),
        report_post_data(factories.CountryFactory(name="Portugal"), file=pdf_upload()),
    )

    assert response.status_code == 302
    report = Report.objects.get()
    assert re.fullmatch(r"reports/lisbon-[0-9a-f]{6}\.pdf", report.file.name)
    assert (Path(settings.MEDIA_ROOT) / report.file.name).read_bytes() == minimal_pdf()


@pytest.mark.django_db
def test_a_pdf_under_another_extension_is_refused(staff_client):
    response = staff_client.post(
        admin_url(Delegation, "add"),
        report_post_data(factories.CountryFactory(), file=pdf_upload("report.html")),
    )

    assert_refused(response, "“report.html” cannot be uploaded here. Upload a PDF file (.pdf).")


@pytest.mark.django_db
def test_a_pdf_over_the_size_limit_is_refused(staff_client, settings):
    settings.UPLOAD_MAX_PDF_MB = 1
    big = minimal_pdf() + b"%" + b"0" * (1536 * 1024)

    response = staff_client.post(
        admin_url(Delegation, "add"),
        report_post_data(factories.CountryFactory(), file=pdf_upload("big.pdf", big)),
    )

    assert_refused(response, "“big.pdf” is 1.5 MB; files here can be at most 1.0 MB.")
    assert_input_kept(response, "Lisbon Schools Report")
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_an_uploaded_file_name_is_sanitised(staff_client, settings):
    response = staff_client.post(
        admin_url(Delegation, "add"),
        report_post_data(
            factories.CountryFactory(), file=pdf_upload("../../Évil name<script>.PDF")
        ),
    )

    assert response.status_code == 302
    name = Report.objects.get().file.name
    assert re.fullmatch(r"reports/evil-namescript-[0-9a-f]{6}\.pdf", name), name
    assert stored_files(settings) == [Path(settings.MEDIA_ROOT) / name]


def test_validate_pdf_accepts_a_real_pdf_and_refuses_anything_else():
    validate_pdf(pdf_upload())
    for name, content in [
        ("notes.pdf", b"Just text"),
        ("page.pdf", b"<html><body>%PDF-1.4</body></html>"),
        ("empty.pdf", b""),
        ("report.txt", minimal_pdf()),
    ]:
        with pytest.raises(ValidationError):
            validate_pdf(SimpleUploadedFile(name, content))


# --- Pictures must decode, within pixel and size limits ------------------------------


@pytest.mark.django_db
def test_a_png_that_is_not_a_picture_is_refused(staff_client, settings):
    fake = SimpleUploadedFile("group.png", b"\x89PNG\r\n\x1a\n not really", "image/png")
    data = delegation_post_data(
        factories.CountryFactory(),
        **management_form("photos", total=1),
        **photo_inline_data(image=fake, alt_text="Delegates outside a school"),
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert_refused(response, "“group.png” is not a picture, or is in a format that cannot be read.")
    assert_input_kept(response, "Our group in Lisbon", "Delegates outside a school")
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_decompression_bomb_is_refused_before_it_is_decoded(staff_client, settings):
    data = delegation_post_data(
        factories.CountryFactory(), hero_image=decompression_bomb(), hero_alt="A harbour"
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    # More than twice Pillow's own limit, which makes Image.open() refuse it: the size
    # is read from the header, so the message still says what is wrong.
    assert_refused(
        response,
        "“bomb.png” is 20000 × 20000 pixels (400 megapixels); "
        "pictures can be at most 40 megapixels.",
    )
    assert_input_kept(response, "Lisbon", "A harbour")
    assert not Delegation.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_picture_over_the_pixel_limit_is_refused_in_plain_words(staff_client, settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000_000
    data = delegation_post_data(
        factories.CountryFactory(),
        hero_image=picture("harbour.png", size=(2000, 1000), mode="1"),
        hero_alt="A harbour",
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert_refused(
        response,
        "“harbour.png” is 2000 × 1000 pixels (2 megapixels); pictures can be at most 1 megapixels.",
    )
    assert_input_kept(response, "A harbour")
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_picture_over_the_size_limit_is_refused(staff_client, settings):
    settings.UPLOAD_MAX_IMAGE_MB = 1
    delegation = factories.DelegationFactory()
    noise = Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert buffer.tell() > 1024 * 1024
    data = {
        "delegation": str(delegation.pk),
        "image": SimpleUploadedFile("noise.png", buffer.getvalue(), "image/png"),
        "caption": "Our group",
        "alt_text": "Delegates",
        "credit": "",
        "order": "0",
        "focal_x": "50",
        "focal_y": "50",
        "_save": "Save",
    }

    response = staff_client.post(admin_url(Photo, "add"), data)

    assert_refused(response, "files here can be at most 1.0 MB")
    assert_input_kept(response, "Our group", "Delegates")
    assert not Photo.objects.exists()


@pytest.mark.django_db
def test_a_stored_picture_is_not_checked_again_when_its_record_is_edited(staff_client, settings):
    photo = factories.PhotoFactory(image=picture(size=(40, 30)), alt_text="Delegates")
    stored_name = photo.image.name
    # A limit lowered after the upload must not lock the record.
    settings.UPLOAD_MAX_IMAGE_PIXELS = 10
    data = {
        "delegation": str(photo.delegation_id),
        "caption": "A better caption",
        "alt_text": "Delegates",
        "credit": "",
        "order": "0",
        "focal_x": "50",
        "focal_y": "50",
        "_save": "Save",
    }

    response = staff_client.post(admin_url(Photo, "change", photo.pk), data)

    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.caption, photo.image.name) == ("A better caption", stored_name)


@pytest.mark.parametrize(
    ("name", "image_format"),
    [("a.jpg", "JPEG"), ("a.jpeg", "JPEG"), ("a.png", "PNG"), ("a.webp", "WEBP"), ("a.gif", "GIF")],
)
def test_jpeg_png_webp_and_gif_pictures_are_accepted(name, image_format):
    validate_image(picture(name, image_format=image_format))


@pytest.mark.parametrize(
    ("name", "image_format", "message"),
    [
        ("a.bmp", "BMP", "Upload a JPEG, PNG, WebP or GIF picture."),
        ("a.png", "BMP", "is a BMP picture"),
        ("a.tiff", "TIFF", "Upload a JPEG, PNG, WebP or GIF picture."),
        ("a.html", "PNG", "Upload a JPEG, PNG, WebP or GIF picture."),
    ],
)
def test_other_picture_formats_and_extensions_are_refused(name, image_format, message):
    with pytest.raises(ValidationError) as refused:
        validate_image(picture(name, image_format=image_format))
    assert message in refused.value.messages[0]


def big_jpeg(width, height):
    """A JPEG whose header says `width` × `height`: a few hundred bytes, never decoded."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    frame = data.find(b"\xff\xc0")  # the start-of-frame segment holds the size
    data[frame + 5 : frame + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return SimpleUploadedFile("harbour.jpg", bytes(data), "image/jpeg")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("width", "height", "megapixels"), [(12_000, 12_000, 144), (16_000, 12_500, 200)]
)
def test_every_picture_over_the_pixel_limit_gets_the_size_message(
    staff_client, settings, width, height, megapixels
):
    data = delegation_post_data(
        factories.CountryFactory(), hero_image=big_jpeg(width, height), hero_alt="A harbour"
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert_refused(
        response,
        f"“harbour.jpg” is {width} × {height} pixels ({megapixels} megapixels); "
        "pictures can be at most 40 megapixels.",
    )
    assert not Delegation.objects.exists()
    assert stored_files(settings) == []


def test_validate_image_refuses_a_decompression_bomb_by_its_header():
    with pytest.raises(ValidationError) as refused:
        validate_image(decompression_bomb())
    assert "(400 megapixels); pictures can be at most 40 megapixels" in refused.value.messages[0]


def test_validate_image_refuses_a_truncated_picture():
    whole = picture(size=(64, 64)).read()
    with pytest.raises(ValidationError) as refused:
        validate_image(SimpleUploadedFile("cut.png", whole[:-30]))
    assert "is damaged" in refused.value.messages[0]


# --- Other uploads: audio, agendas, symposium resources ------------------------------


def test_audio_must_be_audio_within_its_size_limit(settings):
    validate_audio(SimpleUploadedFile("episode.mp3", b"ID3\x04\x00" + b"\x00" * 100))
    validate_audio(SimpleUploadedFile("episode.m4a", b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 40))
    for name, content in [("episode.mp3", b"Not audio"), ("episode.exe", b"ID3\x04")]:
        with pytest.raises(ValidationError):
            validate_audio(SimpleUploadedFile(name, content))
    settings.UPLOAD_MAX_AUDIO_MB = 1
    with pytest.raises(ValidationError) as refused:
        validate_audio(SimpleUploadedFile("long.mp3", b"ID3" + b"\x00" * (2 * 1024 * 1024)))
    assert plain(refused.value.messages[0]) == (
        "“long.mp3” is 2.0 MB; files here can be at most 1.0 MB."
    )


def test_an_agenda_may_be_a_pdf_or_an_office_document_of_the_kind_its_name_says():
    validate_document(pdf_upload("agenda.pdf"))
    validate_document(SimpleUploadedFile("agenda.docx", b"PK\x03\x04" + b"\x00" * 40))
    for name, content in [("agenda.docx", minimal_pdf()), ("agenda.svg", b"<svg/>")]:
        with pytest.raises(ValidationError):
            validate_document(SimpleUploadedFile(name, content))


def test_a_symposium_resource_may_be_slides_a_report_or_a_recording():
    validate_resource(SimpleUploadedFile("slides.pptx", b"PK\x03\x04" + b"\x00" * 40))
    validate_resource(SimpleUploadedFile("talk.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40))
    with pytest.raises(ValidationError):
        validate_resource(SimpleUploadedFile("talk.mp4", b"<script>alert(1)</script>"))


@pytest.mark.django_db
def test_a_symposium_resource_upload_is_checked_and_renamed(staff_client):
    from symposium.models import Symposium

    symposium = SymposiumFactory(year=2019)
    url = admin_url(Symposium, "change", symposium.pk)
    data = {
        "year": str(symposium.year),
        "title": symposium.title,
        "theme": symposium.theme,
        "is_published": "on",
        "date_precision": symposium.date_precision,
        "start_date": "",
        "end_date": "",
        "location": symposium.location,
        "time_zone": symposium.time_zone,
        "description": symposium.description,
        **management_form("partners"),
        **management_form("sessions"),
        **management_form("resources", total=1),
        "resources-0-kind": "report",
        "resources-0-title": "Symposium report",
        "resources-0-url": "",
        "resources-0-order": "0",
        "_save": "Save",
    }

    refused = staff_client.post(
        url, {**data, "resources-0-file": SimpleUploadedFile("Report.pdf", b"GIF89a")}
    )
    accepted = staff_client.post(url, {**data, "resources-0-file": pdf_upload("Report.pdf")})

    assert_refused(refused, "“Report.pdf” is not really a PDF")
    assert_input_kept(refused, "Symposium report")
    assert accepted.status_code == 302
    name = symposium.resources.get().file.name
    assert re.fullmatch(r"symposium/report-[0-9a-f]{6}\.pdf", name), name


# --- Safe names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("../../Évil name<script>.PDF", r"reports/evil-namescript-[0-9a-f]{6}\.pdf"),
        (r"C:\Users\me\Annual Report 2024.pdf", r"reports/annual-report-2024-[0-9a-f]{6}\.pdf"),
        ("<>.pdf", r"reports/file-[0-9a-f]{6}\.pdf"),
        ("no extension", r"reports/no-extension-[0-9a-f]{6}"),
        ("report.p<h>p", r"reports/report-[0-9a-f]{6}"),
        ("a" * 300 + ".pdf", r"reports/a{60}-[0-9a-f]{6}\.pdf"),
        (".htaccess", r"reports/htaccess-[0-9a-f]{6}"),
    ],
)
def test_upload_names_keep_a_slug_of_the_name_a_random_suffix_and_a_safe_extension(
    uploaded, stored
):
    name = sanitised_upload_to("reports/")(None, uploaded)
    assert re.fullmatch(stored, name), name


def test_two_uploads_with_the_same_name_get_different_names():
    upload_to = sanitised_upload_to("reports")
    assert upload_to(None, "report.pdf") != upload_to(None, "report.pdf")


def test_the_upload_folder_can_be_written_into_a_migration():
    upload_to = sanitised_upload_to("reports")
    assert upload_to.deconstruct() == (
        "core.validators.sanitised_upload_to",
        ("reports",),
        {},
    )
    assert upload_to == sanitised_upload_to("reports/")
    assert upload_to != sanitised_upload_to("reports/covers")


def test_every_upload_field_checks_its_content_and_sanitises_its_name():
    from symposium.models import Resource

    fields = {
        (Delegation, "hero_image"): validate_image,
        (Delegation, "agenda_file"): validate_document,
        (Report, "file"): validate_pdf,
        (Report, "cover_image"): validate_image,
        (Photo, "image"): validate_image,
        (Dispatch, "audio_file"): validate_audio,
        (Resource, "file"): validate_resource,
    }
    for (model, name), validator in fields.items():
        field = model._meta.get_field(name)
        assert validator in field.validators, field
        assert isinstance(field.upload_to, sanitised_upload_to), field


# --- Serving -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_uploaded_picture_is_served_inline_as_an_image(client):
    photo = factories.PhotoFactory(image=picture("Group Photo.png"), alt_text="Delegates")

    response = client.get(photo.image.url)

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith('inline; filename="group-photo-')
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_uploaded_audio_is_offered_as_a_download_with_its_type(client):
    dispatch = factories.DispatchFactory(
        audio_file=SimpleUploadedFile("Episode 1.mp3", b"ID3\x04\x00" + b"\x00" * 100)
    )

    response = client.get(dispatch.audio_file.url)

    assert response["Content-Type"] == "audio/mpeg"
    assert response["Content-Disposition"].startswith('attachment; filename="episode-1-')


@pytest.mark.django_db
def test_a_stored_svg_is_never_shown_inline(client, settings):
    # SVG can carry script: even a file put on disk by hand is only offered as a download.
    Path(settings.MEDIA_ROOT).mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "logo.svg").write_text("<svg><script>alert(1)</script></svg>")

    response = client.get("/media/logo.svg")

    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'attachment; filename="logo.svg"'
