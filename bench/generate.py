"""The benchmark's data set: the seed content, then rows from a fixed random seed.

Rows are bulk-inserted, so save() never runs: dates are widened here with the models'
own normalise_date_span, and every row must satisfy the database's check constraints.
No file is written: reports carry a link and photos only a caption.
"""

import datetime
import random

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.dates import DatePrecision, normalise_date_span
from core.models import Organisation, Person, Role
from delegations.models import (
    Country,
    Delegation,
    DelegationPartner,
    Destination,
    Dispatch,
    ItineraryDay,
    Photo,
    Report,
    Testimonial,
    Topic,
    Visit,
)
from pagecache import version
from symposium.models import Resource, Session, Symposium, SymposiumPartner

TOTALS = {Delegation: 500, Report: 2000, Photo: 5000, Dispatch: 600, Symposium: 20}
UPCOMING = 25
# Name;code;language of its reports;cities: trips mix countries, cities and scripts.
COUNTRIES = """Argentina;AR;es;Buenos Aires,Córdoba|Australia;AU;en;Sydney|Brazil;BR;pt-br;Brasília
Canada;CA;fr;Toronto,Montréal|China;CN;zh-hans;Shanghai|Costa Rica;CR;es;San José|Denmark;DK;da;
Estonia;EE;et;Tallinn,Tartu|Finland;FI;fi;Espoo|France;FR;fr;Paris,Lyon|Germany;DE;de;Berlin
Ghana;GH;en;Accra|India;IN;hi;Mumbai|Ireland;IE;en;Dublin|Italy;IT;it;Rome|Japan;JP;ja;Kyoto
Kenya;KE;sw;Nairobi|Mexico;MX;es-mx;Monterrey|Netherlands;NL;nl;Utrecht|Norway;NO;nb;Oslo
New Zealand;NZ;en;Wellington|Poland;PL;pl;Kraków|Portugal;PT;pt;Lisbon,Porto|Singapore;SG;en;
South Korea;KR;ko;Seoul,Busan|Spain;ES;es;Madrid|Sweden;SE;sv;|United Kingdom;GB;en;London,Wales
Uruguay;UY;es;Montevideo""".replace("\n", "|")
TOPICS = ["AI", "Assessment", "Broadband", "Cybersecurity", "Digital equity", "Inclusion", "STEM"]
TRANSLATED = {"es": "Aprendizaje conectado en {}", "fr": "Réinventer l’apprentissage en {}"}
NAMES = ["Ana Costa", "Ben Brown", "Chen Gupta", "Dana Dubois", "Emeka Fischer", "Grace Haddad"]
FINDINGS = [
    "A long-term national strategy mattered more than any single device.",
    "Teachers were trusted to design their own digital curriculum.",
    "Every school was connected through a national research network.",
    "Leaders measured the impact of technology on learning, not only its use.",
]


def ensure_data(log):
    """Generate the data set unless it is there; return the counts for the report."""
    if not Delegation.objects.filter(slug__startswith="bench-").exists():
        log("Generating the bench data set...")
        with transaction.atomic():
            call_command("load_seed_content", verbosity=0)
            generate(random.Random(2026), timezone.localdate())
            version.bump()
    # The planner's statistics, which autovacuum would gather only some time after a bulk
    # load: without them it plans for tables a fraction of their size.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    sizes = {model._meta.verbose_name_plural: model.objects.count() for model in TOTALS}
    return sizes | {"upcoming delegations": Delegation.objects.upcoming().count()}


def text(rng, paragraphs):
    return "".join(f"<p>{' '.join(rng.sample(FINDINGS, 2))}</p>" for _ in range(paragraphs))


def trip_dates(rng, today, upcoming):
    """(precision, start, end) as the admin would save them; a few past trips undated."""
    if not upcoming and rng.random() < 0.08:
        return DatePrecision.UNKNOWN, None, None
    precision = rng.choices(list(DatePrecision)[:3], weights=[60, 25, 15])[0]
    while True:
        days = rng.randint(10, 1500) if upcoming else -rng.randint(30, 9000)
        start = today + datetime.timedelta(days=days)
        end = start + datetime.timedelta(days=rng.randint(4, 14))
        start, end = normalise_date_span(start, end, precision)
        if (end >= today) == upcoming:
            return precision, start, end


