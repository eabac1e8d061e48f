"""The symposium admin: every page renders, partners and resources save with their
edition, and one edition per year is enforced in plain words."""

from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.dates import DatePrecision
from core.models import Organisation
from symposium.models import Resource, Symposium, SymposiumPartner
from symposium.tests import factories
from tests.helpers import admin_url, assert_rejected, database_snapshot, management_form

# --- Helpers -------------------------------------------------------------------------


def symposium_post_data(**overrides):
    """A valid add-page POST for a symposium without partners or resources."""
    data = {
        "year": "2027",
        "title": "CoSN International Symposium",
        "theme": "Learning Everywhere",
        "is_published": "on",
        "date_precision": DatePrecision.DAY,
        "start_date": "2027-04-12",
        "end_date": "2027-04-12",
        "location": "CoSN’s Annual Conference",
        "time_zone": "America/New_York",
        "description": "<p>Hello</p>",
        **management_form("partners"),
        **management_form("sessions"),
        **management_form("resources"),
        "_save": "Save",
    }
    data.update(overrides)
    return data


def partner_inline_data(index, organisation, role="partner"):
    return {
        f"partners-{index}-organisation": str(organisation.pk),
        f"partners-{index}-role": role,
        f"partners-{index}-order": str(index),
    }


def resource_inline_data(index=0, **overrides):
    prefix = f"resources-{index}"
    data = {
        f"{prefix}-kind": Resource.Kind.SLIDES,
        f"{prefix}-title": "Opening keynote slides",
        f"{prefix}-url": "https://example.org/keynote.pdf",
        f"{prefix}-order": str(index),
    }
    data.update({f"{prefix}-{name}": value for name, value in overrides.items()})
    return data


# --- 1. Every registered admin page renders ------------------------------------------


