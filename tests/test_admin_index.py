"""The admin's index leads with what editors do, explains each group, and keeps the
security log out of their way."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from delegations.models import Photo
from delegations.tests.factories import InquiryFactory, PhotoFactory
from tests.helpers import tiny_png

pytestmark = pytest.mark.django_db


def index(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def test_trips_come_first_then_inquiries_with_how_many_wait_and_the_symposium(admin_client):
    InquiryFactory.create_batch(2)
    InquiryFactory(handled=True)

    apps = index(admin_client).context["app_list"]

    assert [app["app_label"] for app in apps] == [
        "delegations",
        "symposium",
        "mail",
        "core",
        "cosn_global",
        "auth",
        "django_tasks_database",
        "axes",
    ]
    models = [model["object_name"] for model in apps[0]["models"]]
    assert models[:3] == ["Delegation", "Application", "Inquiry"]
    assert apps[0]["models"][2]["note"] == "2 not handled yet"
    assert all(app["description"] for app in apps)
    assert apps[-1]["name"] == "Security log"


def test_the_index_page_shows_each_groups_line_and_links_what_waits(admin_client):
    InquiryFactory()
    page = index(admin_client).content.decode()
    assert "Trips, upcoming and past, with their reports" in page
    inquiries = reverse("admin:delegations_inquiry_changelist")
    assert f'<a class="model-note" href="{inquiries}?handled__exact=0">1 not handled yet</a>' in (
        page
    )
    assert page.index("International Delegations") < page.index("Security log")


def test_photos_recorded_without_their_picture_are_counted_and_listed(admin_client):
    PhotoFactory(image=tiny_png(), alt_text="Delegates in Lisbon")
    awaited = PhotoFactory(image="")
    photo = next(
        model
        for model in index(admin_client).context["app_list"][0]["models"]
        if model["model"] is Photo
    )
    assert photo["note"] == "1 awaiting a picture"

    listed = admin_client.get(
        reverse("admin:delegations_photo_changelist") + "?" + photo["note_query"]
    )
    assert list(listed.context["cl"].result_list) == [awaited]
    online = admin_client.get(reverse("admin:delegations_photo_changelist") + "?picture=online")
    assert awaited not in online.context["cl"].result_list


def test_editors_do_not_see_the_security_log(client):
    call_command("setup_groups", verbosity=0)
    editor = User.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    labels = [app["app_label"] for app in index(client).context["app_list"]]
    assert "axes" not in labels and labels[0] == "delegations"


def test_admin_pages_have_the_sites_icon(admin_client, settings):
    page = index(admin_client).content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', page)
    assert icon and finders.find(icon[1])
