"""The Global Leadership admin: every page renders, inlines save in one go, and editors
get plain-worded messages instead of half-saved records."""

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.dates import DatePrecision
from core.tests.factories import PersonFactory
from delegations.models import Country, Delegation, Inquiry, Photo, Report
from delegations.tests import factories
from tests.helpers import (
    admin_url,
    assert_rejected,
    database_snapshot,
    delegation_post_data,
    management_form,
    photo_inline_data,
    report_inline_data,
    stored_files,
    tiny_png,
)

NEW_YORK = ZoneInfo("America/New_York")


# --- Helpers -------------------------------------------------------------------------


def changelist_titles(response):
    assert response.status_code == 200
    return {delegation.title for delegation in response.context["cl"].result_list}


SEEDED_TITLES = {
    "Singapore",
    "Portugal",
    "South America (Argentina & Uruguay)",
    "London and Paris",
    "Scotland and the Netherlands",
    "Scandinavia",
    "Australia",
}


# --- 1. Every registered admin page renders ------------------------------------------


def test_delegation_admin_pages_render_with_the_seed_content(seeded, staff_client):
    delegation = Delegation.objects.get(slug="portugal-2013")  # has a report and a photo

    assert staff_client.get(admin_url(Delegation, "changelist")).status_code == 200
    assert staff_client.get(admin_url(Delegation, "change", delegation.pk)).status_code == 200


# --- 1b. Delegation changelist: search and filters -----------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Singapore", {"Singapore"}),  # title
        ("ministries", {"Lisbon draft"}),  # summary
        ("Scandinavia", {"Scandinavia"}),  # place without a country
        ("Paris", {"London and Paris"}),  # place
        ("United Kingdom", {"London and Paris", "Scotland and the Netherlands"}),  # country
        ("no such trip", set()),
    ],
)
def test_delegation_changelist_search_finds_titles_summaries_places_and_countries(
    seeded, staff_client, query, expected
):
    factories.DelegationFactory(title="Lisbon draft", summary="Visits to ministries.")

    response = staff_client.get(admin_url(Delegation, "changelist"), {"q": query})

    assert changelist_titles(response) == expected
    # A trip matching through two destinations is listed once.
    assert response.context["cl"].result_count == len(expected)


def test_a_posts_trip_is_found_by_the_autocomplete_newest_first(seeded, staff_client):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "delegations",
            "model_name": "dispatch",
            "field_name": "delegation",
        },
    )

    assert response.status_code == 200
    found = [result["text"] for result in response.json()["results"]]
    assert found == [str(trip) for trip in Delegation.objects.all()]
    assert len(found) > 1


@pytest.mark.parametrize(
    ("today", "status", "expected"),
    [
        (datetime.date(2015, 1, 1), "upcoming", {"Singapore"}),
        (datetime.date(2015, 1, 1), "past", SEEDED_TITLES - {"Singapore"}),
        # Under way on its last day: still upcoming.
        (datetime.date(2015, 1, 17), "upcoming", {"Singapore"}),
        (datetime.date(2015, 1, 18), "upcoming", set()),
        (datetime.date(2026, 11, 29), "upcoming", set()),
        (datetime.date(2026, 11, 29), "past", SEEDED_TITLES),
    ],
)
def test_delegation_status_filter_splits_upcoming_from_past_on_the_day(
    seeded, client, admin_user, today, status, expected
):
    moment = datetime.datetime.combine(today, datetime.time(12), tzinfo=NEW_YORK)
    with time_machine.travel(moment, tick=False):
        client.force_login(admin_user)
        response = client.get(admin_url(Delegation, "changelist"), {"status": status})

    assert changelist_titles(response) == expected


