"""The admin of what both content apps share: section copy keeps one record per page."""

from core.models import Section
from core.tests import factories
from tests.helpers import admin_url, database_snapshot


def test_section_cannot_be_deleted_through_the_admin(staff_client):
    section = factories.SectionFactory()

    get = staff_client.get(admin_url(Section, "delete", section.pk))
    post = staff_client.post(admin_url(Section, "delete", section.pk), {"post": "yes"})

    assert get.status_code == 403
    assert post.status_code == 403
    assert Section.objects.filter(pk=section.pk).exists()


def test_section_changelist_offers_no_bulk_delete(staff_client):
    section = factories.SectionFactory()

    response = staff_client.post(
        admin_url(Section, "changelist"),
        {"action": "delete_selected", "_selected_action": [section.pk], "post": "yes"},
    )

    assert Section.objects.filter(pk=section.pk).exists()
    assert response.status_code in (200, 302)


def test_section_can_be_added_while_a_key_is_missing(staff_client):
    factories.SectionFactory(key=Section.Key.DELEGATIONS)
    factories.SectionFactory(key=Section.Key.SYMPOSIUM, heading="International Symposium")

    assert staff_client.get(admin_url(Section, "add")).status_code == 200


def test_section_add_is_forbidden_once_every_key_exists(staff_client):
    for key in Section.Key:
        factories.SectionFactory(key=key, heading=key.label)
    before = database_snapshot()

    get = staff_client.get(admin_url(Section, "add"))
    post = staff_client.post(
        admin_url(Section, "add"),
        {"key": Section.Key.DELEGATIONS, "heading": "Another", "intro": "", "_save": "Save"},
    )

    assert get.status_code == 403
    assert post.status_code == 403
    assert database_snapshot() == before


def test_section_add_is_forbidden_with_the_seed_content(seeded, staff_client):
    assert Section.objects.count() == len(Section.Key)

    assert staff_client.get(admin_url(Section, "add")).status_code == 403
