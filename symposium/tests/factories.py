import factory
from factory.django import DjangoModelFactory

from core.tests.factories import OrganisationFactory
from symposium.models import Resource, Symposium, SymposiumPartner


class SymposiumFactory(DjangoModelFactory):
    class Meta:
        model = Symposium

    # Past years only, so a factory-made edition is never "upcoming" by accident.
    year = factory.Sequence(lambda n: 1990 + n % 36)
    title = "International Symposium"
    theme = factory.Sequence(lambda n: f"Theme {n}")
    location = "CoSN’s Annual Conference"
    description = "<p>What the symposium explored.</p>"
    is_published = True


class SymposiumPartnerFactory(DjangoModelFactory):
    class Meta:
        model = SymposiumPartner

    symposium = factory.SubFactory(SymposiumFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = Resource

    symposium = factory.SubFactory(SymposiumFactory)
    title = factory.Sequence(lambda n: f"Slides {n}")
    url = "https://example.org/slides.pdf"
