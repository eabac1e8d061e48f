"""Load the Global Leadership section's published content (cosn_global/seed/).

Every fact comes from cosn_global/seed/global-leadership.txt; nothing is invented, so
reports have no files and the Portugal photo has a caption but no picture yet.

Records are matched by their natural keys (slug, year, section, name). A record that
already exists is left exactly as it is, with everything attached to it, so running
the command again changes nothing and never undoes an editor's later work.
"""

import datetime

import reversion
from django.core.management.base import BaseCommand
from django.db import transaction

from core.dates import DatePrecision
from core.models import Organisation, Person, Section
from delegations.models import Country, Delegation
from symposium.models import Symposium

IRENE_SPERO = {"name": "Irene Spero", "email": "ispero@cosn.org"}

SECTIONS = [
    {
        "key": Section.Key.GLOBAL_LEADERSHIP,
        "heading": "Global Leadership",
        "intro": (
            "<p>CoSN is committed to a global dialogue focused on the strategic uses of "
            "technology in education. We fundamentally believe that effective use of technology "
            "requires a global understanding and perspective, and we accomplish this through "
            "meetings, delegations, and collaborative efforts with global thought-leaders.</p>"
        ),
    },
    {
        "key": Section.Key.DELEGATIONS,
        "heading": "International Delegations",
        "intro": (
            "<p>International delegations are key parts of CoSN’s efforts to promote deeper "
            "understanding of global initiatives for ICT in education. The delegations inform "
            "American education and policy leaders about key strategic priorities and investments "
            "being implemented around the world. Senior education leaders on the delegations see "
            "innovative education efforts first-hand and are able to engage in meaningful "
            "dialogue. The delegation members blog and create podcasts during the event, and a "
            "delegation report is provided at the conclusion so the entire CoSN community can "
            '"travel along" with us!</p>'
        ),
    },
    {
        "key": Section.Key.SYMPOSIUM,
        "heading": "Annual International Symposium",
        "intro": (
            "<p>For over a decade, CoSN has been convening education technology leaders from "
            "around the world to work together during the International Symposium at our Annual "
            "Conference. Each year’s Symposium focuses on a different theme, but the goal is to "
            "create systemic conversations and share best practices around use of technology to "
            "transform learning.</p>"
        ),
    },
]

DELEGATIONS = [
    {
        "slug": "singapore-2015",
        "title": "Singapore",
        "date_precision": DatePrecision.DAY,
        "start_date": datetime.date(2015, 1, 9),
        "end_date": datetime.date(2015, 1, 17),
        "destinations": [("", "Singapore", "SG")],
        "summary": (
            "Singapore presents a unique opportunity to learn about the use of ICT in education "
            "globally and its impact on the learning process."
        ),
        "promotion": (
            "Our delegates will receive an outstanding professional development experience."
        ),
        "registration": (
            '<p>Please contact Irene Spero, <a href="mailto:ispero@cosn.org">ispero@cosn.org</a>, '
            "with any questions, to see an agenda, or to register for the trip.</p>"
        ),
        "contacts": [IRENE_SPERO],
    },
    {
        "slug": "portugal-2013",
        "title": "Portugal",
        "date_precision": DatePrecision.MONTH,
        "start_date": datetime.date(2013, 10, 1),
        "destinations": [("", "Portugal", "PT")],
        "summary": (
            "In October 2013, CoSN led a delegation to Portugal to learn about their ICT programs."
        ),
        "reports": [
            {
                "slug": "reinventing-learning-in-portugal",
                "title": "Reinventing Learning in Portugal",
                "subtitle": "An Ecosystem Approach",
                "summary": (
                    "<p>The official report, <em>Reinventing Learning in Portugal: An Ecosystem "
                    "Approach</em>, highlights the observations and experiences of the delegation "
                    "and includes some questions for policymakers in the US to consider.</p>"
                ),
            }
        ],
        "photos": [{"caption": "Our group in Portugal, October 2013"}],
    },
    {
        "slug": "argentina-uruguay",
        "title": "South America (Argentina & Uruguay)",
        "date_precision": DatePrecision.UNKNOWN,
        "destinations": [("", "Argentina", "AR"), ("", "Uruguay", "UY")],
        "reports": [
            {
                "slug": "opening-doors-with-ict",
                "title": "Opening Doors With ICT",
                "language": "en",
                "alternate_title": "Abriendo Puertas Con ICT",
                "alternate_language": "es",
            }
        ],
    },
    {
        "slug": "london-paris-2011",
        "title": "London and Paris",
        "date_precision": DatePrecision.YEAR,
        "start_date": datetime.date(2011, 1, 1),
        "destinations": [("London", "United Kingdom", "GB"), ("Paris", "France", "FR")],
    },
    {
        "slug": "scotland-netherlands-2009",
        "title": "Scotland and the Netherlands",
        "date_precision": DatePrecision.YEAR,
        "start_date": datetime.date(2009, 1, 1),
        "destinations": [("Scotland", "United Kingdom", "GB"), ("", "Netherlands", "NL")],
    },
    {
        "slug": "scandinavia-2007",
        "title": "Scandinavia",
        "date_precision": DatePrecision.YEAR,
        "start_date": datetime.date(2007, 1, 1),
        "destinations": [("Scandinavia", None, None)],
    },
    {
        "slug": "australia-2004",
        "title": "Australia",
        "date_precision": DatePrecision.YEAR,
        "start_date": datetime.date(2004, 1, 1),
        "destinations": [("", "Australia", "AU")],
    },
]

