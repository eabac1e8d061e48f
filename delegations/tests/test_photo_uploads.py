"""Several photos uploaded to a trip at once, each checked as a single photo is; and a
photo's focal point, set on its admin page and used for the crops of cards and link
previews."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Version

from delegations.models import Photo
from delegations.photo_uploads import caption_for
from delegations.tests.factories import DelegationFactory, PhotoFactory
from tests.helpers import admin_url, jpeg

pytestmark = pytest.mark.django_db


def add_photos_url(trip):
    return reverse("admin:delegations_delegation_add_photos", args=[trip.pk])


def upload(client, trip, files, alt_text="Delegates visiting a school", **extra):
    return client.post(
        add_photos_url(trip), {"files": files, "alt_text": alt_text, **extra}, follow=True
    )


def said(response):
    return [str(message) for message in response.context["messages"]]


def test_good_files_are_saved_and_each_bad_one_is_named_with_its_reason(staff_client, settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 2_000_000
    trip = DelegationFactory()
    PhotoFactory(delegation=trip, order=4)
    files = [
        jpeg(name="lisbon_school-visit.jpg"),
        SimpleUploadedFile("notes.txt", b"not a picture", content_type="text/plain"),
        jpeg(size=(2000, 1500), name="huge.jpg"),  # 3 megapixels
        SimpleUploadedFile("fake.jpg", b"GIF89a not really", content_type="image/jpeg"),
        jpeg(size=(900, 600), name="IMG_2041.JPG"),
    ]

    response = upload(staff_client, trip, files, credit="A. Photographer")

    added = list(trip.photos.filter(order__gt=4))
    assert [photo.caption for photo in added] == ["Lisbon school visit", "IMG 2041"]
    assert [photo.order for photo in added] == [5, 6]
    for photo in added:
        assert photo.image and photo.thumbnail and photo.link_preview
        assert (photo.alt_text, photo.credit) == ("Delegates visiting a school", "A. Photographer")
        assert (photo.focal_x, photo.focal_y) == (50, 50)
        assert Version.objects.get_for_object(photo).count() == 1
    messages = said(response)
    assert messages[0].startswith("Added 2 photos to")
    assert "Not added: “notes.txt” cannot be uploaded here." in messages[1]
    assert "“huge.jpg” is 2000 × 1500 pixels (3 megapixels)" in messages[2]
    assert messages[2].startswith("Not added:")
    assert "fake.jpg" in messages[3] and messages[3].startswith("Not added:")
    assert len(messages) == 4
    # Back on the upload page, to try the refused files again.
    assert response.redirect_chain[-1][0] == add_photos_url(trip)


def test_when_every_file_is_good_the_editor_goes_back_to_the_trip(staff_client):
    trip = DelegationFactory()
    response = upload(staff_client, trip, [jpeg(name="a.jpg"), jpeg(name="b.jpg")])
    assert response.redirect_chain[-1][0] == admin_url(type(trip), "change", trip.pk) + (
        "#photos-group"
    )
    assert trip.photos.count() == 2
    assert said(response) == [
        f"Added 2 photos to “{trip.title}”, captioned with their files' names: edit the "
        "captions below."
    ]


def test_without_files_or_a_description_nothing_is_saved_and_the_form_says_why(staff_client):
    trip = DelegationFactory()
    response = staff_client.post(add_photos_url(trip), {"alt_text": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"files", "alt_text"}
    response = staff_client.post(add_photos_url(trip), {"files": [jpeg()], "alt_text": ""})
    assert "alt_text" in response.context["form"].errors
    assert not Photo.objects.exists()


def test_the_trips_page_links_to_the_upload_page(staff_client):
    trip = DelegationFactory()
    page = staff_client.get(admin_url(type(trip), "change", trip.pk)).content.decode()
    assert f'<a href="{add_photos_url(trip)}">Add several photos</a>' in page
    page = staff_client.get(add_photos_url(trip)).content.decode()
    assert 'type="file" name="files"' in page and "multiple" in page


def test_only_those_who_may_add_photos_to_the_trip_see_the_page(client):
    trip = DelegationFactory()
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename="change_delegation"))
    client.force_login(editor)
    assert client.get(add_photos_url(trip)).status_code == 403
    page = client.get(admin_url(type(trip), "change", trip.pk)).content.decode()
    assert "Add several photos" not in page

    editor.user_permissions.add(*Permission.objects.filter(codename="add_photo"))
    assert client.get(add_photos_url(trip)).status_code == 200


def test_an_unknown_trip_is_a_404(staff_client):
    url = reverse("admin:delegations_delegation_add_photos", args=[987654])
    assert staff_client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "caption"),
    [
        ("lisbon_school-visit.jpg", "Lisbon school visit"),
        ("DSC.0042.jpeg", "DSC 0042"),
        ("___.png", "Photo"),
        ("a" * 300 + ".jpg", "A" + "a" * 249),
    ],
)
def test_a_caption_is_made_of_the_files_name(name, caption):
    assert caption_for(name) == caption


# --- The focal point ----------------------------------------------------------------


def photo_post(photo, **overrides):
    return {
        "delegation": str(photo.delegation_id),
        "caption": photo.caption,
        "alt_text": photo.alt_text,
        "credit": "",
        "order": "0",
        "focal_x": "50",
        "focal_y": "50",
        "_save": "Save",
        **overrides,
    }


def test_the_photos_page_offers_its_picture_to_click_and_the_numbers(staff_client):
    photo = PhotoFactory(image=jpeg(), alt_text="Delegates")
    page = staff_client.get(admin_url(Photo, "change", photo.pk)).content.decode()
    assert '<div class="focal-picker" data-focal-x="id_focal_x" data-focal-y="id_focal_y">' in page
    assert f'<img src="{photo.image.url}" alt="Delegates" width="1200" height="800">' in page
    assert 'src="/static/js/admin-focal-point.js"' in page
    assert 'name="focal_x" value="50"' in page and 'name="focal_y" value="50"' in page


def test_a_photo_without_its_picture_says_to_save_one_first(staff_client):
    photo = PhotoFactory(image="")
    page = staff_client.get(admin_url(Photo, "change", photo.pk)).content.decode()
    assert "Save a picture first" in page and "focal-picker" not in page


def test_a_focal_point_saved_in_numbers_remakes_the_crops(staff_client):
    photo = PhotoFactory(image=jpeg(), alt_text="Delegates")
    thumbnail = photo.thumbnail.name
    response = staff_client.post(
        admin_url(Photo, "change", photo.pk), photo_post(photo, focal_x="80", focal_y="10")
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (80, 10)
    assert photo.thumbnail.name != thumbnail and "-80-10" in photo.thumbnail.name


@pytest.mark.parametrize("value", ["101", "-1", "half"])
def test_a_focal_point_outside_the_picture_is_refused(staff_client, value):
    photo = PhotoFactory(image=jpeg(), alt_text="Delegates")
    response = staff_client.post(
        admin_url(Photo, "change", photo.pk), photo_post(photo, focal_x=value)
    )
    assert response.status_code == 200
    assert "focal_x" in response.context["adminform"].form.errors
    photo.refresh_from_db()
    assert photo.focal_x == 50


def test_a_trip_without_a_hero_photo_is_previewed_with_its_first_photo(client):
    trip = DelegationFactory()
    PhotoFactory(delegation=trip, image="", order=0)
    photo = PhotoFactory(delegation=trip, image=jpeg(), alt_text="Delegates", order=1)
    page = client.get(trip.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="http://testserver{photo.link_preview.url}">' in (
        page
    )
    assert '<meta property="og:image:height" content="630">' in page
