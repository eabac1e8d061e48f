"""Content history: every admin change is a version editors can read, compare and restore,
including a deleted trip with its reports and photos; things in use can't be deleted."""

import html

import pytest
import reversion
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Revision, Version

from core.tests.factories import OrganisationFactory, PersonFactory, SectionFactory
from delegations.models import Delegation, Photo, Report
from delegations.tests.factories import CountryFactory, DelegationFactory
from tests.helpers import (
    admin_url,
    delegation_post_data,
    form_data,
    management_form,
    photo_inline_data,
    report_inline_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip(staff_client):
    """A trip created through the admin with a report and a photo, as an editor would."""
    data = delegation_post_data(
        CountryFactory(name="Portugal"),
        title="Portugal",
        **management_form("reports", total=1),
        **report_inline_data(),
        **management_form("photos", total=1),
        **photo_inline_data(),
    )
    assert staff_client.post(admin_url(Delegation, "add"), data).status_code == 302
    return Delegation.objects.get(slug="lisbon-2027")


def change_title(staff_client, trip, title):
    page = staff_client.get(admin_url(Delegation, "change", trip.pk))
    data = form_data(page)
    data["title"] = title
    response = staff_client.post(admin_url(Delegation, "change", trip.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_every_admin_save_is_a_version_with_its_author(staff_client, trip, admin_user):
    change_title(staff_client, trip, "Portugal and Madeira")
    versions = Version.objects.get_for_object(trip)
    assert versions.count() == 2
    assert {v.revision.user for v in versions} == {admin_user}
    history = staff_client.get(admin_url(Delegation, "history", trip.pk)).content.decode()
    assert admin_user.username in history
    assert "Compare selected versions" in history
    # The report and photo saved in the same form are part of the same revision.
    first = versions.last().revision
    assert {v.content_type.model for v in first.version_set.all()} >= {
        "delegation",
        "report",
        "photo",
    }


def test_editors_can_compare_two_versions(staff_client, trip):
    change_title(staff_client, trip, "Portugal and Madeira")
    newer, older = Version.objects.get_for_object(trip)
    url = admin_url(Delegation, "compare", trip.pk)
    page = staff_client.get(url, {"older": older.pk, "newer": newer.pk}).content.decode()
    assert "Title" in page
    assert "Portugal" in page and "Portugal and Madeira" in page
    assert "<ins>and Madeira</ins>" in page


def test_comparing_versions_needs_permission_to_see_the_object(staff_client, client, trip):
    change_title(staff_client, trip, "Portugal and Madeira")
    newer, older = Version.objects.get_for_object(trip)
    url = admin_url(Delegation, "compare", trip.pk)
    query = {"older": older.pk, "newer": newer.pk}
    # Staff, so the admin lets them in, but with no permission on trips.
    client.force_login(User.objects.create_user("intern", is_staff=True))
    assert client.get(url, query).status_code == 403
    client.force_login(User.objects.create_user("reader", is_staff=True))
    User.objects.get(username="reader").user_permissions.add(
        Permission.objects.get(codename="view_delegation")
    )
    assert client.get(url, query).status_code == 200


def test_comparing_versions_of_another_object_is_a_404(staff_client, trip):
    other = DelegationFactory()
    version = Version.objects.get_for_object(trip).first()
    url = admin_url(Delegation, "compare", other.pk)
    assert staff_client.get(url, {"older": version.pk, "newer": version.pk}).status_code == 404
    assert staff_client.get(url, {"older": "x"}).status_code == 404


def test_an_earlier_version_can_be_restored(staff_client, trip):
    change_title(staff_client, trip, "Portugal and Madeira")
    original = Version.objects.get_for_object(trip).last()
    url = admin_url(Delegation, "revision", trip.pk, original.pk)
    page = staff_client.get(url)
    assert page.status_code == 200
    assert (
        Delegation.objects.get(pk=trip.pk).title == "Portugal and Madeira"
    )  # a look changes nothing
    assert staff_client.post(url, form_data(page)).status_code == 302
    assert Delegation.objects.get(pk=trip.pk).title == "Portugal"


def test_a_deleted_trip_comes_back_with_its_reports_and_photos(staff_client, trip):
    report, photo = trip.reports.get(), trip.photos.get()
    delete = staff_client.post(admin_url(Delegation, "delete", trip.pk), {"post": "yes"})
    assert delete.status_code == 302
    assert not Delegation.objects.filter(pk=trip.pk).exists()
    assert not Report.objects.filter(pk=report.pk).exists()

    recover_list = staff_client.get(admin_url(Delegation, "recoverlist"))
    assert "Portugal" in recover_list.content.decode()
    version = Version.objects.get_deleted(Delegation).get(object_id=str(trip.pk))
    url = admin_url(Delegation, "recover", version.pk)
    page = staff_client.get(url)
    assert page.status_code == 200
    assert staff_client.post(url, form_data(page)).status_code == 302

    restored = Delegation.objects.get(pk=trip.pk)
    assert restored.title == "Portugal"
    assert restored.reports.get().pk == report.pk
    assert restored.photos.get().caption == photo.caption
    assert Photo.objects.filter(pk=photo.pk).exists()


class TestThingsInUseCannotBeDeleted:
    def assert_protected(self, client, obj, user):
        """The delete page says what still uses `obj`, with a link to it, and no more."""
        url = admin_url(type(obj), "delete", obj.pk)
        page = client.get(url).content.decode()
        assert "cannot be deleted: 1 record still uses it." in page
        assert f'<a href="{admin_url(type(user), "change", user.pk)}">' in page
        assert "Nothing has been deleted." in page
        assert "would require deleting" not in page and "permission" not in page
        client.post(url, {"post": "yes"})
        assert type(obj).objects.filter(pk=obj.pk).exists()
        return page

    def test_a_contact_of_a_trip(self, staff_client):
        trip = DelegationFactory(title="Finland")
        contact = PersonFactory()
        trip.contacts.add(contact)
        page = self.assert_protected(staff_client, contact, trip)
        assert f"Delegation “{trip}”" in page

    def test_a_country_of_a_destination_names_and_links_the_trip(self, staff_client):
        trip = DelegationFactory(title="Uruguay trip", destinations=["Uruguay"])
        page = self.assert_protected(staff_client, CountryFactory(name="Uruguay"), trip)
        assert "Destination “Uruguay” of delegation “Uruguay trip" in page

    def test_an_organisation_that_sponsors_a_trip(self, staff_client):
        from delegations.tests.factories import DelegationPartnerFactory

        organisation = OrganisationFactory(name="UNESCO")
        partner = DelegationPartnerFactory(organisation=organisation, delegation__title="Paris")
        self.assert_protected(staff_client, organisation, partner.delegation)

    def test_the_sections_contact_is_refused_for_the_real_reason_even_to_a_superuser(
        self, admin_client
    ):
        contact = PersonFactory()
        section = SectionFactory(contact=contact)
        self.assert_protected(admin_client, contact, section)

    def test_an_unused_contact_can_be_deleted(self, staff_client):
        contact = PersonFactory()
        staff_client.post(admin_url(type(contact), "delete", contact.pk), {"post": "yes"})
        assert not type(contact).objects.filter(pk=contact.pk).exists()

    def test_bulk_delete_is_refused_too(self, staff_client):
        trip = DelegationFactory(title="Finland")
        contact = PersonFactory()
        trip.contacts.add(contact)
        staff_client.post(
            admin_url(type(contact), "changelist"),
            {"action": "delete_selected", "_selected_action": [contact.pk], "post": "yes"},
        )
        assert type(contact).objects.filter(pk=contact.pk).exists()


def history_rows(staff_client, trip):
    response = staff_client.get(admin_url(Delegation, "history", trip.pk))
    return [(action["number"], action["changes"]) for action in response.context["action_list"]]


def test_each_history_row_has_a_number_the_time_to_the_second_and_what_changed(staff_client, trip):
    page = staff_client.get(admin_url(Delegation, "change", trip.pk))
    data = form_data(page)
    data.update(
        {
            "title": "Portugal and Madeira",
            "summary": "Two weeks in Lisbon and Funchal.",
            "reports-0-DELETE": "on",
            **management_form("photos", total=2, initial=1),
            **photo_inline_data(1, caption="Funchal harbour"),
        }
    )
    assert staff_client.post(admin_url(Delegation, "change", trip.pk), data).status_code == 302

    (newest, changes), (oldest, first) = history_rows(staff_client, trip)
    assert newest == 2
    assert changes == [
        "Changed Title, Summary.",
        "Added photo “Funchal harbour”.",
        "Removed report “Lisbon Schools Report”.",
    ]
    assert oldest == 1
    assert first[0] == "First version."
    page = staff_client.get(admin_url(Delegation, "history", trip.pk)).content.decode()
    saved = Version.objects.get_for_object(trip).first().revision.date_created
    assert timezone.localtime(saved).strftime("%H:%M:%S") in page


@pytest.mark.usefixtures("seeded")
def test_records_loaded_before_history_began_get_a_first_version_an_edit_can_go_back_to(
    staff_client, client
):
    # As on a site whose content was loaded before loading kept history.
    Revision.objects.all().delete()
    call_command("migrate", verbosity=0)  # what every deployment runs
    for model in reversion.get_registered_models():
        for obj in model.objects.all():
            assert Version.objects.get_for_object(obj).exists(), obj

    singapore = Delegation.objects.get(slug="singapore-2015")
    seed_summary = singapore.summary
    page = staff_client.get(admin_url(Delegation, "change", singapore.pk))
    data = form_data(page)
    data["summary"] = "An editor's first change."
    assert staff_client.post(admin_url(Delegation, "change", singapore.pk), data).status_code == 302
    assert "An editor's first change." in client.get(singapore.get_absolute_url()).content.decode()

    first = Version.objects.get_for_object(singapore).last()
    url = admin_url(Delegation, "revision", singapore.pk, first.pk)
    assert staff_client.post(url, form_data(staff_client.get(url))).status_code == 302
    public = client.get(singapore.get_absolute_url()).content.decode()
    assert "An editor's first change." not in public
    assert html.escape(seed_summary, quote=False) in public


def test_compare_restore_and_recover_pages_have_the_admins_breadcrumbs(staff_client, trip):
    change_title(staff_client, trip, "Portugal and Madeira")
    newer, older = Version.objects.get_for_object(trip)
    for url in (
        admin_url(Delegation, "compare", trip.pk) + f"?older={older.pk}&newer={newer.pk}",
        admin_url(Delegation, "revision", trip.pk, older.pk),
        admin_url(Delegation, "recoverlist"),
    ):
        page = staff_client.get(url).content.decode()
        assert '<ol class="breadcrumbs">' in page, url
        assert '<div class="breadcrumbs">' not in page, url
    compare = staff_client.get(
        admin_url(Delegation, "compare", trip.pk), {"older": older.pk, "newer": newer.pk}
    ).content.decode()
    saved = timezone.localtime(newer.revision.date_created).strftime("%H:%M:%S")
    assert saved in compare