def test_delegation_status_filter_lists_a_future_trip_as_upcoming(seeded, client, admin_user):
    factories.DelegationFactory(
        title="Lisbon",
        start_date=datetime.date(2027, 3, 1),
        end_date=datetime.date(2027, 3, 5),
    )
    with time_machine.travel(datetime.datetime(2026, 11, 29, 12, tzinfo=NEW_YORK), tick=False):
        client.force_login(admin_user)
        upcoming = client.get(admin_url(Delegation, "changelist"), {"status": "upcoming"})
        past = client.get(admin_url(Delegation, "changelist"), {"status": "past"})
        everything = client.get(admin_url(Delegation, "changelist"))

    assert changelist_titles(upcoming) == {"Lisbon"}
    assert changelist_titles(past) == SEEDED_TITLES
    assert changelist_titles(everything) == SEEDED_TITLES | {"Lisbon"}


def test_delegation_changelist_filters_by_published_precision_country_and_topic(
    seeded, staff_client
):
    topic = factories.TopicFactory(name="Mobile learning")
    draft = factories.DelegationFactory(
        title="Lisbon draft", is_published=False, destinations=["Portugal"]
    )
    draft.topics.add(topic)
    url = admin_url(Delegation, "changelist")

    assert changelist_titles(staff_client.get(url, {"is_published__exact": "0"})) == {
        "Lisbon draft"
    }
    assert changelist_titles(staff_client.get(url, {"is_published__exact": "1"})) == (SEEDED_TITLES)
    assert changelist_titles(
        staff_client.get(url, {"date_precision__exact": DatePrecision.YEAR})
    ) == {"London and Paris", "Scotland and the Netherlands", "Scandinavia", "Australia"}
    assert changelist_titles(
        staff_client.get(url, {"date_precision__exact": DatePrecision.UNKNOWN})
    ) == {"South America (Argentina & Uruguay)"}

    united_kingdom = Country.objects.get(name="United Kingdom")
    response = staff_client.get(url, {"destinations__country__id__exact": united_kingdom.pk})
    assert changelist_titles(response) == {"London and Paris", "Scotland and the Netherlands"}
    assert response.context["cl"].result_count == 2

    portugal = Country.objects.get(name="Portugal")
    assert changelist_titles(
        staff_client.get(url, {"destinations__country__id__exact": portugal.pk})
    ) == {"Portugal", "Lisbon draft"}

    assert changelist_titles(staff_client.get(url, {"topics__id__exact": topic.pk})) == {
        "Lisbon draft"
    }


def test_every_delegation_list_filter_choice_renders(seeded, staff_client):
    factories.DelegationFactory(title="Lisbon draft", is_published=False).topics.add(
        factories.TopicFactory()
    )
    url = admin_url(Delegation, "changelist")
    changelist = staff_client.get(url).context["cl"]

    titles = [str(spec.title) for spec in changelist.filter_specs]
    assert len(titles) == len(admin.site._registry[Delegation].list_filter)
    assert titles[0] == "status"
    query_strings = [
        choice["query_string"]
        for spec in changelist.filter_specs
        for choice in spec.choices(changelist)
    ]
    assert len(query_strings) > len(titles)
    for query_string in query_strings:
        response = staff_client.get(url + query_string)
        assert response.status_code == 200, query_string
        # An unknown lookup would make the admin redirect with ?e=1 instead.
        assert "e" not in response.context["cl"].params, query_string


# --- 2. Adding a delegation with its inlines in one save -----------------------------


