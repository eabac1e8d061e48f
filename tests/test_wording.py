"""Editors change the pages' fixed wording: every key the templates use is registered and
used, a change shows on the cached pages at once and a reset brings the default back,
and the pages make no more queries for it."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core import wording
from core.models import Wording
from core.tests.factories import PersonFactory, SectionFactory, WordingFactory
from delegations.tests.factories import DelegationFactory
from tests.helpers import admin_url, count_queries, on

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
TAG = re.compile(r"""\{%\s*wording\s+["']([^"']+)["']""")


def used_keys():
    keys = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        for key in TAG.findall(path.read_text()):
            keys.setdefault(key, path.relative_to(TEMPLATES))
    return keys


def test_every_wording_the_templates_ask_for_is_registered():
    unknown = {key: str(path) for key, path in used_keys().items() if key not in wording.REGISTRY}
    assert unknown == {}


def test_every_registered_wording_is_shown_somewhere():
    # Form fields' labels and hints are shown by includes/forms.html, by field.
    unused = set(wording.REGISTRY) - set(used_keys())
    assert {key for key in unused if not key.startswith("form.")} == set()


def test_wording_is_never_put_in_a_single_quoted_attribute():
    # The tag leaves apostrophes as typed (core/wording.py ESCAPES).
    for path in TEMPLATES.rglob("*.html"):
        assert not re.search(r"""=\s*'[^']*\{%\s*wording""", path.read_text()), path


def test_a_change_shows_on_the_cached_page_at_once_and_a_reset_brings_the_default_back(
    staff_client,
):
    visitor = Client()
    before = visitor.get("/")
    assert '<h3 id="past-heading">Past Delegations</h3>' in before.content.decode()
    assert visitor.get("/").content == before.content  # from the cache

    add = admin_url(Wording, "add") + "?key=delegations.past"
    staff_client.post(add, {"key": "delegations.past", "text": "Where we have been"})

    after = visitor.get("/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert '<h3 id="past-heading">Where we have been</h3>' in after.content.decode()
    page = visitor.get(reverse("delegations:delegation-list")).content.decode()
    assert '<h2 id="past-heading">Where we have been</h2>' in page

    change = Wording.objects.get()
    staff_client.post(admin_url(Wording, "delete", change.pk), {"post": "yes"})

    reset = visitor.get("/").content.decode()
    assert '<h3 id="past-heading">Past Delegations</h3>' in reset
    assert "Where we have been" not in reset


def test_placeholders_are_filled_in_on_the_page(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    WordingFactory(
        key="privacy.questions.text",
        text="Your question is kept for {days} days after the trip, then deleted.",
    )

    page = client.get(reverse("privacy")).content.decode()

    assert "Your question is kept for 365 days after the trip, then deleted." in page


def test_the_forms_labels_and_hints_can_be_changed(client):
    with on(datetime.date(2026, 3, 1)):
        trip = DelegationFactory(start_date=datetime.date(2026, 4, 13))
        trip.contacts.add(PersonFactory())
        WordingFactory(key="form.inquiry.name.label", text="Full name")
        WordingFactory(key="form.inquiry.message.help", text="What would you like to know?")
        WordingFactory(key="form.inquiry.consent.label", text="CoSN may keep and use these.")

        page = client.get(trip.get_absolute_url()).content.decode()

    assert 'for="inquiry-name">Full name</label>' in page
    assert ">What would you like to know?</p>" in page
    assert 'for="inquiry-consent">CoSN may keep and use these.</label>' in page
    # The application form's own wording is untouched.
    assert 'for="apply-name">Your name</label>' in page


def test_the_wording_is_loaded_once_per_edit_and_costs_no_query_per_string(client):
    SectionFactory()
    DelegationFactory.create_batch(3, start_date=datetime.date(2010, 5, 1))
    # Each address once, so that every page is rendered, not taken from the cache.
    count_queries(client, "/?warm")
    plain = count_queries(client, "/?before")

    for key in ("delegations.past", "site.footer.privacy", "trip.dates_unknown"):
        WordingFactory(key=key, text=f"Changed {key}")

    first = count_queries(client, "/?after")
    again = count_queries(client, "/?again")
    assert first == plain + 1  # the changes, loaded once for the new content version
    assert again == plain  # then none, however many pieces are changed
    assert "Changed delegations.past" in client.get("/?more").content.decode()
