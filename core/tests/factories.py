import factory
from factory.django import DjangoModelFactory

from core.models import Organisation, Person, Section, Wording


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"person-{n}")
    title = "Director of Programs"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = "+1 202 555 0100"


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["key"]

    key = Section.Key.DELEGATIONS
    heading = "International Delegations"
    intro = "<p>Our delegations.</p>"


class WordingFactory(DjangoModelFactory):
    class Meta:
        model = Wording
        django_get_or_create = ["key"]

    key = "landing.join_us"
    text = "Come with us:"
