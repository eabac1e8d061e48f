"""The benchmark's data set, generated from a fixed seed on top of the seed content.

Rows are bulk-inserted, so save() never runs: dates are widened here with the models'
own normalise_date_span, and every row must satisfy the database's check constraints.
No file is written: reports carry a link and photos only a caption.
"""

import datetime
import random

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
from pagecache import version
from symposium.models import Resource, Symposium, SymposiumPartner

TOTALS = {"delegations": 500, "reports": 2000, "photos": 5000, "dispatches": 600, "symposia": 20}
UPCOMING = 25
PREFIX = "bench-"
# Name;code;the language of its reports;cities: trips mix countries, cities and scripts.
COUNTRIES = """Argentina;AR;es;Buenos Aires,Córdoba|Australia;AU;en;Sydney|Brazil;BR;pt-br;Brasília
Canada;CA;fr;Toronto,Montréal|China;CN;zh-hans;Shanghai|Costa Rica;CR;es;San José|Denmark;DK;da;
Estonia;EE;et;Tallinn,Tartu|Finland;FI;fi;Espoo|France;FR;fr;Paris,Lyon|Germany;DE;de;Berlin
Ghana;GH;en;Accra|India;IN;hi;Mumbai|Ireland;IE;en;Dublin|Italy;IT;it;Rome|Japan;JP;ja;Kyoto
Kenya;KE;sw;Nairobi|Mexico;MX;es-mx;Monterrey|Netherlands;NL;nl;Utrecht|Norway;NO;nb;Oslo
New Zealand;NZ;en;Wellington|Poland;PL;pl;Kraków|Portugal;PT;pt;Lisbon,Porto|Singapore;SG;en;
South Korea;KR;ko;Seoul,Busan|Spain;ES;es;Madrid|Sweden;SE;sv;|United Kingdom;GB;en;London,Wales
Uruguay;UY;es;Montevideo""".replace("\n", "|")
TOPICS = ["AI", "Assessment", "Broadband", "Cybersecurity", "Digital equity", "Inclusion", "STEM"]
FINDINGS = [
    "A long-term national strategy mattered more than any single device.",
    "Teachers were trusted to design their own digital curriculum.",
    "Every school was connected through a national research network.",
    "Students used open educational resources in their own language.",
    "Leaders measured the impact of technology on learning, not only its use.",
]
TRANSLATED = {"es": "Aprendizaje conectado en {}", "fr": "Réinventer l’apprentissage en {}"}
MODELS = {"delegations": Delegation, "reports": Report, "photos": Photo}
MODELS |= {"dispatches": Dispatch, "symposia": Symposium}
NAMES = ["Ana Costa", "Ben Brown", "Chen Gupta", "Dana Dubois", "Emeka Fischer", "Grace Haddad"]


def ensure_data(regenerate, log):
    """Generate the data set unless it is there; return the counts for the report."""
    if regenerate:
        log("Emptying the content tables of the bench database...")
        labels = ("core", "delegations", "symposium")
        tables = [
            m._meta.db_table
            for label in labels
            for m in apps.get_app_config(label).get_models(include_auto_created=True)
        ]
        connection.ops.execute_sql_flush(
            connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
        )
    if not Delegation.objects.filter(slug__startswith=PREFIX).exists():
        log("Generating the bench data set...")
        with transaction.atomic():
            call_command("load_seed_content", verbosity=0)
            generate(random.Random(2026), timezone.localdate())
            version.bump()
    # The planner's statistics, which autovacuum would gather only some time after a bulk
    # load: without them it plans for tables a fraction of their size.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "delegations": Delegation.objects.count(),
        "upcoming": Delegation.objects.upcoming().count(),
        **{name: model.objects.count() for name, model in MODELS.items() if name != "delegations"},
    }


def paragraphs(rng, count):
    return "".join(f"<p>{' '.join(rng.sample(FINDINGS, 2))}</p>" for _ in range(count))


def trip_dates(rng, today, upcoming):
    """(precision, start, end) as the admin would save them; a few past trips undated."""
    if not upcoming and rng.random() < 0.08:
        return DatePrecision.UNKNOWN, None, None
    precision = rng.choices(list(DatePrecision)[:3], weights=[60, 25, 15])[0]
    while True:
        if upcoming:
            start = today + datetime.timedelta(days=rng.randint(10, 1500))
        else:
            start = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randint(0, 9000))
        start, end = normalise_date_span(
            start, start + datetime.timedelta(days=rng.randint(4, 14)), precision
        )
        if (end >= today) == upcoming:
            return precision, start, end