SYMPOSIA = [
    {
        "year": 2014,
        "title": "CoSN/UNESCO International Symposium",
        "theme": "Connected Learning: Implications for Schooling from Informal Learning",
        "location": "CoSN’s Annual Conference",
        "description": (
            '<p>The 2014 CoSN/UNESCO International Symposium, "Connected Learning: Implications '
            'for Schooling from Informal Learning," explored the connections between formal '
            "learning in school systems and informal learning outside of the classroom.</p>"
        ),
        "partners": ["UNESCO"],
    },
]


class Command(BaseCommand):
    help = "Load the Global Leadership seed content. Existing records are left untouched."

    @transaction.atomic
    def handle(self, *args, **options):
        # What is created here is each record's first version in History.
        with reversion.create_revision():
            reversion.set_comment("Loaded from the seed content.")
            self.load()
        if options["verbosity"] < 1:
            return
        if self.created:
            self.stdout.write(self.style.SUCCESS(f"Created {', '.join(self.created)}."))
        else:
            self.stdout.write("Seed content already loaded; nothing changed.")

    def load(self):
        self.created = []
        for data in SECTIONS:
            self.load_section(dict(data))
        for data in DELEGATIONS:
            self.load_delegation(dict(data))
        for data in SYMPOSIA:
            self.load_symposium(dict(data))

    def contact(self, data):
        contact, _ = Person.objects.get_or_create(email=data["email"], defaults=data)
        return contact

    def country(self, name, code):
        if name is None:
            return None
        country, _ = Country.objects.get_or_create(name=name, defaults={"code": code})
        return country

    def load_section(self, data):
        contact = data.pop("contact", None)
        if contact:
            data["contact"] = self.contact(contact)
        _, created = Section.objects.get_or_create(key=data.pop("key"), defaults=data)
        if created:
            self.created.append(f"section “{data['heading']}”")

    def load_delegation(self, data):
        if Delegation.objects.filter(slug=data["slug"]).exists():
            return
        destinations = data.pop("destinations")
        contacts = data.pop("contacts", [])
        reports = data.pop("reports", [])
        photos = data.pop("photos", [])
        delegation = Delegation.objects.create(is_published=True, **data)
        for order, (place, country, code) in enumerate(destinations):
            delegation.destinations.create(
                place=place, country=self.country(country, code), order=order
            )
        delegation.contacts.set([self.contact(contact) for contact in contacts])
        for order, report in enumerate(reports):
            delegation.reports.create(not_online=True, order=order, **report)
        for order, photo in enumerate(photos):
            delegation.photos.create(order=order, **photo)
        self.created.append(f"delegation “{delegation.title}”")

    def load_symposium(self, data):
        if Symposium.objects.filter(year=data["year"]).exists():
            return
        partners = data.pop("partners")
        symposium = Symposium.objects.create(is_published=True, **data)
        for order, name in enumerate(partners):
            organisation, _ = Organisation.objects.get_or_create(name=name)
            symposium.partners.create(organisation=organisation, order=order)
        self.created.append(f"symposium {symposium.year}")