def generate(rng, today):
    left = {model: total - model.objects.count() for model, total in TOTALS.items()}
    countries = [country.split(";") for country in COUNTRIES.split("|")]
    new = [Country(name=name, code=code) for name, code, *_ in countries]
    Country.objects.bulk_create(new, ignore_conflicts=True)
    by_name = {country.name: country for country in Country.objects.all()}
    Topic.objects.bulk_create([Topic(name=name) for name in TOPICS], ignore_conflicts=True)
    topics = list(Topic.objects.all())
    new = [Organisation(name=f"{topic} {kind}") for topic in TOPICS for kind in ("Lab", "Fund")]
    Organisation.objects.bulk_create(new, ignore_conflicts=True)
    organisations = list(Organisation.objects.all())
    people = Person.objects.bulk_create(
        Person(
            name=name,
            slug=f"bench-{slugify(name)}-{n}",
            email=f"{slugify(name)}.{n}@example.org",
            title="Director",
            listed=n % 2 == 0,
            bio=FINDINGS[n % len(FINDINGS)],
        )
        for n, name in enumerate(NAMES * 20)
    )
    contacts = people[:24]

    upcoming = UPCOMING - Delegation.objects.upcoming().count()
    upcoming = set(rng.sample(range(left[Delegation]), upcoming))
    trips, stops = [], []
    for n in range(left[Delegation]):
        chosen = rng.sample(countries, rng.choices([1, 2, 3], weights=[60, 30, 10])[0])
        places = [
            (rng.choice(cities.split(",")) if cities and rng.random() < 0.3 else "", by_name[name])
            for name, _, _, cities in chosen
        ]
        names = [place or country.name for place, country in places]
        title = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        precision, start, end = trip_dates(rng, today, n in upcoming)
        trip = Delegation(title=title, slug=f"bench-{n + 1:03d}-{slugify(title)}"[:200])
        trip.summary = f"Education leaders visited schools and ministries in {title}."
        trip.body = text(rng, rng.randint(2, 4)) if rng.random() < 0.6 else ""
        trip.date_precision, trip.start_date, trip.end_date = precision, start, end
        trip.registration = "<p>Contact us to register.</p>" if n in upcoming else ""
        trip.is_published = rng.random() < 0.95
        trips.append(trip)
        stops.append((places, chosen[0][2], names))
    trips = Delegation.objects.bulk_create(trips)
    Destination.objects.bulk_create(
        Destination(delegation=trip, place=place, country=country, order=order)
        for trip, (places, *_) in zip(trips, stops, strict=True)
        for order, (place, country) in enumerate(places)
    )
    DelegationPartner.objects.bulk_create(
        DelegationPartner(delegation=trip, organisation=org, role=rng.choice(Role.values), order=n)
        for trip in trips
        for n, org in enumerate(rng.sample(organisations, rng.randint(0, 3)))
    )
    Delegation.contacts.through.objects.bulk_create(
        Delegation.contacts.through(delegation=trip, person=contact)
        for trip in trips
        for contact in rng.sample(contacts, trip.is_upcoming(today) + (rng.random() < 0.3))
    )
    Delegation.delegates.through.objects.bulk_create(
        Delegation.delegates.through(delegation=trip, person=person)
        for trip in trips
        for person in rng.sample(people, rng.randint(0, 8))
    )
    days = ItineraryDay.objects.bulk_create(
        ItineraryDay(delegation=trip, day_number=day + 1, city=rng.choice(names), order=day)
        for trip, (_, _, names) in zip(trips, stops, strict=True)
        for day in range(rng.choice([0, 0, 3, 5]))
    )
    Visit.objects.bulk_create(
        Visit(day=day, kind=rng.choice(Visit.Kind.values), name=f"School {n}", order=n)
        for day in days
        for n in range(rng.randint(1, 3))
    )
    Testimonial.objects.bulk_create(
        Testimonial(
            delegation=trip,
            person=rng.choice(people),
            quote=rng.choice(FINDINGS),
            on_landing=rng.random() < 0.05,
        )
        for trip in trips
        if rng.random() < 0.3
    )
    Delegation.topics.through.objects.bulk_create(
        Delegation.topics.through(delegation=trip, topic=topic)
        for trip in trips
        for topic in rng.sample(topics, rng.randint(0, 3))
    )

    past = [(trip, *stop) for trip, stop in zip(trips, stops, strict=True)]
    past = [trip for trip in past if not trip[0].is_upcoming(today)]
    reports = []
    for n, (trip, _, language, names) in enumerate(rng.choices(past, k=left[Report])):
        slug = f"bench-report-{n + 1:04d}-lessons-from-{slugify(names[0])}"
        report = Report(delegation=trip, title=f"Lessons from {names[0]}", slug=slug, order=n % 5)
        if language[:2] in TRANSLATED and rng.random() < 0.5:
            report.alternate_title = TRANSLATED[language[:2]].format(names[0])
            report.alternate_language = language
        report.subtitle = "Observations of the delegation" if rng.random() < 0.5 else ""
        report.published_on = trip.end_date and trip.end_date + datetime.timedelta(days=90)
        report.summary = text(rng, rng.randint(1, 3))
        report.external_url = f"https://reports.example.org/{slug}.pdf"
        report.is_published = rng.random() < 0.95
        reports.append(report)
    Report.objects.bulk_create(reports)
    Photo.objects.bulk_create(
        Photo(delegation=trip, caption=f"A school in {rng.choice(names)}", order=n % 20)
        for n, (trip, _, _, names) in enumerate(rng.choices(past, k=left[Photo]))
    )
    dispatches = []
    for n, (trip, _, _, names) in enumerate(rng.choices(past, k=left[Dispatch])):
        dispatch = Dispatch(delegation=trip, title=f"Day {n % 7 + 1} in {rng.choice(names)}")
        dispatch.slug, dispatch.author = (
            f"{n + 1:04d}-{slugify(dispatch.title)}",
            rng.choice(people),
        )
        dispatch.published_on = (trip.start_date or today) + datetime.timedelta(days=n % 7)
        if rng.random() < 0.3:
            dispatch.kind, dispatch.audio_url = Dispatch.Kind.PODCAST, f"https://a.example/{n}.mp3"
        else:
            dispatch.body = text(rng, 2)
        dispatch.is_published = rng.random() < 0.95
        dispatches.append(dispatch)
    Dispatch.objects.bulk_create(dispatches)

    taken = set(Symposium.objects.values_list("year", flat=True))
    years = [year for year in range(today.year, 1990, -1) if year not in taken]
    symposia = []
    for year in years[: left[Symposium]]:
        symposium = Symposium(year=year, title="CoSN International Symposium")
        symposium.theme = f"{rng.choice(TOPICS)} and the future of learning"
        if rng.random() < 0.7:
            symposium.date_precision = DatePrecision.DAY
            symposium.start_date = datetime.date(year, rng.choice([3, 4]), rng.randint(1, 25))
            symposium.end_date = symposium.start_date + datetime.timedelta(days=1)
        symposium.location = "CoSN’s Annual Conference"
        symposium.description = text(rng, rng.randint(1, 2))
        symposium.is_published = rng.random() < 0.9
        symposia.append(symposium)
    symposia = Symposium.objects.bulk_create(symposia)
    SymposiumPartner.objects.bulk_create(
        SymposiumPartner(symposium=symposium, organisation=organisation, order=order)
        for symposium in symposia
        for order, organisation in enumerate(rng.sample(organisations, rng.randint(1, 4)))
    )
    for symposium in symposia:
        for n in range(rng.randint(0, 6)):
            session = Session.objects.create(
                symposium=symposium,
                title=f"{rng.choice(TOPICS)}: what we learned",
                start=datetime.time(9 + n),
                end=datetime.time(10 + n),
                room=f"Room {n + 1}",
                order=n,
            )
            session.speakers.add(*rng.sample(people, rng.randint(1, 3)))
            session.moderators.add(rng.choice(people))
    Resource.objects.bulk_create(
        Resource(
            symposium=symposium,
            kind=kind,
            title=kind.label,
            url=f"https://symposium.example.org/{symposium.year}/{kind}",
            order=n,
        )
        for symposium in symposia
        for n, kind in enumerate(rng.sample(list(Resource.Kind), rng.randint(0, 3)))
    )
