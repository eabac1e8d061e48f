"""An editor's admin, in Chromium: two tabs on one trip, a picture chosen in a save that
fails, a page left with unsaved changes, date fields without a time-zone note, setting up
two-factor sign-in and logging in with a code, a photo's focal point set by clicking its
picture; and axe finds nothing on the admin pages the site changes, in light and dark."""

import base64
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from reversion.models import Version

from core.models import Person, Wording
from cosn_global.models import SignInPolicy
from delegations.models import Delegation, Photo
from tests.helpers import EDITOR_PASSWORD, admin_url, axe_violations, log_in_to_admin

pytestmark = pytest.mark.django_db(transaction=True)


def open_trip(page, live_server, slug="portugal-2013"):
    trip = Delegation.objects.get(slug=slug)
    page.goto(live_server.url + admin_url(Delegation, "change", trip.pk))
    return trip


def save(page):
    page.locator("input[name=_continue]").first.click()
    page.wait_for_load_state()


def picture_file(tmp_path):
    path = tmp_path / "group.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def stored_photo(trip):
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), "teal").save(buffer, "PNG")
    return Photo.objects.create(
        delegation=trip,
        caption="Delegates in Lisbon",
        alt_text="Twelve delegates outside a school",
        image=ContentFile(buffer.getvalue(), name="group.png"),
    )


def test_clicking_a_photos_picture_sets_its_focal_point(page, live_server, editor, page_problems):
    photo = stored_photo(Delegation.objects.get(slug="portugal-2013"))
    thumbnail = photo.thumbnail.name
    log_in_to_admin(page, live_server)
    page.goto(live_server.url + admin_url(Photo, "change", photo.pk))
    marker = page.locator(".focal-marker")
    assert marker.is_visible()

    # Three quarters across and a quarter down the picture, shown smaller than it is.
    picture = page.locator(".focal-picker img")
    shown = picture.bounding_box()
    assert shown["width"] < 1200
    click = {"x": shown["width"] * 0.75, "y": shown["height"] * 0.25}
    picture.click(position=click)
    assert page.locator("#id_focal_x").input_value() == "75"
    assert page.locator("#id_focal_y").input_value() == "25"
    # The marker is where the click was (the page has scrolled to the picture since).
    shown, spot = picture.bounding_box(), marker.bounding_box()
    assert abs(spot["x"] + spot["width"] / 2 - (shown["x"] + click["x"])) < 3
    assert abs(spot["y"] + spot["height"] / 2 - (shown["y"] + click["y"])) < 3
    save(page)

    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (75, 25)
    assert photo.thumbnail.name != thumbnail
    assert page_problems == []


def test_two_tabs_on_one_trip_never_lose_either_save(page, live_server, editor, page_problems):
    log_in_to_admin(page, live_server)
    tab_b = page.context.new_page()
    trip = open_trip(page, live_server)
    open_trip(tab_b, live_server)

    page.locator("#id_summary").fill("Saved first, in tab A.")
    save(page)
    tab_b.locator("#id_summary").fill("Typed in tab B.")
    save(tab_b)

    assert "saved this delegation at" in tab_b.locator(".errorlist").first.inner_text()
    assert tab_b.locator("#id_summary").input_value() == "Typed in tab B."
    assert Delegation.objects.get(pk=trip.pk).summary == "Saved first, in tab A."

    save(tab_b)  # having read the warning
    assert Delegation.objects.get(pk=trip.pk).summary == "Typed in tab B."
    assert (
        Version.objects.get_for_object(trip)
        .filter(serialized_data__contains="Saved first, in tab A.")
        .exists()
    )
    assert page_problems == []


def test_a_photo_chosen_in_a_save_that_fails_must_be_chosen_again(
    page, live_server, editor, tmp_path, page_problems
):
    log_in_to_admin(page, live_server)
    trip = open_trip(page, live_server)
    page.locator("#id_end_date").fill("2013-09-01")  # before the start: the save fails
    page.get_by_text("Add another Photo").click()
    new_photo = page.locator("#photos-1")
    new_photo.locator("input[type=file]").set_input_files(picture_file(tmp_path))
    new_photo.get_by_label("Caption:").fill("Delegates in Lisbon")
    new_photo.get_by_label("Alt text:").fill("Twelve delegates outside a school")
    save(page)

    note = page.locator("#photos-1 .chosen-file")
    assert "You chose “group.png”" in note.inner_text()
    assert not Photo.objects.filter(caption="Delegates in Lisbon").exists()

    page.locator("#id_end_date").fill("2013-10-31")
    save(page)
    assert "Choose “group.png” again" in page.locator("#photos-1").inner_text()
    assert not Photo.objects.filter(caption="Delegates in Lisbon").exists()

    page.locator("#photos-1 input[type=file]").set_input_files(picture_file(tmp_path))
    save(page)
    photo = Photo.objects.get(caption="Delegates in Lisbon")
    assert photo.image and photo.delegation == trip
    assert page_problems == []


def test_leaving_a_page_with_unsaved_changes_asks_first(page, live_server, editor):
    log_in_to_admin(page, live_server)
    open_trip(page, live_server)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    page.locator("#id_summary").press_sequentially("A change not saved yet.")
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)

    assert dialogs == ["beforeunload"]


def test_a_page_without_changes_is_left_without_a_question(page, live_server, editor):
    log_in_to_admin(page, live_server)
    open_trip(page, live_server)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="History").first.click()
    page.wait_for_url("**/history/")
    assert dialogs == []


