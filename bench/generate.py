"""The benchmark's large data set: generated deterministically into the bench database.

500 delegations (dates of every precision, some not known; 1-3 destinations each from
about 40 countries; a few upcoming, the rest past, spread over 2000-2030), 2,000 reports
(all with a link, some bilingual), 5,000 photo records (captions, no image files),
dispatches, contacts, organisations, topics and 20 symposia with partners, on top of
the seed content (`load_seed_content`). The totals include the seed records.

Rows are bulk-inserted, so model save() methods do not run: dates are widened here with
the models' own normalise_date_span, and every row satisfies the database's check
constraints. No file is ever written: reports carry a link and photos only a caption.
"""

import datetime
import random
from typing import NamedTuple

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.dates import DatePrecision, normalise_date_span
from core.models import Contact, Organisation, Role
from delegations.models import (
    Country,
    Delegation,
    DelegationPartner,
    Destination,
    Dispatch,
    Photo,
    Report,
    Topic,
)
from pagecache.models import ContentVersion
from symposium.models import Resource, Symposium, SymposiumPartner

RANDOM_SEED = 2026
SLUG_PREFIX = "bench-"
TOTALS = {
    "delegations": 500,
    "reports": 2000,
    "photos": 5000,
    "dispatches": 600,
    "symposia": 20,
}
UPCOMING = 25
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2030, 12, 31)

# (name, ISO code, language of its reports, cities)
COUNTRIES = [
    ("Argentina", "AR", "es", ["Buenos Aires", "Córdoba"]),
    ("Australia", "AU", "en", ["Sydney", "Melbourne", "Brisbane"]),
    ("Austria", "AT", "de", ["Vienna"]),
    ("Belgium", "BE", "fr", ["Brussels", "Ghent"]),
    ("Brazil", "BR", "pt-br", ["São Paulo", "Rio de Janeiro", "Brasília"]),
    ("Canada", "CA", "fr", ["Toronto", "Montréal", "Vancouver"]),
    ("Chile", "CL", "es", ["Santiago", "Valparaíso"]),
    ("China", "CN", "zh-hans", ["Beijing", "Shanghai", "Shenzhen"]),
    ("Colombia", "CO", "es", ["Bogotá", "Medellín"]),
    ("Costa Rica", "CR", "es", ["San José"]),
    ("Denmark", "DK", "da", ["Copenhagen", "Aarhus"]),
    ("Estonia", "EE", "et", ["Tallinn", "Tartu"]),
    ("Finland", "FI", "fi", ["Helsinki", "Espoo", "Tampere"]),
    ("France", "FR", "fr", ["Paris", "Lyon", "Bordeaux"]),
    ("Germany", "DE", "de", ["Berlin", "Munich", "Hamburg"]),
    ("Ghana", "GH", "en", ["Accra"]),
    ("Iceland", "IS", "is", ["Reykjavík"]),
    ("India", "IN", "hi", ["New Delhi", "Bangalore", "Mumbai"]),
    ("Ireland", "IE", "en", ["Dublin", "Cork"]),
    ("Israel", "IL", "he", ["Tel Aviv", "Jerusalem"]),
    ("Italy", "IT", "it", ["Rome", "Milan", "Bologna"]),
    ("Japan", "JP", "ja", ["Tokyo", "Osaka", "Kyoto"]),
    ("Kenya", "KE", "sw", ["Nairobi", "Mombasa"]),
    ("Mexico", "MX", "es-mx", ["Mexico City", "Monterrey"]),
    ("Netherlands", "NL", "nl", ["Amsterdam", "Rotterdam", "Utrecht"]),
    ("New Zealand", "NZ", "en", ["Auckland", "Wellington"]),
    ("Norway", "NO", "nb", ["Oslo", "Bergen"]),
    ("Poland", "PL", "pl", ["Warsaw", "Kraków"]),
    ("Portugal", "PT", "pt", ["Lisbon", "Porto"]),
    ("Rwanda", "RW", "en", ["Kigali"]),
    ("Singapore", "SG", "en", []),
    ("South Africa", "ZA", "en", ["Cape Town", "Johannesburg"]),
    ("South Korea", "KR", "ko", ["Seoul", "Busan", "Sejong"]),
    ("Spain", "ES", "es", ["Madrid", "Barcelona", "Valencia"]),
    ("Sweden", "SE", "sv", ["Stockholm", "Gothenburg"]),
    ("Switzerland", "CH", "de", ["Zurich", "Geneva"]),
    ("Taiwan", "TW", "zh-hant", ["Taipei"]),
    ("United Arab Emirates", "AE", "ar", ["Dubai", "Abu Dhabi"]),
    ("United Kingdom", "GB", "en", ["London", "Edinburgh", "Scotland", "Wales"]),
    ("Uruguay", "UY", "es", ["Montevideo"]),
]
REGIONS = ["Scandinavia", "The Baltic States", "Central America", "East Africa"]

