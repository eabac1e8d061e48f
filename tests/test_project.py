"""Guards for the whole site: every public page, error pages, migrations, settings."""

import datetime
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from delegations.models import Delegation, Dispatch, Report
from delegations.tests.factories import DispatchFactory
from symposium.models import Symposium

ROOT = Path(__file__).resolve().parents[1]


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.h1s, self.ids, self.imgs_without_alt = set(), 0, [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href", "").startswith("/"):
            self.links.add(attrs["href"].split("#")[0])
        if tag == "h1":
            self.h1s += 1
        if tag == "img" and "alt" not in attrs:
            self.imgs_without_alt += 1
        if "id" in attrs:
            self.ids.append(attrs["id"])


def parse(response):
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def crawl(client, start="/"):
    """Follow every internal link from `start`; return {url: parsed page}."""
    seen, queue = {}, [start]
    while queue:
        url = queue.pop()
        if url in seen or url.startswith(("/admin/", "/media/", "/static/")):
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            seen[url] = None  # a feed, calendar or file: reachable, but not a page
            continue
        seen[url] = parse(response)
        queue.extend(seen[url].links - seen.keys())
    return seen


@pytest.fixture
def site(seeded):
    DispatchFactory(delegation=Delegation.objects.get(slug="portugal-2013"), title="Day one")


@pytest.mark.usefixtures("site")
def test_every_public_page_is_reachable_from_the_landing_page(client):
    pages = crawl(client)
    expected = {
        "/",
        "/delegations/",
        "/symposium/",
        *(obj.get_absolute_url() for obj in Delegation.objects.published()),
        *(obj.get_absolute_url() for obj in Report.objects.published()),
        *(obj.get_absolute_url() for obj in Dispatch.objects.published()),
        *(obj.get_absolute_url() for obj in Symposium.objects.published()),
    }
    assert expected <= pages.keys()


@pytest.mark.usefixtures("site")
def test_every_public_page_has_one_h1_a_title_a_description_and_unique_ids(client):
    for url, parsed in crawl(client).items():
        if parsed is None:
            continue
        page = client.get(url).content.decode()
        parsed = parse(client.get(url))
        assert parsed.h1s == 1, url
        assert parsed.imgs_without_alt == 0, url
        assert len(parsed.ids) == len(set(parsed.ids)), url
        assert re.search(r"<title>[^<|]+\S \| CoSN Global Leadership</title>", page), url
        description = re.search(r'<meta name="description" content="([^"]*)">', page)
        assert description and description.group(1).strip(), url
        assert '<main id="main"' in page and 'href="#main"' in page, url


@pytest.mark.django_db
def test_unknown_pages_get_the_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert parse(response).h1s == 1


@pytest.mark.django_db
def test_server_errors_get_the_friendly_500_page(client, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("cosn_global.views.LandingView.get_context_data", explode)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "boom" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_no_model_changes_are_missing_a_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def settings_import(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", "import cosn_global.settings"],
        cwd=ROOT,
        env={**environment, "ENV_FILE": os.devnull, **env},
        capture_output=True,
        text=True,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = settings_import(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_settings_start_without_a_secret_key():
    assert settings_import(DEBUG="1").returncode == 0


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_a_friendly_403(seeded):
    from django.test import Client

    from tests.helpers import on

    client = Client(enforce_csrf_checks=True)
    with on(datetime.date(2015, 1, 1)):
        response = client.post("/delegations/singapore-2015/inquire/", {"name": "A"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Please try again" in body
    assert "<style" not in body  # nothing the Content Security Policy would block