def test_dates_without_a_time_have_no_time_zone_note(browser, live_server, editor):
    # A browser in another time zone than the site's, where Django's admin adds its note.
    context = browser.new_context(timezone_id="Europe/Paris")
    page = context.new_page()
    log_in_to_admin(page, live_server)
    open_trip(page, live_server)
    notes = page.locator(".field-start_date .timezonewarning")
    assert notes.count() >= 1  # Django's admin added it...
    assert not any(note.is_visible() for note in notes.all())  # ...and it is not shown
    context.close()


def admin_pages(live_server):
    """The admin pages the site changes, as {name: path}."""
    trip = Delegation.objects.get(slug="portugal-2013")
    irene = Person.objects.get(email="ispero@cosn.org")
    version = Version.objects.get_for_object(trip).first()
    change, _ = Wording.objects.get_or_create(key="landing.join_us", text="Come with us:")
    photo = stored_photo(trip)
    return {
        "index": admin_url(Delegation, "changelist").rsplit("delegations/", 1)[0],
        "change form": admin_url(Delegation, "change", trip.pk),
        "history": admin_url(Delegation, "history", trip.pk),
        "compare": admin_url(Delegation, "compare", trip.pk)
        + f"?older={version.pk}&newer={version.pk}",
        "restore a version": admin_url(Delegation, "revision", trip.pk, version.pk),
        "delete refused": admin_url(Person, "delete", irene.pk),
        "delete": admin_url(Delegation, "delete", trip.pk),
        "wording": admin_url(Wording, "changelist"),
        "wording, add a change": admin_url(Wording, "add") + "?key=privacy.questions.text",
        "wording, a change": admin_url(Wording, "change", change.pk),
        "wording, reset": admin_url(Wording, "delete", change.pk),
        "two-factor set-up": reverse("admin:two_factor"),
        "sign-in policy": admin_url(SignInPolicy, "changelist"),
        "users, with two-factor": admin_url(User, "changelist"),
        "add several photos": admin_url(Delegation, "add_photos", trip.pk),
        "a photo, with its focal point": admin_url(Photo, "change", photo.pk),
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_admin_pages_the_site_changes_have_no_axe_violations(
    scheme_page, live_server, editor, axe_source, scheme
):
    page = scheme_page(scheme)
    log_in_to_admin(page, live_server)
    found = {}
    for name, path in admin_pages(live_server).items():
        page.goto(live_server.url + path)
        violations = axe_violations(page, axe_source)
        if violations:
            found[name] = violations
    assert found == {}, "\n".join(f"{name}: {v}" for name, vs in found.items() for v in vs)


def app_code(key):
    """The code an authenticator app shows now for `key`, as the set-up page shows it."""
    return f"{totp(base64.b32decode(key.replace(' ', ''))):06d}"


def set_up_two_factor(page):
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert page.get_by_role("img", name="QR code of the key").is_visible()
    key = page.locator(".two-factor-key").inner_text()
    code = app_code(key)
    page.get_by_role("textbox", name="Code").fill(code)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    return key, code


def test_an_editor_sets_up_two_factor_sign_in_and_logs_in_with_a_code(
    page, live_server, editor, page_problems
):
    log_in_to_admin(page, live_server)
    key, used_code = set_up_two_factor(page)
    codes = page.locator(".recovery-code-list li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", c) for c in codes)
    device = TOTPDevice.objects.get(user=editor)
    assert device.confirmed
    # The key shown is the device's, as the test may read it from the database too.
    assert base64.b32decode(key.replace(" ", "")) == device.bin_key
    page.get_by_role("link", name="I have kept them: continue").click()
    page.get_by_role("button", name="Log out").click()

    page.goto(live_server.url + admin_url(Delegation, "changelist"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Two-factor sign-in").wait_for()
    # The code just used is refused; the app's next one is taken.
    page.get_by_role("textbox", name="Code").fill(used_code)
    page.get_by_role("button", name="Log in").click()
    assert "has been used already" in page.locator(".errorlist").inner_text()
    page.wait_for_timeout(1100)  # django-otp's pause after a wrong code
    page.get_by_role("textbox", name="Code").fill(f"{totp(device.bin_key, drift=1):06d}")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/delegations/delegation/")
    assert page.get_by_role("heading", level=1).inner_text() == "Select delegation to change"
    assert page_problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_two_factor_pages_have_no_axe_violations(
    scheme_page, live_server, editor, axe_source, scheme
):
    page = scheme_page(scheme)
    SignInPolicy.objects.create(require_two_factor=True)
    found = {}

    def check(name):
        if violations := axe_violations(page, axe_source):
            found[name] = violations

    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Set up two-factor sign-in", level=1).wait_for()
    check("required set-up")
    page.get_by_role("textbox", name="Code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.locator(".errorlist").wait_for()
    check("required set-up, wrong code")
    page.wait_for_timeout(1100)
    page.get_by_role("textbox", name="Code").fill(
        app_code(page.locator(".two-factor-key").inner_text())
    )
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    check("recovery codes")
    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Two-factor sign-in").wait_for()
    check("code")
    page.get_by_role("textbox", name="Code").fill("000000")
    page.get_by_role("button", name="Log in").click()
    page.locator(".errorlist").wait_for()
    check("code, wrong")
    assert found == {}, "\n".join(f"{name}: {v}" for name, vs in found.items() for v in vs)