TOPICS = [
    "Artificial intelligence",
    "Assessment",
    "Broadband access",
    "Curriculum reform",
    "Cybersecurity",
    "Data privacy",
    "Digital equity",
    "Early childhood",
    "Inclusion",
    "Infrastructure",
    "Leadership",
    "Mobile learning",
    "Open educational resources",
    "STEM",
    "Teacher professional learning",
]

ORG_PREFIXES = ["Northwind", "Bluepeak", "Harbor", "Meridian", "Lakeside", "Summit", "Crescent"]
ORG_KINDS = [
    ("Learning Foundation", "Foundation"),
    ("Education Institute", "Institute"),
    ("Digital Schools Alliance", "Alliance"),
    ("Research Council", "Council"),
    ("Technologies", ""),
    ("Ministry Partnership", "Partnership"),
]

FIRST_NAMES = ["Ana", "Ben", "Chen", "Dana", "Emeka", "Fatima", "Grace", "Hiro", "Ingrid", "José"]
LAST_NAMES = ["Alvarez", "Brown", "Costa", "Dubois", "Eriksen", "Fischer", "Gupta", "Haddad"]
JOB_TITLES = ["Chief Technology Officer", "Director of Programs", "Superintendent", "Consultant"]

OPENINGS = [
    "Senior education leaders visited schools, ministries and universities",
    "The delegation met teachers, students and policymakers",
    "District technology leaders studied national programmes",
    "Delegates saw classroom innovation first-hand",
]
FOCUSES = [
    "to learn how the country uses technology to transform learning",
    "to study national investment in broadband and devices for every student",
    "to understand how teachers are prepared to teach with technology",
    "to compare approaches to digital equity and inclusion",
    "to see how schools protect student data while opening up learning",
]
FINDINGS = [
    "A long-term national strategy matters more than any single device.",
    "Teachers were trusted to design their own digital curriculum.",
    "Every school was connected through a national research network.",
    "Students used open educational resources in their own language.",
    "Leaders measured the impact of technology on learning, not only its use.",
]
REPORT_TITLES = [
    "Reinventing Learning in {place}",
    "Lessons from {place}",
    "{place}: An Ecosystem Approach",
    "Connected Schools in {place}",
    "Leading Digital Change in {place}",
]
SUBTITLES = ["Observations of the delegation", "Questions for US policymakers", "Key takeaways"]
TRANSLATED_TITLES = {
    "es": "Abriendo puertas con las TIC en {place}",
    "es-mx": "Aprendizaje conectado en {place}",
    "fr": "Réinventer l’apprentissage en {place}",
    "pt": "Reinventar a aprendizagem em {place}",
    "pt-br": "Aprendizagem conectada em {place}",
    "de": "Digitales Lernen in {place}",
}
CAPTIONS = [
    "Delegates visit a primary school in {place}",
    "Students show their projects in {place}",
    "Meeting the ministry of education in {place}",
    "Our group in {place}",
    "A classroom of the future in {place}",
]
REGISTRATION = (
    "<p>Contact us with any questions, to see an agenda, or to register for the trip.</p>"
)
SYMPOSIUM_THEMES = [
    "Connected Learning",
    "Equity by Design",
    "Leading Digital Transformation",
    "Learning Anywhere, Anytime",
    "The Future of Assessment",
]


