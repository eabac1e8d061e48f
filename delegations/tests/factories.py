import datetime

import factory
from factory.django import DjangoModelFactory

from core.dates import DatePrecision
from core.tests.factories import OrganisationFactory
from delegations.models import (
    Application,
    ApplicationEmail,
    Country,
    Delegation,
    DelegationPartner,
    Destination,
    Dispatch,
    Inquiry,
    ItineraryDay,
    Photo,
    Report,
    Testimonial,
    Topic,
    Visit,
)


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Country {n}")


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")


class DelegationFactory(DjangoModelFactory):
    class Meta:
        model = Delegation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Trip {n}")
    slug = factory.Sequence(lambda n: f"trip-{n}")
    summary = "A study tour of schools and ministries."
    date_precision = DatePrecision.DAY
    start_date = datetime.date(2013, 10, 7)
    end_date = factory.Maybe(
        factory.LazyAttribute(lambda o: o.date_precision == DatePrecision.DAY and o.start_date),
        factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=5)),
        None,
    )
    is_published = True

    class Params:
        undated = factory.Trait(
            date_precision=DatePrecision.UNKNOWN, start_date=None, end_date=None
        )

    @factory.post_generation
    def destinations(self, create, extracted, **kwargs):
        if create:
            countries = ["Portugal"] if extracted is None else extracted
            for order, country in enumerate(countries):
                DestinationFactory(
                    delegation=self, country=CountryFactory(name=country), order=order
                )


class DestinationFactory(DjangoModelFactory):
    class Meta:
        model = Destination

    delegation = factory.SubFactory(DelegationFactory, destinations=[])
    country = factory.SubFactory(CountryFactory)


class DelegationPartnerFactory(DjangoModelFactory):
    class Meta:
        model = DelegationPartner

    delegation = factory.SubFactory(DelegationFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    delegation = factory.SubFactory(DelegationFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    slug = factory.Sequence(lambda n: f"report-{n}")
    summary = "<p>Key takeaways.</p>"
    external_url = "https://example.org/report.pdf"


class PhotoFactory(DjangoModelFactory):
    class Meta:
        model = Photo

    delegation = factory.SubFactory(DelegationFactory)
    caption = factory.Sequence(lambda n: f"Delegates at school {n}")


class DispatchFactory(DjangoModelFactory):
    class Meta:
        model = Dispatch

    delegation = factory.SubFactory(DelegationFactory)
    title = factory.Sequence(lambda n: f"Day {n} in the classroom")
    slug = factory.Sequence(lambda n: f"day-{n}")
    author = factory.SubFactory("core.tests.factories.PersonFactory", name="A. Delegate")
    published_on = datetime.date(2013, 10, 8)
    body = "<p>What we saw today.</p>"


class InquiryFactory(DjangoModelFactory):
    class Meta:
        model = Inquiry

    delegation = factory.SubFactory(DelegationFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"visitor{n}@example.org")
    organisation = "Springfield School District"
    role = "Superintendent"
    message = "Is there still room on this delegation? We would like to visit the schools."
    consent = True


class ItineraryDayFactory(DjangoModelFactory):
    class Meta:
        model = ItineraryDay

    delegation = factory.SubFactory(DelegationFactory)
    day_number = factory.Sequence(lambda n: n % 10 + 1)
    city = "Lisbon"


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    day = factory.SubFactory(ItineraryDayFactory)
    name = factory.Sequence(lambda n: f"Escola {n}")


class TestimonialFactory(DjangoModelFactory):
    __test__ = False  # a factory, though pytest would collect a class named Test...

    class Meta:
        model = Testimonial

    delegation = factory.SubFactory(DelegationFactory)
    person = factory.SubFactory("core.tests.factories.PersonFactory")
    quote = "The best professional learning I have had."


class ApplicationFactory(DjangoModelFactory):
    """An application as a visitor sends it: received, with consent."""

    class Meta:
        model = Application

    delegation = factory.SubFactory(DelegationFactory)
    name = factory.Sequence(lambda n: f"Applicant {n}")
    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    organisation = "Lakeside School District"
    role = "Superintendent"
    country = "Ohio"
    consent = True
    status = Application.Status.RECEIVED


class ApplicationEmailFactory(DjangoModelFactory):
    """Staff's wording of one kind of email to applicants."""

    class Meta:
        model = ApplicationEmail
        django_get_or_create = ("kind",)

    kind = ApplicationEmail.Kind.ACCEPTED
    subject = "You are on the delegation: {trip}"
    body = "Dear {name},\n\nYour place on {trip} ({dates}) is confirmed.\n"
