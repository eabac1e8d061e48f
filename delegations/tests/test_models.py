import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import prefetch_related_objects

from core.dates import DatePrecision
from delegations.models import Delegation, Destination, Report, listing_relations
from delegations.tests.factories import CountryFactory, DelegationFactory, ReportFactory
from tests.helpers import on

D = datetime.date


@pytest.mark.django_db
def test_saving_normalises_the_dates_to_their_precision():
    trip = DelegationFactory(
        date_precision=DatePrecision.MONTH, start_date=D(2013, 10, 20), end_date=None
    )
    trip.refresh_from_db()
    assert (trip.start_date, trip.end_date) == (D(2013, 10, 1), D(2013, 10, 31))
    assert trip.dates_display == "October 2013"
    assert trip.datetime_attr == "2013-10"


@pytest.mark.django_db
class TestUpcomingAndPast:
    @pytest.fixture
    def trips(self):
        return {
            "days": DelegationFactory(
                title="Days", start_date=D(2015, 1, 9), end_date=D(2015, 1, 17)
            ),
            "month": DelegationFactory(
                title="Month", date_precision=DatePrecision.MONTH, start_date=D(2015, 3, 1)
            ),
            "year": DelegationFactory(
                title="Year", date_precision=DatePrecision.YEAR, start_date=D(2015, 1, 1)
            ),
            "undated": DelegationFactory(title="Undated", undated=True),
        }

    def titles(self, queryset):
        return [trip.title for trip in queryset]

    def test_on_new_years_day_2015_every_dated_2015_trip_is_upcoming_soonest_first(self, trips):
        with on(D(2015, 1, 1)):
            assert self.titles(Delegation.objects.upcoming()) == ["Days", "Month", "Year"]
            assert self.titles(Delegation.objects.past()) == ["Undated"]
            assert trips["days"].is_upcoming()

    def test_a_trip_under_way_is_still_upcoming_until_its_last_day(self, trips):
        with on(D(2015, 1, 17)):
            assert trips["days"].is_upcoming()
            assert trips["days"].is_under_way()
        with on(D(2015, 1, 18)):
            assert not trips["days"].is_upcoming()
            assert "Days" in self.titles(Delegation.objects.past())

    def test_a_month_trip_stays_upcoming_through_its_month(self, trips):
        with on(D(2015, 3, 31)):
            assert "Month" in self.titles(Delegation.objects.upcoming())
        with on(D(2015, 4, 1)):
            assert "Month" not in self.titles(Delegation.objects.upcoming())

    def test_a_year_trip_stays_upcoming_through_its_year(self, trips):
        with on(D(2015, 12, 31)):
            assert self.titles(Delegation.objects.upcoming()) == ["Year"]
        with on(D(2016, 1, 1)):
            assert self.titles(Delegation.objects.upcoming()) == []

    def test_past_trips_are_newest_first_and_undated_ones_last(self, trips):
        with on(D(2026, 11, 29)):
            assert self.titles(Delegation.objects.past()) == ["Year", "Month", "Days", "Undated"]

    def test_a_trip_with_unknown_dates_is_never_upcoming(self, trips):
        assert not trips["undated"].is_upcoming()
        assert trips["undated"].dates_display == ""