def generate(rng, today):
    left = {name: TOTALS[name] - model.objects.count() for name, model in MODELS.items()}
    countries = [country.split(";") for country in COUNTRIES.split("|")]
    Country.objects.bulk_create(
        [Country(name=name, code=code) for name, code, *_ in countries], ignore_conflicts=True
    )
    by_name = {country.name: country for country in Country.objects.all()}
    Topic.objects.bulk_create([Topic(name=name) for name in TOPICS], ignore_conflicts=True)
    topics = list(Topic.objects.all())
    Organisation.objects.bulk_create(
        [Organisation(name=f"{a} {b}") for a in TOPICS for b in ("Foundation", "Institute")],
        ignore_conflicts=True,
    )
    organisations = list(Organisation.objects.all())
    contacts = Contact.objects.bulk_create(
        Contact(name=name, email=f"{slugify(name)}.{n}@example.org", title="Director")
        for n, name in enumerate(NAMES * 4)
    )

    upcoming = set(
        rng.sample(range(left["delegations"]), UPCOMING - Delegation.objects.upcoming().count())
    )
    trips, stops = [], []
    for n in range(left["delegations"]):
        chosen = rng.sample(countries, rng.choices([1, 2, 3], weights=[60, 30, 10])[0])
        places = [
            (rng.choice(cities.split(",")) if cities and rng.random() < 0.3 else "", by_name[name])
            for name, _, _, cities in chosen
        ]
        names = [place or country.name for place, country in places]
        title = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        precision, start, end = trip_dates(rng, today, n in upcoming)
        trips.append(
            Delegation(
                title=title,
                slug=f"{PREFIX}{n + 1:03d}-{slugify(title)}"[:200],
                summary=f"Education leaders visited schools and ministries in {title}.",
                body=paragraphs(rng, rng.randint(2, 4)) if rng.random() < 0.6 else "",
                date_precision=precision,
                start_date=start,
                end_date=end,
                registration="<p>Contact us to register.</p>" if n in upcoming else "",
                is_published=rng.random() < 0.95,
            )
        )
        stops.append((places, chosen[0][2], names))
    trips = Delegation.objects.bulk_create(trips)
    Destination.objects.bulk_create(
        Destination(delegation=trip, place=place, country=country, order=order)
        for trip, (places, *_) in zip(trips, stops, strict=True)
        for order, (place, country) in enumerate(places)
    )
    DelegationPartner.objects.bulk_create(
        DelegationPartner(
            delegation=trip, organisation=org, role=rng.choice(Role.values), order=order
        )
        for trip in trips
        for order, org in enumerate(rng.sample(organisations, rng.randint(0, 3)))
    )
    Delegation.contacts.through.objects.bulk_create(
        Delegation.contacts.through(delegation=trip, contact=contact)
        for trip in trips
        for contact in rng.sample(contacts, trip.is_upcoming(today) + (rng.random() < 0.3))
    )
    Delegation.topics.through.objects.bulk_create(
        Delegation.topics.through(delegation=trip, topic=topic)
        for trip in trips
        for topic in rng.sample(topics, rng.randint(0, 3))
    )

    past = [
        (trip, *stop)
        for trip, stop in zip(trips, stops, strict=True)
        if not trip.is_upcoming(today)
    ]
    reports = []
    for n, (trip, _, language, names) in enumerate(rng.choices(past, k=left["reports"])):
        title = f"Lessons from {names[0]}"
        translated = language[:2] in TRANSLATED and rng.random() < 0.5
        slug = f"{PREFIX}report-{n + 1:04d}-{slugify(title)}"
        reports.append(
            Report(
                delegation=trip,
                title=title,
                subtitle="Observations of the delegation" if rng.random() < 0.5 else "",
                slug=slug,
                alternate_title=TRANSLATED[language[:2]].format(names[0]) if translated else "",
                alternate_language=language if translated else "",
                published_on=trip.end_date and trip.end_date + datetime.timedelta(days=90),
                summary=paragraphs(rng, rng.randint(1, 3)),
                external_url=f"https://reports.example.org/{slug}.pdf",
                is_published=rng.random() < 0.95,
                order=n % 5,
            )
        )
    Report.objects.bulk_create(reports)
    Photo.objects.bulk_create(
        Photo(
            delegation=trip,
            caption=f"Delegates visit a school in {rng.choice(names)}",
            order=n % 20,
        )
        for n, (trip, _, _, names) in enumerate(rng.choices(past, k=left["photos"]))
    )
    dispatches = []
    for n, (trip, _, _, names) in enumerate(rng.choices(past, k=left["dispatches"])):
        podcast = rng.random() < 0.3
        title = f"Day {n % 7 + 1} in {rng.choice(names)}"
        dispatches.append(
            Dispatch(
                delegation=trip,
                kind=Dispatch.Kind.PODCAST if podcast else Dispatch.Kind.BLOG,
                title=title,
                slug=f"{n + 1:04d}-{slugify(title)}",
                author=rng.choice(NAMES),
                published_on=(trip.start_date or datetime.date(2010, 1, 1))
                + datetime.timedelta(days=n % 7),
                body="" if podcast else paragraphs(rng, 2),
                audio_url=f"https://audio.example.org/{n + 1}.mp3" if podcast else "",
                is_published=rng.random() < 0.95,
            )
        )
    Dispatch.objects.bulk_create(dispatches)

    taken = set(Symposium.objects.values_list("year", flat=True))
    years = [year for year in range(today.year, 1990, -1) if year not in taken][: left["symposia"]]
    symposia = []
    for year in years:
        start = (
            datetime.date(year, rng.choice([3, 4]), rng.randint(1, 25))
            if rng.random() < 0.7
            else None
        )
        symposia.append(
            Symposium(
                year=year,
                title="CoSN International Symposium",
                theme=f"{rng.choice(TOPICS)} and the future of learning",
                date_precision=DatePrecision.DAY if start else DatePrecision.UNKNOWN,
                start_date=start,
                end_date=start and start + datetime.timedelta(days=1),
                location="CoSN’s Annual Conference",
                description=paragraphs(rng, rng.randint(1, 2)),
                is_published=rng.random() < 0.9,
            )
        )
    symposia = Symposium.objects.bulk_create(symposia)
    SymposiumPartner.objects.bulk_create(
        SymposiumPartner(symposium=symposium, organisation=organisation, order=order)
        for symposium in symposia
        for order, organisation in enumerate(rng.sample(organisations, rng.randint(1, 4)))
    )
    Resource.objects.bulk_create(
        Resource(
            symposium=symposium,
            kind=kind,
            title=f"{kind.label} of the {symposium.year} symposium",
            url=f"https://symposium.example.org/{symposium.year}/{order}",
            order=order,
        )
        for symposium in symposia
        for order, kind in enumerate(rng.sample(list(Resource.Kind), rng.randint(0, 3)))
    )
