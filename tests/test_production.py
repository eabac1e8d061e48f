"""Production behaviour: media serving, photo renditions, settings from the environment, logs."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cosn_global.logging import JSONFormatter
from delegations.tests.factories import DelegationFactory, PhotoFactory
from tests.helpers import jpeg

ROOT = Path(__file__).resolve().parents[1]
RED = (220, 20, 20)


def picture_with_red_end(size, red_from):
    """A teal JPEG whose columns from `red_from` on are red."""
    image = Image.new("RGB", size, "teal")
    image.paste(RED, (red_from, 0, size[0], size[1]))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return SimpleUploadedFile("wide.jpg", buffer.getvalue(), content_type="image/jpeg")


def has_red(stored):
    with stored.open("rb"), Image.open(stored) as image:
        colours = image.convert("RGB").getcolors(maxcolors=image.width * image.height)
    return any(r > 180 and g < 80 and b < 80 for _, (r, g, b) in colours)


@pytest.mark.django_db
class TestRenditions:
    def test_a_large_photo_gets_small_renditions_in_the_shapes_pages_show(self):
        photo = PhotoFactory(image=jpeg((3000, 2000)), alt_text="Delegates")
        assert (photo.width, photo.height) == (3000, 2000)
        assert (photo.thumbnail_width, photo.thumbnail_height) == (800, 600)  # 4:3
        assert photo.thumbnail.size < photo.image.size
        assert (photo.link_preview_width, photo.link_preview_height) == (1200, 630)

    def test_the_page_sends_the_rendition_not_the_original(self, client):
        photo = PhotoFactory(image=jpeg((3000, 2000)), alt_text="Delegates in Lisbon")
        page = client.get(photo.delegation.get_absolute_url()).content.decode()
        assert f'src="{photo.thumbnail.url}"' in page
        assert 'width="800" height="600"' in page
        assert f'src="{photo.image.url}"' not in page

    def test_a_rendition_is_made_once_and_remade_when_the_picture_changes(self, monkeypatch):
        from core import renditions

        calls = []
        real = renditions.make_rendition
        monkeypatch.setattr(renditions, "make_rendition", lambda *a: calls.append(a) or real(*a))
        photo = PhotoFactory(image=jpeg((1200, 900)), alt_text="Delegates")
        photo = type(photo).objects.get(pk=photo.pk)
        photo.caption = "New caption"
        photo.save()
        assert len(calls) == 2  # the thumbnail and the link preview, once
        photo.image = jpeg((1000, 1000))
        photo.save()
        assert len(calls) == 4
        assert (photo.thumbnail_width, photo.thumbnail_height) == (800, 600)

    def test_a_small_picture_is_not_enlarged(self):
        photo = PhotoFactory(image=jpeg((400, 300)), alt_text="Delegates")
        assert (photo.thumbnail_width, photo.thumbnail_height) == (400, 300)

    @pytest.mark.parametrize(
        ("focus", "shows_red"), [((50, 50), False), ((95, 50), True), ((5, 50), False)]
    )
    def test_crops_keep_the_focal_point_in_view(self, focus, shows_red):
        # A wide teal picture whose right end is red: a 4:3 crop around the middle
        # leaves the red out; around a focal point on the red, it keeps it.
        photo = PhotoFactory(
            image=picture_with_red_end((1200, 400), red_from=1050),
            alt_text="Delegates",
            focal_x=focus[0],
            focal_y=focus[1],
        )
        for rendition in (photo.thumbnail, photo.link_preview):
            assert has_red(rendition) is shows_red

    def test_a_new_focal_point_makes_new_renditions_and_retires_cached_pages(self):
        from pagecache import version

        photo = PhotoFactory(image=picture_with_red_end((1200, 400), red_from=1050), alt_text="A")
        photo = type(photo).objects.get(pk=photo.pk)
        before = (photo.thumbnail.name, photo.link_preview.name)
        assert not has_red(photo.thumbnail)
        old_version = version.current()

        photo.focal_x = 100
        photo.save()

        photo = type(photo).objects.get(pk=photo.pk)
        assert photo.thumbnail.name != before[0] and photo.link_preview.name != before[1]
        assert has_red(photo.thumbnail) and has_red(photo.link_preview)
        assert version.current() != old_version

    def test_the_hero_photo_gets_a_rendition(self):
        trip = DelegationFactory(hero_image=jpeg((4000, 1500)), hero_alt="Harbour")
        assert trip.hero_rendition_width == 1600


@pytest.mark.django_db
class TestMedia:
    def test_a_report_pdf_is_served_inline_with_its_type(self, client, settings):
        (Path(settings.MEDIA_ROOT) / "reports").mkdir(parents=True)
        (Path(settings.MEDIA_ROOT) / "reports" / "r.pdf").write_bytes(b"%PDF-1.4 test")
        response = client.get("/media/reports/r.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'inline; filename="r.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"

    def test_other_files_are_offered_as_downloads(self, client, settings):
        Path(settings.MEDIA_ROOT).mkdir(parents=True)
        (Path(settings.MEDIA_ROOT) / "notes.html").write_text("<script>alert(1)</script>")
        response = client.get("/media/notes.html")
        assert response["Content-Disposition"].startswith("attachment")

    def test_nginx_sends_the_bytes_when_configured(self, client, settings):
        settings.MEDIA_X_ACCEL_REDIRECT = "/protected-media/"
        Path(settings.MEDIA_ROOT).mkdir(parents=True)
        (Path(settings.MEDIA_ROOT) / "a.pdf").write_bytes(b"%PDF")
        response = client.get("/media/a.pdf")
        assert response["X-Accel-Redirect"] == "/protected-media/a.pdf"
        assert response.content == b""

    @pytest.mark.parametrize(
        "path", ["/media/missing.pdf", "/media/../manage.py", "/media/%2e%2e/manage.py"]
    )
    def test_missing_files_and_paths_outside_media_are_refused(self, client, path):
        assert client.get(path).status_code in (400, 404)

    def test_unchanged_files_answer_304(self, client, settings):
        Path(settings.MEDIA_ROOT).mkdir(parents=True)
        (Path(settings.MEDIA_ROOT) / "a.pdf").write_bytes(b"%PDF")
        last_modified = client.get("/media/a.pdf")["Last-Modified"]
        assert client.get("/media/a.pdf", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304

    def test_a_report_link_points_at_a_file_that_is_served(self, client):
        from delegations.tests.factories import ReportFactory

        report = ReportFactory(external_url="", not_online=True)
        report.file.save("takeaways.pdf", ContentFile(b"%PDF-1.4 body"))
        assert client.get(report.file.url).status_code == 200

    def test_with_a_bucket_a_media_address_redirects_to_the_file_there(self, client, settings):
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "cosn-media",
                    "custom_domain": "media.example.org",
                    "querystring_auth": False,
                    "access_key": "k",
                    "secret_key": "s",
                },
            },
        }
        response = client.get("/media/reports/r.pdf")
        assert response.status_code == 302
        assert response["Location"] == "https://media.example.org/reports/r.pdf"
        assert client.get("/media/%2e%2e/manage.py").status_code == 404


def settings_value(expression, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "AWS_"))}
    environment.update({"ENV_FILE": os.devnull, "SECRET_KEY": "x", "DEBUG": "0", **env})
    environment.pop("REDIS_URL", None) if "REDIS_URL" not in env else None
    result = subprocess.run(
        [sys.executable, "-c", f"from cosn_global import settings as s; print(repr({expression}))"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return eval(result.stdout)  # noqa: S307 - our own repr() output


class TestSettings:
    def test_https_is_on_by_default_in_production(self):
        values = settings_value(
            "(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS)"
        )
        assert values == (True, True, True, 31536000)

    def test_each_https_setting_can_be_turned_off_for_local_http(self):
        values = settings_value(
            "(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            SECURE_HSTS_SECONDS="0",
        )
        assert values == (False, False, 0)

    def test_https_is_off_in_development(self):
        assert settings_value("s.SECURE_SSL_REDIRECT", DEBUG="1") is False

    def test_proxy_header_is_read_from_the_environment(self):
        value = settings_value(
            "s.SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https"
        )
        assert value == ("HTTP_X_FORWARDED_PROTO", "https")

    def test_redis_url_selects_the_shared_redis_cache(self):
        backend = settings_value(
            's.CACHES["default"]["BACKEND"]', REDIS_URL="redis://127.0.0.1:6379/0"
        )
        assert backend == "pagecache.backends.RedisCache"
        assert "LocMemCache" in settings_value('s.CACHES["default"]["BACKEND"]')

    def test_a_bucket_selects_the_object_store_for_media(self):
        storage = settings_value(
            's.STORAGES["default"]',
            AWS_STORAGE_BUCKET_NAME="cosn-media",
            AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        )
        assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
        assert storage["OPTIONS"]["bucket_name"] == "cosn-media"
        assert storage["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
        assert settings_value('s.STORAGES["default"]["BACKEND"]').endswith("FileSystemStorage")

    def test_database_connections_are_kept_and_health_checked(self):
        db = settings_value('s.DATABASES["default"]', DATABASE_URL="postgres://u@db:5432/cosn")
        assert db["ENGINE"] == "django.db.backends.postgresql"
        assert db["CONN_MAX_AGE"] == 60
        assert db["CONN_HEALTH_CHECKS"] is True

    def test_static_files_are_compressed_and_hashed_in_production(self):
        backend = settings_value('s.STORAGES["staticfiles"]["BACKEND"]')
        assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_object_store_urls_need_no_request_to_the_store(settings):
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        bucket_name="cosn-media",
        custom_domain="media.example.org",
        querystring_auth=False,
        access_key="k",
        secret_key="s",
    )
    assert storage.url("reports/r.pdf") == "https://media.example.org/reports/r.pdf"


def test_errors_are_logged_as_one_json_line_with_the_traceback():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: /",
            None,
            sys.exc_info(),
        )
    line = JSONFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["message"] == "Internal Server Error: /"
    assert "ValueError: broken" in entry["exception"]