@pytest.mark.django_db
class TestConstraints:
    def test_end_before_start_is_rejected_by_the_database(self):
        trip = DelegationFactory()
        trip.start_date, trip.end_date = D(2015, 1, 17), D(2015, 1, 9)
        with pytest.raises(IntegrityError, match="delegation_ends_after_start"):
            trip.save()

    def test_end_before_start_gets_a_plain_message_on_validation(self):
        trip = DelegationFactory.build(start_date=D(2015, 1, 17), end_date=D(2015, 1, 9))
        with pytest.raises(ValidationError) as error:
            trip.full_clean()
        assert "The end date cannot be before the start date." in str(error.value)

    def test_a_dated_precision_needs_a_start_date(self):
        trip = DelegationFactory.build(start_date=None, end_date=None)
        with pytest.raises(ValidationError, match="Give a start date"):
            trip.full_clean()

    def test_slugs_are_unique(self):
        DelegationFactory(slug="portugal")
        with pytest.raises(ValidationError, match="already exists"):
            DelegationFactory.build(slug="portugal").full_clean()

    def test_a_report_slug_is_unique_within_its_trip_only(self):
        first = ReportFactory(slug="findings")
        ReportFactory(slug="findings")  # another trip's
        with pytest.raises(ValidationError, match="Another report of this trip already uses"):
            ReportFactory.build(delegation=first.delegation, slug="findings").full_clean()
        with pytest.raises(IntegrityError):
            ReportFactory(delegation=first.delegation, slug="findings")

    def test_a_report_needs_a_file_or_a_link_or_to_be_marked_not_online(self):
        with pytest.raises(IntegrityError, match="report_has_file_or_link"):
            ReportFactory(external_url="")

    def test_a_report_marked_not_online_needs_no_file(self):
        report = ReportFactory(external_url="", not_online=True)
        assert report.pk

    def test_giving_a_link_clears_the_not_online_mark(self):
        report = ReportFactory.build(not_online=True, external_url="https://example.org/r.pdf")
        report.clean()
        assert report.not_online is False

    def test_a_destination_needs_a_place_or_a_country(self):
        trip = DelegationFactory(destinations=[])
        with pytest.raises(IntegrityError, match="destination_has_place_or_country"):
            Destination.objects.create(delegation=trip, place="")

    def test_a_country_in_use_cannot_be_deleted(self):
        from django.db.models import ProtectedError

        DelegationFactory(destinations=["Uruguay"])
        with pytest.raises(ProtectedError):
            CountryFactory(name="Uruguay").delete()


@pytest.mark.django_db
def test_destinations_read_naturally():
    trip = DelegationFactory(destinations=[])
    uk = CountryFactory(name="United Kingdom")
    trip.destinations.create(place="London", country=uk, order=0)
    trip.destinations.create(place="Paris", country=CountryFactory(name="France"), order=1)
    assert trip.destinations_display == "London, United Kingdom; Paris, France"
    assert trip.places_display == "London and Paris"


@pytest.mark.django_db
def test_listing_relations_give_cards_the_same_places_and_only_published_reports(
    django_assert_num_queries,
):
    trips = []
    for n in range(3):
        trip = DelegationFactory(destinations=[f"Land {n}", "France"])
        trip.destinations.create(place="Lyon", country=None, order=5)
        ReportFactory(delegation=trip, title=f"Public {n}")
        ReportFactory(delegation=trip, title=f"Draft {n}", is_published=False)
        trips.append(trip)
    expected = [
        (trip.destinations_display, trip.places_display, trip.published_reports)
        for trip in Delegation.objects.order_by("pk")
    ]
    fresh = list(Delegation.objects.order_by("pk"))
    with django_assert_num_queries(2):
        prefetch_related_objects(fresh, *listing_relations())
    with django_assert_num_queries(0):
        found = [
            (trip.destinations_display, trip.places_display, trip.published_reports)
            for trip in fresh
        ]
    assert found == expected
    assert [report.title for report in found[0][2]] == ["Public 0"]
    assert found[0][0] == "Land 0; France; Lyon"


@pytest.mark.django_db
def test_a_bilingual_report_lists_both_languages():
    report = ReportFactory(
        title="Opening Doors With ICT",
        alternate_title="Abriendo Puertas Con ICT",
        alternate_language="es",
    )
    assert report.languages == ["en", "es"]
    assert str(report) == "Opening Doors With ICT: Abriendo Puertas Con ICT"


@pytest.mark.django_db
def test_a_report_file_records_its_size_and_format(settings):
    from django.core.files.base import ContentFile

    report = ReportFactory(external_url="", not_online=True)
    report.file.save("report.pdf", ContentFile(b"%PDF-1.4 " + b"x" * 2039))
    report = Report.objects.get(pk=report.pk)
    assert report.file_size == 2048
    assert report.file_format == "PDF"


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<p onclick="alert(1)">text</p>',
    "<svg/onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_rich_text_is_sanitised_whoever_saves_it(payload):
    trip = DelegationFactory(body=f"<p>Before</p>{payload}<p>After</p>")
    trip.refresh_from_db()
    stored = trip.body.lower()
    for marker in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "<iframe",
        "<style",
        "<object",
        "<svg",
    ):
        assert marker not in stored
    assert "<p>Before</p>" in trip.body