def test_delegation_add_saves_destination_report_and_photo_in_one_save(staff_client):
    portugal = factories.CountryFactory(name="Portugal")
    data = delegation_post_data(
        portugal,
        **management_form("reports", total=1),
        **report_inline_data(),
        **management_form("photos", total=1),
        **photo_inline_data(),
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert response.url == admin_url(Delegation, "changelist")
    delegation = Delegation.objects.get(slug="lisbon-2027")
    assert delegation.title == "Lisbon"
    assert delegation.is_published is True
    assert (delegation.start_date, delegation.end_date) == (
        datetime.date(2027, 3, 1),
        datetime.date(2027, 3, 5),
    )
    assert delegation.body == "<p>Hello</p>"
    assert delegation.registration == "<p>Write to us to register.</p>"

    [destination] = delegation.destinations.all()
    assert (destination.place, destination.country) == ("Lisbon", portugal)

    [report] = delegation.reports.all()
    assert report.delegation == delegation
    assert report.title == "Lisbon Schools Report"
    assert report.slug == "lisbon-schools-report"
    assert report.external_url == "https://example.org/lisbon.pdf"
    assert report.not_online is False
    assert report.summary == "<p>Key takeaways.</p>"
    assert report.is_published is True

    [photo] = delegation.photos.all()
    assert photo.caption == "Our group in Lisbon"
    assert not photo.image
    assert photo.alt_text == ""

    assert not delegation.partners.exists()
    assert not delegation.dispatches.exists()


@pytest.mark.parametrize(
    ("field", "stored"),
    [
        ("body", lambda delegation: delegation.body),
        ("registration", lambda delegation: delegation.registration),
        ("reports-0-summary", lambda delegation: delegation.reports.get().summary),
    ],
)
def test_rich_text_saved_through_the_admin_is_sanitised(staff_client, field, stored):
    data = delegation_post_data(
        factories.CountryFactory(name="Portugal"),
        **management_form("reports", total=1),
        **report_inline_data(),
    )
    data[field] = '<p onclick="steal()">Hi<script>alert(1)</script></p>'

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert response.status_code == 302
    html = stored(Delegation.objects.get(slug="lisbon-2027"))
    assert "<script" not in html
    assert "alert(1)" not in html
    assert "onclick" not in html
    assert html == "<p>Hi</p>"


# --- 3. Plain-worded validation messages; nothing saved ------------------------------


def test_delegation_add_with_end_before_start_is_refused_in_plain_words(seeded, staff_client):
    before = database_snapshot()
    data = delegation_post_data(
        Country.objects.get(name="Portugal"),
        start_date="2027-03-10",
        end_date="2027-03-01",
        **management_form("reports", total=1),
        **report_inline_data(),
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert_rejected(response, "The end date cannot be before the start date.")
    assert database_snapshot() == before


def test_delegation_change_with_end_before_start_keeps_the_saved_trip(seeded, staff_client):
    delegation = Delegation.objects.get(slug="singapore-2015")
    destination = delegation.destinations.get()
    before = database_snapshot()
    data = delegation_post_data(
        destination.country,
        title="Singapore renamed",
        slug="singapore-2015",
        start_date="2015-01-17",
        end_date="2015-01-09",
        **management_form("destinations", total=1, initial=1),
        **{
            "destinations-0-id": str(destination.pk),
            "destinations-0-delegation": str(delegation.pk),
            "destinations-0-place": "Changed place",
        },
    )

    response = staff_client.post(admin_url(Delegation, "change", delegation.pk), data)

    assert_rejected(response, "The end date cannot be before the start date.")
    assert database_snapshot() == before


def test_report_inline_without_file_link_or_not_online_is_refused(seeded, staff_client):
    before = database_snapshot()
    data = delegation_post_data(
        Country.objects.get(name="Portugal"),
        **management_form("reports", total=1),
        **report_inline_data(external_url=""),
        **management_form("photos", total=1),
        **photo_inline_data(),
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert_rejected(response, "Upload the PDF or give a link")
    assert database_snapshot() == before


def test_report_inline_marked_not_online_needs_no_file_or_link(staff_client):
    data = delegation_post_data(
        factories.CountryFactory(name="Portugal"),
        **management_form("reports", total=1),
        **report_inline_data(external_url="", not_online="on"),
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert response.status_code == 302
    report = Delegation.objects.get(slug="lisbon-2027").reports.get()
    assert report.not_online is True
    assert report.external_url == ""


def test_photo_inline_with_picture_but_no_alt_text_is_refused(seeded, staff_client, settings):
    before = database_snapshot()
    data = delegation_post_data(
        Country.objects.get(name="Portugal"),
        **management_form("photos", total=1),
        **photo_inline_data(image=tiny_png(), alt_text=""),
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert_rejected(response, "Describe the picture for people who cannot see it.")
    assert database_snapshot() == before
    assert stored_files(settings) == []


def test_photo_admin_with_picture_but_no_alt_text_is_refused(staff_client, settings):
    delegation = factories.DelegationFactory()
    before = database_snapshot()
    data = {
        "delegation": str(delegation.pk),
        "image": tiny_png(),
        "caption": "Our group",
        "alt_text": "",
        "credit": "",
        "order": "0",
        "focal_x": "50",
        "focal_y": "50",
        "_save": "Save",
    }

    response = staff_client.post(admin_url(Photo, "add"), data)

    assert_rejected(response, "Describe the picture for people who cannot see it.")
    assert database_snapshot() == before
    assert stored_files(settings) == []


def test_photo_inline_with_picture_and_alt_text_is_saved_with_its_size(staff_client):
    data = delegation_post_data(
        factories.CountryFactory(name="Portugal"),
        **management_form("photos", total=1),
        **photo_inline_data(image=tiny_png(), alt_text="Six delegates outside a school"),
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert response.status_code == 302
    photo = Delegation.objects.get(slug="lisbon-2027").photos.get()
    assert photo.image
    assert (photo.width, photo.height) == (2, 2)
    assert photo.alt_text == "Six delegates outside a school"


def test_destination_with_neither_place_nor_country_is_refused(staff_client):
    portugal = factories.CountryFactory(name="Portugal")
    before = database_snapshot()
    data = delegation_post_data(
        portugal,
        **{"destinations-0-place": "", "destinations-0-country": ""},
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert_rejected(response, "Give a place, a country or both.")
    assert database_snapshot() == before


def test_deleting_a_trips_last_destination_is_refused(staff_client):
    delegation = factories.DelegationFactory(slug="lisbon-2027")
    destination = delegation.destinations.get()
    before = database_snapshot()
    data = delegation_post_data(
        destination.country,
        title=delegation.title,
        **management_form("destinations", total=1, initial=1),
        **{
            "destinations-0-id": str(destination.pk),
            "destinations-0-delegation": str(delegation.pk),
            "destinations-0-place": "",
            "destinations-0-DELETE": "on",
        },
    )

    response = staff_client.post(admin_url(Delegation, "change", delegation.pk), data)

    assert_rejected(response, "Please submit at least 1 form.")
    assert database_snapshot() == before


def test_dated_trip_without_a_start_date_is_refused(staff_client):
    portugal = factories.CountryFactory(name="Portugal")
    before = database_snapshot()
    data = delegation_post_data(portugal, start_date="", end_date="")

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert_rejected(response, "Give a start date, or choose")
    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("precision", "start", "end", "stored"),
    [
        (
            DatePrecision.MONTH,
            "2027-03-20",
            "",
            (datetime.date(2027, 3, 1), datetime.date(2027, 3, 31)),
        ),
        (
            DatePrecision.YEAR,
            "2027-05-05",
            "",
            (datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)),
        ),
        (
            DatePrecision.DAY,
            "2027-03-02",
            "",
            (datetime.date(2027, 3, 2), datetime.date(2027, 3, 2)),
        ),
        (DatePrecision.UNKNOWN, "2027-03-02", "2027-03-05", (None, None)),
    ],
)
def test_trip_dates_saved_through_the_admin_cover_what_is_known(
    staff_client, precision, start, end, stored
):
    data = delegation_post_data(
        factories.CountryFactory(name="Portugal"),
        date_precision=precision,
        start_date=start,
        end_date=end,
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert response.status_code == 302
    delegation = Delegation.objects.get(slug="lisbon-2027")
    assert (delegation.start_date, delegation.end_date) == stored


def test_hero_photo_without_description_is_refused(staff_client, settings):
    portugal = factories.CountryFactory(name="Portugal")
    before = database_snapshot()
    data = delegation_post_data(portugal, hero_image=tiny_png("hero.png"), hero_alt="")

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert_rejected(response, "Describe the hero photo for people who cannot see it.")
    assert database_snapshot() == before
    assert stored_files(settings) == []


def test_hero_photo_with_description_is_saved(staff_client):
    data = delegation_post_data(
        factories.CountryFactory(name="Portugal"),
        hero_image=tiny_png("hero.png"),
        hero_alt="Delegates on a school roof",
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert response.status_code == 302
    delegation = Delegation.objects.get(slug="lisbon-2027")
    assert delegation.hero_image
    assert (delegation.hero_width, delegation.hero_height) == (2, 2)
    assert delegation.hero_alt == "Delegates on a school roof"


def test_same_organisation_twice_in_the_same_role_is_refused(staff_client):
    unesco = factories.OrganisationFactory(name="UNESCO")
    portugal = factories.CountryFactory(name="Portugal")
    before = database_snapshot()
    rows = {}
    for index in range(2):
        rows.update(
            {
                f"partners-{index}-organisation": str(unesco.pk),
                f"partners-{index}-role": "host",
                f"partners-{index}-order": str(index),
            }
        )
    data = delegation_post_data(
        portugal,
        **management_form("partners", total=2),
        **rows,
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert_rejected(response, "Please correct the duplicate data for organisation and role")
    assert database_snapshot() == before


def test_two_dispatches_with_the_same_slug_are_refused(staff_client):
    portugal = factories.CountryFactory(name="Portugal")
    before = database_snapshot()
    rows = {}
    for index in range(2):
        prefix = f"dispatches-{index}"
        rows.update(
            {
                f"{prefix}-kind": "blog",
                f"{prefix}-title": "Day one",
                f"{prefix}-slug": "day-one",
                f"{prefix}-author": "",
                f"{prefix}-published_on": "2027-03-02",
                f"{prefix}-is_published": "on",
                f"{prefix}-body": "<p>What we saw.</p>",
                f"{prefix}-external_url": "",
                f"{prefix}-audio_url": "",
                f"{prefix}-transcript": "",
            }
        )
    data = delegation_post_data(
        portugal,
        **management_form("dispatches", total=2),
        **rows,
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert_rejected(response, "Please correct the duplicate data for slug.")
    assert database_snapshot() == before


def test_report_inline_with_uploaded_pdf_records_its_size(staff_client):
    pdf = SimpleUploadedFile("lisbon.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    data = delegation_post_data(
        factories.CountryFactory(name="Portugal"),
        **management_form("reports", total=1),
        # "Not available online" is ticked by mistake: the upload wins.
        **report_inline_data(external_url="", file=pdf, not_online="on"),
    )

    response = staff_client.post(admin_url(Delegation, "add"), data)

    assert response.status_code == 302
    report = Delegation.objects.get(slug="lisbon-2027").reports.get()
    assert report.file.name.endswith(".pdf")
    assert report.file_size == len(b"%PDF-1.4 report")
    assert report.not_online is False


def test_country_iso_code_used_twice_is_refused_but_blank_codes_may_repeat(staff_client):
    factories.CountryFactory(name="Portugal", code="PT")
    before = database_snapshot()

    response = staff_client.post(
        admin_url(Country, "add"), {"name": "Portugal (typo)", "code": "PT", "_save": "Save"}
    )

    assert_rejected(response, "Another country already uses this ISO code.")
    assert database_snapshot() == before
    for name in ("Spain", "France"):
        response = staff_client.post(
            admin_url(Country, "add"), {"name": name, "code": "", "_save": "Save"}
        )
        assert response.status_code == 302
    assert set(Country.objects.filter(code="").values_list("name", flat=True)) == {
        "Spain",
        "France",
    }


def test_delegation_changelist_publishes_and_unpublishes_in_bulk(seeded, staff_client):
    url = admin_url(Delegation, "changelist") + "?status=past"
    changelist = staff_client.get(url).context["cl"]
    formset = changelist.formset
    data = {
        "form-TOTAL_FORMS": str(formset.total_form_count()),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, form in enumerate(formset.forms):
        data[f"form-{index}-id"] = str(form.instance.pk)
        if form.instance.slug != "portugal-2013":
            data[f"form-{index}-is_published"] = "on"

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert set(Delegation.objects.filter(is_published=False).values_list("slug", flat=True)) == {
        "portugal-2013"
    }


# --- 4. Sections are fixed: no deleting, no fourth one -------------------------------


def test_delegation_change_page_links_to_its_public_page(staff_client):
    delegation = factories.DelegationFactory(slug="lisbon-2027")
    content_type = ContentType.objects.get_for_model(Delegation)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, delegation.pk])

    response = staff_client.get(admin_url(Delegation, "change", delegation.pk))

    assert response.status_code == 200
    assert f'<a href="{view_on_site}" class="viewsitelink">View on site</a>' in (
        response.content.decode()
    )
    redirect = staff_client.get(view_on_site)
    assert redirect.status_code == 302
    public_url = urlsplit(redirect.url)
    assert public_url.netloc in ("", "testserver")
    assert public_url.path == delegation.get_absolute_url() == "/delegations/lisbon-2027/"
    assert staff_client.get(public_url.path).status_code == 200


def test_delegation_changelist_queries_do_not_grow_with_the_trips(staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(admin_url(Delegation, "changelist")).status_code == 200
        return len(queries)

    factories.DelegationFactory.create_batch(3, destinations=["Portugal", "Spain"])
    few = count()
    factories.DelegationFactory.create_batch(30, destinations=["Portugal", "Spain"])
    assert count() == few


# --- Details an editor meets -------------------------------------------------------------


def test_photos_show_their_picture_in_the_list_and_on_their_page(staff_client):
    picture = ContentFile(tiny_png().read(), name="group.png")
    photo = factories.PhotoFactory(alt_text="Delegates in Lisbon", image=picture)
    small = photo.thumbnail.url
    listing = staff_client.get(admin_url(Photo, "changelist")).content.decode()
    assert f'<img class="list-preview" src="{small}" alt="Delegates in Lisbon">' in listing
    page = staff_client.get(admin_url(Photo, "change", photo.pk)).content.decode()
    assert f'<img class="file-preview" src="{small}" alt="">' in page


def test_report_languages_offer_the_ones_in_use_first(staff_client):
    factories.ReportFactory(language="pt")
    page = staff_client.get(admin_url(Report, "add")).content.decode()
    select = page.split('name="language"', 1)[1].split("</select>", 1)[0]
    ours, everything = select.split('<optgroup label="All languages">')
    assert '<optgroup label="Languages of our reports">' in ours
    assert 'value="pt"' in ours and 'value="en"' in ours and 'value="fr"' not in ours
    assert 'value="fr"' in everything


def test_deleting_a_trip_names_the_links_it_removes_and_the_contacts_it_keeps(staff_client):
    trip = factories.DelegationFactory()
    trip.contacts.add(PersonFactory(name="Irene Spero", email="ispero@cosn.org"))
    page = staff_client.get(admin_url(Delegation, "delete", trip.pk)).content.decode()
    assert "Link to “Irene Spero (ispero@cosn.org)” (contacts; the person itself is kept)" in page
    assert "Links to people: 1" in page
    assert "Delegation_contacts object" not in page


def test_deleting_an_inquiry_is_said_to_be_final(staff_client):
    inquiry = factories.InquiryFactory()
    page = staff_client.get(admin_url(Inquiry, "delete", inquiry.pk)).content.decode()
    assert "Deleting an inquiry is final: it cannot be recovered." in page


@pytest.mark.django_db
def test_the_trips_list_shows_an_upcoming_trips_registration_and_places_left(staff_client):
    start = datetime.date.today() + datetime.timedelta(days=50)
    trip = factories.DelegationFactory(
        title="Helsinki", start_date=start, end_date=start + datetime.timedelta(days=4), capacity=3
    )
    factories.ApplicationFactory(delegation=trip, status="accepted")
    factories.DelegationFactory(title="Lisbon")  # past: no registration shown

    page = staff_client.get(reverse("admin:delegations_delegation_changelist")).content.decode()

    assert "Open for applications (2 of 3 places left)" in page
    assert page.count("Open for applications") == 1
