"""Saving in the admin never loses an editor's work: a save from a page opened before
someone else's save is refused in plain words, with what was typed kept."""

import re

import pytest
from django.contrib.auth.models import User

from core.models import Section
from delegations.models import Delegation, Photo
from delegations.tests.factories import CountryFactory
from tests.helpers import (
    admin_url,
    delegation_post_data,
    form_data,
    management_form,
    photo_inline_data,
    tiny_png,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip(staff_client):
    data = delegation_post_data(
        CountryFactory(name="Portugal"),
        **management_form("photos", total=1),
        **photo_inline_data(),
    )
    assert staff_client.post(admin_url(Delegation, "add"), data).status_code == 302
    return Delegation.objects.get(slug="lisbon-2027")


def open_tab(client, obj):
    return form_data(client.get(admin_url(type(obj), "change", obj.pk)))


def save(client, obj, data):
    return client.post(admin_url(type(obj), "change", obj.pk), data)


def test_a_save_from_a_page_opened_before_anothers_save_is_refused_and_kept(
    staff_client, client, trip
):
    other = User.objects.create_superuser("ada", "ada@example.org", "x", first_name="Ada")
    client.force_login(other)
    tab_a, tab_b = open_tab(client, trip), open_tab(staff_client, trip)
    tab_a["summary"] = "Ada's summary."
    assert save(client, trip, tab_a).status_code == 302
    tab_b["summary"] = "My summary."

    refused = save(staff_client, trip, tab_b)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Ada saved this delegation at" in page
    assert "after you opened it" in page
    assert "My summary." in page  # what was typed is still there
    assert Delegation.objects.get(pk=trip.pk).summary == "Ada's summary."

    # Having seen the warning, saving again replaces Ada's version, which History keeps.
    again = save(staff_client, trip, form_data(refused))
    assert again.status_code == 302
    assert Delegation.objects.get(pk=trip.pk).summary == "My summary."


def test_a_part_saved_elsewhere_also_counts_as_a_save_since(staff_client, trip):
    tab = open_tab(staff_client, trip)
    photo = trip.photos.get()
    photo_page = open_tab(staff_client, photo)
    photo_page["caption"] = "A new caption, from the photo's own page"
    assert save(staff_client, photo, photo_page).status_code == 302

    tab["summary"] = "Changed in the old tab."
    refused = save(staff_client, trip, tab)

    assert refused.status_code == 200
    assert "after you opened it" in refused.content.decode()
    assert Photo.objects.get(pk=photo.pk).caption == "A new caption, from the photo's own page"


def test_saves_one_after_the_other_go_through(staff_client, trip):
    for summary in ("First.", "Second."):
        tab = open_tab(staff_client, trip)
        tab["summary"] = summary
        assert save(staff_client, trip, tab).status_code == 302
    assert Delegation.objects.get(pk=trip.pk).summary == "Second."


@pytest.mark.usefixtures("seeded")
def test_every_kind_of_content_is_guarded(staff_client, client, admin_user):
    section = Section.objects.get(key="delegations")
    client.force_login(admin_user)
    tab_a, tab_b = open_tab(client, section), open_tab(staff_client, section)
    tab_a["heading"] = "Delegations"
    assert save(client, section, tab_a).status_code == 302
    assert save(staff_client, section, tab_b).status_code == 200


# --- A part deleted in another tab ------------------------------------------------------


@pytest.fixture
def two_photos(staff_client, trip):
    data = open_tab(staff_client, trip)
    data.update(
        {
            **management_form("photos", total=2, initial=1),
            **photo_inline_data(1, caption="Funchal harbour"),
        }
    )
    assert save(staff_client, trip, data).status_code == 302
    return list(trip.photos.order_by("pk"))


def test_a_part_deleted_elsewhere_is_left_out_and_the_rest_is_saved(staff_client, trip, two_photos):
    gone, kept = two_photos
    tab = open_tab(staff_client, trip)
    # Deleted from the photos list, in another tab.
    deleted = staff_client.post(admin_url(Photo, "delete", gone.pk), {"post": "yes"})
    assert deleted.status_code == 302

    tab["summary"] = "Changed while the photo was being deleted."
    tab["photos-1-caption"] = "Funchal harbour at dawn"
    response = save(staff_client, trip, tab)

    assert response.status_code == 302
    trip.refresh_from_db()
    assert trip.summary == "Changed while the photo was being deleted."
    assert [photo.caption for photo in trip.photos.all()] == ["Funchal harbour at dawn"]
    shown = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "Photo “Our group in Lisbon” had been deleted elsewhere before you saved" in shown


def test_a_part_deleted_in_the_same_form_elsewhere_is_named_on_the_page(
    staff_client, trip, two_photos
):
    tab_a, tab_b = open_tab(staff_client, trip), open_tab(staff_client, trip)
    tab_a["photos-0-DELETE"] = "on"
    assert save(staff_client, trip, tab_a).status_code == 302

    tab_b["summary"] = "Tab B's summary."
    refused = save(staff_client, trip, tab_b)

    # Refused once, because tab A saved since (see above), with the row that is gone named.
    page = refused.content.decode()
    assert "after you opened it" in page
    assert "Photo “Our group in Lisbon” was deleted elsewhere after this page was opened" in page
    assert save(staff_client, trip, form_data(refused)).status_code == 302
    trip.refresh_from_db()
    assert trip.summary == "Tab B's summary."
    assert [photo.caption for photo in trip.photos.all()] == ["Funchal harbour"]


# --- A file chosen in a save that fails -------------------------------------------------


def resubmitted(response):
    """What the browser sends when the editor saves the page again: the form's fields and
    the hidden inputs that say which files had been chosen."""
    data = form_data(response)
    hidden = r'<input type="hidden" name="([^"]+-was-chosen)" value="([^"]*)">'
    data.update(re.findall(hidden, response.content.decode()))
    return data


def test_a_picture_chosen_in_a_failed_save_is_asked_for_again_never_dropped(staff_client, settings):
    data = delegation_post_data(
        CountryFactory(name="Portugal"),
        start_date="2027-03-10",
        end_date="2027-03-01",  # the mistake elsewhere on the page
        **management_form("photos", total=1),
        **photo_inline_data(image=tiny_png("group.png"), alt_text="Delegates outside a school"),
    )
    failed = staff_client.post(admin_url(Delegation, "add"), data)

    assert failed.status_code == 200
    page = failed.content.decode()
    assert "You chose “group.png”, but a browser cannot keep a chosen file" in page

    # The date is fixed, the picture not chosen again: the photo is not saved without it.
    again = resubmitted(failed)
    again.update(end_date="2027-03-12")
    refused = staff_client.post(admin_url(Delegation, "add"), again)
    assert refused.status_code == 200
    assert "Choose “group.png” again" in refused.content.decode()
    assert not Photo.objects.exists() and not Delegation.objects.exists()

    # Chosen again: saved, with the picture.
    again = resubmitted(refused)
    again["photos-0-image"] = tiny_png("group.png")
    assert staff_client.post(admin_url(Delegation, "add"), again).status_code == 302
    photo = Photo.objects.get()
    assert photo.image and photo.caption == "Our group in Lisbon"


def test_a_photo_never_meant_to_have_a_picture_still_saves(staff_client):
    data = delegation_post_data(
        CountryFactory(name="Portugal"),
        **management_form("photos", total=1),
        **photo_inline_data(caption="Our group in Portugal, October 2013"),
    )
    assert staff_client.post(admin_url(Delegation, "add"), data).status_code == 302
    assert not Photo.objects.get().image
