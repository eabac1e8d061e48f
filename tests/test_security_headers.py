"""Security headers: the Content Security Policy, the other headers and `check --deploy`.

tests/test_browser_admin_csp.py proves in a real browser that the pages work under them.
"""

import base64
import datetime
import hashlib
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import django_prose_editor
import pytest
from django.urls import reverse

from delegations.tests.factories import DelegationFactory, DispatchFactory, ReportFactory
from symposium.tests.factories import SymposiumFactory

ROOT = Path(__file__).resolve().parents[1]

# Every request may reach the database: a 404 first looks for a redirect.
pytestmark = pytest.mark.django_db


def directives(policy):
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.fixture
def public_pages(db):
    trip = DelegationFactory()
    report = ReportFactory(delegation=trip)
    dispatch = DispatchFactory(delegation=trip)
    edition = SymposiumFactory(year=2019)
    return [
        reverse("landing"),
        reverse("delegations:delegation-list"),
        trip.get_absolute_url(),
        report.get_absolute_url(),
        dispatch.get_absolute_url(),
        reverse("symposium:symposium-list"),
        edition.get_absolute_url(),
    ]


def public_responses(client, public_pages):
    """(name, response) for every public page and a 404."""
    return [(path, client.get(path)) for path in [*public_pages, "/no-such-page/"]]


def admin_responses(admin_client):
    trip = DelegationFactory()
    return [
        (name, admin_client.get(url))
        for name, url in [
            ("admin index", reverse("admin:index")),
            ("admin change page", reverse("admin:delegations_delegation_change", args=[trip.pk])),
        ]
    ]


class TestContentSecurityPolicy:
    def test_public_pages_and_404s_get_the_strict_policy_without_a_nonce(
        self, client, public_pages
    ):
        for name, response in public_responses(client, public_pages):
            policy = directives(response["Content-Security-Policy"])
            assert policy["script-src"] == ["'self'"], name
            assert policy["style-src"] == ["'self'"], name
            assert policy["default-src"] == ["'self'"], name

    def test_no_page_allows_inline_or_eval_code(self, client, public_pages, admin_client):
        responses = public_responses(client, public_pages) + admin_responses(admin_client)
        for name, response in responses:
            policy = response["Content-Security-Policy"]
            assert "unsafe-inline" not in policy, name
            assert "unsafe-eval" not in policy, name
            assert "unsafe-hashes" not in policy, name

    def test_plugins_base_urls_foreign_forms_and_framing_are_refused(self, client):
        policy = directives(client.get("/no-such-page/")["Content-Security-Policy"])
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]

    def test_the_policy_is_enforced_not_only_reported(self, client):
        response = client.get("/no-such-page/")
        assert "Content-Security-Policy" in response
        assert "Content-Security-Policy-Report-Only" not in response

    def test_the_admin_gets_a_fresh_nonce_that_its_inline_import_map_carries(self, admin_client):
        url = reverse("admin:delegations_delegation_change", args=[DelegationFactory().pk])
        first, second = admin_client.get(url), admin_client.get(url)
        nonce = re.search(r"'nonce-([^']+)'", first["Content-Security-Policy"]).group(1)
        assert f'<script type="importmap" nonce="{nonce}">' in first.content.decode()
        assert nonce not in second["Content-Security-Policy"]
        assert "no-store" in first["Cache-Control"]

    def test_a_nonce_on_public_pages_would_break_the_page_cache_so_there_is_none(
        self, client, public_pages
    ):
        for path in public_pages:
            first, cached = client.get(path), client.get(path)
            assert first.content == cached.content, path
            assert "nonce" not in first["Content-Security-Policy"], path
            assert "nonce" not in cached["Content-Security-Policy"], path

    def test_public_pages_keep_no_inline_script_style_or_event_handler(self, client, public_pages):
        for path in public_pages:
            html = client.get(path).content.decode()
            scripts = re.findall(r"<script\b[^>]*>", html)
            assert all('type="application/ld+json"' in tag for tag in scripts), path
            assert "<style" not in html, path
            assert not re.search(r"<[^>]+\sstyle=", html), path
            assert not re.search(r"<[^>]+\son[a-z]+=", html), path

    def test_the_allowed_hash_is_the_css_the_rich_text_editor_injects(self, settings):
        # tiptap (inside django-prose-editor) adds its base CSS as a <style> element. If an
        # upgrade changes that CSS, this fails with the hash to put in settings.py.
        editor_js = (
            Path(django_prose_editor.__file__).parent / "static/django_prose_editor/editor.js"
        )
        [css] = re.findall(r"`(\.ProseMirror \{[^`]*)`", editor_js.read_text())
        digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        assert settings.TIPTAP_CSS_HASH == f"'sha256-{digest}'"
        assert settings.TIPTAP_CSS_HASH in settings.ADMIN_CSP["style-src"]
        assert settings.TIPTAP_CSS_HASH not in settings.SECURE_CSP["style-src"]