def is_generated():
    return Delegation.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def wipe():
    """Empty every table of the two content apps (only in the bench database)."""
    tables = [
        model._meta.db_table
        for label in ("delegations", "symposium")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    connection.ops.execute_sql_flush(statements)


def ensure_data(regenerate=False, log=print):
    """Generate the data set unless it is already there; return the table sizes."""
    if regenerate:
        log("Emptying the content tables of the bench database...")
        wipe()
    if is_generated():
        log("Bench data already present (pass --regenerate to rebuild it).")
    else:
        log("Generating the bench data set...")
        with transaction.atomic():
            call_command("load_seed_content", verbosity=0)
            Generator(random.Random(RANDOM_SEED), timezone.localdate()).run()
            ContentVersion.bump()
    if connection.vendor == "postgresql":
        # Statistics for the planner, as autovacuum would gather some time after a bulk
        # load: without them it plans for tables a fraction of their size.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "delegations": Delegation.objects.count(),
        "upcoming": Delegation.objects.upcoming().count(),
        "reports": Report.objects.count(),
        "photos": Photo.objects.count(),
        "dispatches": Dispatch.objects.count(),
        "symposia": Symposium.objects.count(),
    }


class Trip(NamedTuple):
    """A generated delegation with what its reports and photos are written from."""

    delegation: Delegation
    places: list
    language: str


def paragraphs(rng, sentences, count):
    return "".join(f"<p>{' '.join(rng.sample(sentences, 2))}</p>" for _ in range(count))