def test_symposium_change_page_shows_its_partners_and_resources(staff_client):
    symposium = factories.SymposiumFactory()
    partner = factories.SymposiumPartnerFactory(symposium=symposium, organisation__name="UNESCO")
    resource = factories.ResourceFactory(symposium=symposium, title="Opening keynote slides")

    response = staff_client.get(admin_url(Symposium, "change", symposium.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert f'value="{partner.pk}"' in content
    assert "UNESCO" in content
    assert 'value="Opening keynote slides"' in content
    assert f'value="{resource.pk}"' in content


def test_symposium_changelist_search_finds_title_and_theme(seeded, staff_client):
    factories.SymposiumFactory(year=2027, title="Future Symposium", theme="Learning Everywhere")
    url = admin_url(Symposium, "changelist")

    def years(query):
        response = staff_client.get(url, {"q": query})
        assert response.status_code == 200
        return {symposium.year for symposium in response.context["cl"].result_list}

    assert years("Connected Learning") == {2014}
    assert years("Everywhere") == {2027}
    assert years("Symposium") == {2014, 2027}
    assert years("no such edition") == set()


def test_symposium_changelist_filters_by_published(seeded, staff_client):
    factories.SymposiumFactory(year=2027, is_published=False)
    url = admin_url(Symposium, "changelist")

    drafts = staff_client.get(url, {"is_published__exact": "0"})
    published = staff_client.get(url, {"is_published__exact": "1"})

    assert [s.year for s in drafts.context["cl"].result_list] == [2027]
    assert [s.year for s in published.context["cl"].result_list] == [2014]


# --- 2. Adding an edition with its partners and resources in one save ----------------


def test_symposium_add_saves_partners_and_resources_in_one_save(staff_client):
    unesco = factories.OrganisationFactory(name="UNESCO")
    iste = factories.OrganisationFactory(name="ISTE")
    data = symposium_post_data(
        **management_form("partners", total=2),
        **partner_inline_data(0, unesco, role="host"),
        **partner_inline_data(1, iste),
        **management_form("resources", total=1),
        **resource_inline_data(),
    )

    response = staff_client.post(admin_url(Symposium, "add"), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert response.url == admin_url(Symposium, "changelist")
    symposium = Symposium.objects.get(year=2027)
    assert symposium.title == "CoSN International Symposium"
    assert symposium.theme == "Learning Everywhere"
    assert symposium.description == "<p>Hello</p>"
    assert symposium.dates_display == "April 12, 2027"
    assert [(p.organisation, p.role) for p in symposium.partners.all()] == [
        (unesco, "host"),
        (iste, "partner"),
    ]
    [resource] = symposium.resources.all()
    assert resource.symposium == symposium
    assert (resource.title, resource.url) == (
        "Opening keynote slides",
        "https://example.org/keynote.pdf",
    )


def test_symposium_description_saved_through_the_admin_is_sanitised(staff_client):
    data = symposium_post_data(description="<p>Hi<script>alert(1)</script></p>")

    response = staff_client.post(admin_url(Symposium, "add"), data)

    assert response.status_code == 302
    description = Symposium.objects.get(year=2027).description
    assert "<script" not in description
    assert description == "<p>Hi</p>"


def test_symposium_with_only_its_year_known_is_saved_without_dates(staff_client):
    data = symposium_post_data(
        date_precision=DatePrecision.UNKNOWN, start_date="2027-04-12", end_date=""
    )

    response = staff_client.post(admin_url(Symposium, "add"), data)

    assert response.status_code == 302
    symposium = Symposium.objects.get(year=2027)
    assert (symposium.start_date, symposium.end_date) == (None, None)
    assert symposium.when == "2027"


# --- 3. Plain-worded validation messages; nothing saved ------------------------------


def test_second_symposium_for_a_year_is_refused_in_plain_words(seeded, staff_client):
    before = database_snapshot()
    data = symposium_post_data(
        year="2014",
        start_date="2014-04-12",
        end_date="2014-04-12",
        **management_form("partners", total=1),
        **partner_inline_data(0, Organisation.objects.get(name="UNESCO")),
        **management_form("resources", total=1),
        **resource_inline_data(),
    )

    response = staff_client.post(admin_url(Symposium, "add"), data)

    assert_rejected(response, "There is already a symposium for this year.")
    assert database_snapshot() == before


def test_changing_a_symposium_to_a_taken_year_is_refused(staff_client):
    factories.SymposiumFactory(year=2014)
    other = factories.SymposiumFactory(year=2015, date_precision=DatePrecision.UNKNOWN)
    before = database_snapshot()
    data = symposium_post_data(
        year="2014", date_precision=DatePrecision.UNKNOWN, start_date="", end_date=""
    )

    response = staff_client.post(admin_url(Symposium, "change", other.pk), data)

    assert_rejected(response, "There is already a symposium for this year.")
    assert database_snapshot() == before


def test_symposium_end_before_start_is_refused_in_plain_words(staff_client):
    before = database_snapshot()
    data = symposium_post_data(start_date="2027-04-12", end_date="2027-04-10")

    response = staff_client.post(admin_url(Symposium, "add"), data)

    assert_rejected(response, "The end date cannot be before the start date.")
    assert database_snapshot() == before


def test_symposium_dates_outside_its_year_are_refused(staff_client):
    before = database_snapshot()
    data = symposium_post_data(start_date="2026-04-12", end_date="2026-04-12")

    response = staff_client.post(admin_url(Symposium, "add"), data)

    assert_rejected(response, "The dates must fall in 2027.")
    assert database_snapshot() == before


def test_resource_inline_without_file_or_link_is_refused(staff_client):
    before = database_snapshot()
    data = symposium_post_data(
        **management_form("resources", total=1),
        **resource_inline_data(url=""),
    )

    response = staff_client.post(admin_url(Symposium, "add"), data)

    assert_rejected(response, "Upload a file or give a link.")
    assert database_snapshot() == before


def test_same_organisation_twice_as_partner_is_refused(staff_client):
    unesco = factories.OrganisationFactory(name="UNESCO")
    before = database_snapshot()
    data = symposium_post_data(
        **management_form("partners", total=2),
        **partner_inline_data(0, unesco),
        **partner_inline_data(1, unesco, role="sponsor"),
    )

    response = staff_client.post(admin_url(Symposium, "add"), data)

    assert response.status_code == 200
    assert response.context["errors"]
    assert database_snapshot() == before


def test_adding_an_existing_partner_again_on_the_change_page_is_refused(staff_client):
    partner = factories.SymposiumPartnerFactory(organisation__name="UNESCO")
    symposium = partner.symposium
    before = database_snapshot()
    data = symposium_post_data(
        year=str(symposium.year),
        date_precision=DatePrecision.UNKNOWN,
        start_date="",
        end_date="",
        **management_form("partners", total=2, initial=1),
        **{
            "partners-0-id": str(partner.pk),
            "partners-0-symposium": str(symposium.pk),
            **partner_inline_data(0, partner.organisation),
            **partner_inline_data(1, partner.organisation, role="sponsor"),
        },
    )

    response = staff_client.post(admin_url(Symposium, "change", symposium.pk), data)

    assert response.status_code == 200
    assert response.context["errors"]
    assert database_snapshot() == before
    assert SymposiumPartner.objects.filter(symposium=symposium).count() == 1


# --- View on site --------------------------------------------------------------------


def test_symposium_change_page_links_to_its_public_page(staff_client):
    symposium = factories.SymposiumFactory(year=2014)
    content_type = ContentType.objects.get_for_model(Symposium)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, symposium.pk])

    response = staff_client.get(admin_url(Symposium, "change", symposium.pk))

    assert f'<a href="{view_on_site}" class="viewsitelink">View on site</a>' in (
        response.content.decode()
    )
    redirect = staff_client.get(view_on_site)
    assert redirect.status_code == 302
    assert urlsplit(redirect.url).path == symposium.get_absolute_url()