class TestOtherHeaders:
    def test_every_page_sends_the_security_headers(self, client, public_pages, admin_client):
        responses = public_responses(client, public_pages) + admin_responses(admin_client)
        for name, response in responses:
            assert response["Referrer-Policy"] == "same-origin", name
            assert response["X-Content-Type-Options"] == "nosniff", name
            assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
            assert response["X-Frame-Options"] == "DENY", name
            features = response["Permissions-Policy"].split(", ")
            for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
                assert f"{feature}=()" in features, name

    def test_no_shared_cache_may_keep_a_page_with_a_form(self, client):
        upcoming = DelegationFactory(start_date=datetime.date.today() + datetime.timedelta(60))
        for url in [
            reverse("admin_password_reset"),
            upcoming.get_absolute_url(),
            reverse("admin:login"),
        ]:
            response = client.get(url)
            assert b"csrfmiddlewaretoken" in response.content, url
            cache_control = response["Cache-Control"]
            assert "private" in cache_control or "no-store" in cache_control, url
            assert "public" not in cache_control, url

    def test_the_permissions_policy_is_written_from_the_setting(self, client, settings):
        settings.PERMISSIONS_POLICY = {"camera": [], "fullscreen": ["self"]}
        assert client.get("/no-such-page/")["Permissions-Policy"] == "camera=(), fullscreen=(self)"


def run_python(code, env):
    environment = {"PATH": os.environ["PATH"], "ENV_FILE": os.devnull, **env}
    environment.setdefault("SECRET_KEY", "tests-only-not-secret")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


POLICY_AND_MEDIA_URL = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
print(json.dumps([settings.SECURE_CSP, default_storage.url("photos/a.jpg")]))
"""


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"MEDIA_URL": "https://files.example.org/media/"},
        {"AWS_STORAGE_BUCKET_NAME": "cosn-media", "AWS_S3_CUSTOM_DOMAIN": "media.example.org"},
        {"AWS_STORAGE_BUCKET_NAME": "cosn-media", "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
        {"AWS_STORAGE_BUCKET_NAME": "cosn-media", "AWS_S3_REGION_NAME": "eu-west-1"},
    ],
    ids=["disk", "absolute-media-url", "custom-domain", "endpoint", "aws"],
)
def test_uploaded_photos_and_audio_are_allowed_wherever_they_are_stored(env):
    output = run_python(
        POLICY_AND_MEDIA_URL,
        {"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "cosn_global.settings", **env},
    )
    policy, url = json.loads(output)
    parts = urlsplit(url)
    elsewhere = [f"{parts.scheme}://{parts.netloc}"] if parts.netloc else []
    assert policy["img-src"] == ["'self'", *elsewhere]
    assert policy["media-src"] == ["'self'", "https:", *elsewhere]


@pytest.mark.parametrize(
    "env, upgrade",
    [
        ({"DEBUG": "0"}, True),
        ({"DEBUG": "0", "SECURE_SSL_REDIRECT": "0"}, False),  # `make serve` over plain http
        ({"DEBUG": "1"}, False),
    ],
)
def test_the_policy_applies_in_development_and_upgrades_requests_only_on_https_sites(env, upgrade):
    output = run_python(
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_CSP, s.MIDDLEWARE, s.SECURE_CSP_REPORT_ONLY]))",
        {"DJANGO_SETTINGS_MODULE": "cosn_global.settings", **env},
    )
    policy, middleware, report_only = json.loads(output)
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in middleware
    assert policy["script-src"] == ["'self'"]
    assert report_only == {}
    assert policy["upgrade-insecure-requests"] is upgrade


STAND_INS = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def readme_production_environment(database_url):
    """The variables the README's deployment example exports, placeholders filled in."""
    readme = (ROOT / "README.md").read_text()
    deployment = readme.split("## Deployment", 1)[1]
    block = re.search(r"```sh\n(.*?)```", deployment, re.DOTALL).group(1)
    stand_ins = {**STAND_INS, "DATABASE_URL": database_url}
    env = {}
    for line in block.splitlines():
        if line.startswith("export "):
            for assignment in shlex.split(line, comments=True)[1:]:
                name, value = assignment.split("=", 1)
                env[name] = stand_ins[name] if "..." in value else value
    return env


def test_check_deploy_reports_no_issues_with_the_readme_production_environment(tmp_path):
    env = readme_production_environment(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert env["DEBUG"] == "0"
    assert env["SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO,https"
    assert env["CSRF_TRUSTED_ORIGINS"].startswith("https://")

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "ENV_FILE": os.devnull, **env},
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