class Generator:
    def __init__(self, rng, today):
        self.rng = rng
        self.today = today

    def run(self):
        self.countries = self.make_countries()
        self.organisations = self.make_organisations()
        existing = set(Topic.objects.values_list("name", flat=True))
        Topic.objects.bulk_create([Topic(name=name) for name in TOPICS if name not in existing])
        self.topics = list(Topic.objects.all())
        self.contacts = self.make_contacts()
        trips = self.make_delegations(TOTALS["delegations"] - Delegation.objects.count())
        past = [trip for trip in trips if not trip.delegation.is_upcoming(self.today)]
        self.make_reports(past, TOTALS["reports"] - Report.objects.count())
        self.make_photos(past, TOTALS["photos"] - Photo.objects.count())
        self.make_dispatches(past, TOTALS["dispatches"] - Dispatch.objects.count())
        self.make_symposia(TOTALS["symposia"] - Symposium.objects.count())

    def make_countries(self):
        existing = set(Country.objects.values_list("name", flat=True))
        Country.objects.bulk_create(
            [Country(name=name, code=code) for name, code, *_ in COUNTRIES if name not in existing]
        )
        by_name = {country.name: country for country in Country.objects.all()}
        return [(by_name[name], language, cities) for name, _, language, cities in COUNTRIES]

    def make_organisations(self):
        existing = set(Organisation.objects.values_list("name", flat=True))
        new = []
        for prefix in ORG_PREFIXES:
            for kind, short in ORG_KINDS:
                name = f"{prefix} {kind}"
                if name not in existing:
                    website = f"https://{slugify(name)}.example.org/"
                    short_name = f"{prefix} {short}".strip() if short else ""
                    new.append(Organisation(name=name, short_name=short_name, website=website))
        Organisation.objects.bulk_create(new)
        return list(Organisation.objects.all())

    def make_contacts(self):
        rng = self.rng
        contacts = []
        for n in range(30):
            first, last = FIRST_NAMES[n % 10], LAST_NAMES[n % 8]
            contacts.append(
                Contact(
                    name=f"{first} {last}",
                    title=rng.choice(JOB_TITLES),
                    organisation=rng.choice(self.organisations) if rng.random() < 0.6 else None,
                    email=f"{first.lower()}.{last.lower()}{n}@example.org",
                    phone=f"+1 202 555 {100 + n:04d}",
                )
            )
        return Contact.objects.bulk_create(contacts)

    def random_day(self, first, last):
        return first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))

    def trip_dates(self, upcoming):
        """(precision, start, end), normalised; upcoming trips end today or later."""
        rng = self.rng
        if not upcoming and rng.random() < 0.08:
            return DatePrecision.UNKNOWN, None, None
        precision = rng.choices(
            [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR], weights=[60, 25, 15]
        )[0]
        while True:
            if upcoming:
                start = self.random_day(self.today + datetime.timedelta(days=10), LAST_DAY)
            else:
                start = self.random_day(FIRST_DAY, self.today - datetime.timedelta(days=30))
            end = start + datetime.timedelta(days=rng.randint(4, 14))
            start, end = normalise_date_span(start, end, precision)
            if (end >= self.today) == upcoming and end <= LAST_DAY:
                return precision, start, end

    def make_delegations(self, count):
        rng = self.rng
        upcoming = set(rng.sample(range(count), UPCOMING))
        delegations, all_stops = [], []
        for n in range(count):
            stops = self.pick_destinations()
            names = [place or country.name for place, country, _ in stops]
            title = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            precision, start, end = self.trip_dates(n in upcoming)
            summary = f"{rng.choice(OPENINGS)} in {' and '.join(names)} {rng.choice(FOCUSES)}."
            delegations.append(
                Delegation(
                    title=title,
                    slug=f"{SLUG_PREFIX}{n + 1:03d}-{slugify(title)}"[:200],
                    summary=summary,
                    body=paragraphs(rng, FINDINGS, rng.randint(2, 4)) if rng.random() < 0.6 else "",
                    date_precision=precision,
                    start_date=start,
                    end_date=end,
                    registration=REGISTRATION if n in upcoming else "",
                    agenda_url=(
                        f"https://agenda.example.org/{n + 1}.pdf"
                        if n in upcoming and rng.random() < 0.5
                        else ""
                    ),
                    is_published=rng.random() < 0.95,
                )
            )
            all_stops.append(stops)
        delegations = Delegation.objects.bulk_create(delegations)
        trips = [
            Trip(delegation, [place or country.name for place, country, _ in stops], stops[0][2])
            for delegation, stops in zip(delegations, all_stops, strict=True)
        ]
        Destination.objects.bulk_create(
            Destination(delegation=delegation, place=place, country=country, order=order)
            for delegation, stops in zip(delegations, all_stops, strict=True)
            for order, (place, country, _) in enumerate(stops)
        )
        self.link_delegations(delegations)
        return trips

    def link_delegations(self, delegations):
        """Sponsors and partners, contacts and topics."""
        rng = self.rng
        partners, contacts, topics = [], [], []
        for delegation in delegations:
            roles = [(org, role) for org in rng.sample(self.organisations, 3) for role in Role]
            for order, (organisation, role) in enumerate(rng.sample(roles, rng.randint(0, 3))):
                partners.append(
                    DelegationPartner(
                        delegation=delegation, organisation=organisation, role=role, order=order
                    )
                )
            upcoming = delegation.is_upcoming(self.today)
            how_many = rng.randint(1, 2) if upcoming else int(rng.random() < 0.3)
            for contact in rng.sample(self.contacts, how_many):
                contacts.append(Delegation.contacts.through(delegation=delegation, contact=contact))
            for topic in rng.sample(self.topics, rng.randint(0, 3)):
                topics.append(Delegation.topics.through(delegation=delegation, topic=topic))
        DelegationPartner.objects.bulk_create(partners)
        Delegation.contacts.through.objects.bulk_create(contacts)
        Delegation.topics.through.objects.bulk_create(topics)

    def pick_destinations(self):
        """1-3 stops: (place, country, language); a region spanning countries has no country."""
        rng = self.rng
        if rng.random() < 0.03:
            return [(rng.choice(REGIONS), None, "en")]
        how_many = rng.choices([1, 2, 3], weights=[60, 30, 10])[0]
        return [
            (rng.choice(cities) if cities and rng.random() < 0.3 else "", country, language)
            for country, language, cities in rng.sample(self.countries, how_many)
        ]

    def make_reports(self, trips, count):
        rng = self.rng
        reports = []
        for n, (delegation, places, language) in enumerate(rng.choices(trips, k=count)):
            title = rng.choice(REPORT_TITLES).format(place=places[0])
            alternate_title = alternate_language = ""
            if language in TRANSLATED_TITLES and rng.random() < 0.5:
                alternate_language = language
                alternate_title = TRANSLATED_TITLES[language].format(place=places[0])
            published_on = None
            if delegation.end_date and rng.random() < 0.9:
                published_on = delegation.end_date + datetime.timedelta(days=rng.randint(30, 200))
            slug = f"{SLUG_PREFIX}report-{n + 1:04d}-{slugify(title)}"[:250]
            reports.append(
                Report(
                    delegation=delegation,
                    title=title,
                    subtitle=rng.choice(SUBTITLES) if rng.random() < 0.5 else "",
                    slug=slug,
                    alternate_title=alternate_title,
                    alternate_language=alternate_language,
                    published_on=published_on,
                    summary=paragraphs(rng, FINDINGS, rng.randint(1, 3)),
                    external_url=f"https://reports.example.org/{slug}.pdf",
                    is_published=rng.random() < 0.95,
                    order=n % 5,
                )
            )
        Report.objects.bulk_create(reports)

    def make_photos(self, trips, count):
        rng = self.rng
        photos = []
        for n, (delegation, places, _) in enumerate(rng.choices(trips, k=count)):
            caption = rng.choice(CAPTIONS).format(place=rng.choice(places))
            if delegation.dates_known:
                caption += f", {delegation.start_date:%B %Y}"
            photos.append(
                Photo(
                    delegation=delegation,
                    caption=caption,
                    credit=rng.choice(FIRST_NAMES) if rng.random() < 0.4 else "",
                    order=n % 20,
                )
            )
        Photo.objects.bulk_create(photos)

    def make_dispatches(self, trips, count):
        rng = self.rng
        dispatches = []
        for n, (delegation, places, _) in enumerate(rng.choices(trips, k=count)):
            podcast = rng.random() < 0.3
            title = f"Day {n % 7 + 1} in {rng.choice(places)}"
            start = delegation.start_date or datetime.date(2010, 1, 1)
            dispatches.append(
                Dispatch(
                    delegation=delegation,
                    kind=Dispatch.Kind.PODCAST if podcast else Dispatch.Kind.BLOG,
                    title=title,
                    slug=f"{n + 1:04d}-{slugify(title)}",
                    author=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    published_on=start + datetime.timedelta(days=n % 7),
                    body="" if podcast else paragraphs(rng, FINDINGS, 2),
                    audio_url=f"https://audio.example.org/{n + 1}.mp3" if podcast else "",
                    is_published=rng.random() < 0.95,
                )
            )
        Dispatch.objects.bulk_create(dispatches)

    def make_symposia(self, count):
        rng = self.rng
        taken = set(Symposium.objects.values_list("year", flat=True))
        years = [year for year in range(self.today.year, 1990, -1) if year not in taken][:count]
        symposia = []
        for year in years:
            precision, start, end = DatePrecision.UNKNOWN, None, None
            if rng.random() < 0.7:
                precision = DatePrecision.DAY
                start = datetime.date(year, rng.choice([3, 4]), rng.randint(1, 25))
                end = start + datetime.timedelta(days=1)
            theme = rng.choice(SYMPOSIUM_THEMES)
            symposia.append(
                Symposium(
                    year=year,
                    title="CoSN International Symposium",
                    theme=f"{theme}: {rng.choice(FOCUSES)}",
                    date_precision=precision,
                    start_date=start,
                    end_date=end,
                    location="CoSN’s Annual Conference",
                    description=paragraphs(rng, FINDINGS, rng.randint(1, 2)),
                    is_published=rng.random() < 0.9,
                )
            )
        symposia = Symposium.objects.bulk_create(symposia)
        partners, resources = [], []
        for symposium in symposia:
            for order, organisation in enumerate(rng.sample(self.organisations, rng.randint(1, 4))):
                partners.append(
                    SymposiumPartner(symposium=symposium, organisation=organisation, order=order)
                )
            for order in range(rng.randint(0, 3)):
                kind = rng.choice(list(Resource.Kind))
                resources.append(
                    Resource(
                        symposium=symposium,
                        kind=kind,
                        title=f"{Resource.Kind(kind).label} of the {symposium.year} symposium",
                        url=f"https://symposium.example.org/{symposium.year}/{order}",
                        order=order,
                    )
                )
        SymposiumPartner.objects.bulk_create(partners)
        Resource.objects.bulk_create(resources)
