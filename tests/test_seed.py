import datetime
import html
import re
from pathlib import Path

import pytest
import reversion
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from core.models import Person, Section
from delegations.models import Country, Delegation, Photo, Report
from symposium.models import Symposium
from tests.helpers import on

SEED = Path(__file__).resolve().parents[1] / "cosn_global" / "seed" / "global-leadership.txt"

# Sentences the site words differently, and why.
REWORDED = {
    # The seed was written in 2014; "this year's" would be false on any later day.
    "This year's CoSN/UNESCO": "The 2014 CoSN/UNESCO",
}
# Listed as structured trips rather than one sentence: see test_every_past_trip_is_a_record.
AS_RECORDS = "Past trips have taken us to"


def normalise(markup):
    plain = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    plain = plain.replace("\xa0", " ").replace("“", '"').replace("”", '"')
    plain = re.sub(r"\s+([.,:;)])", r"\1", plain)
    return re.sub(r"\s+", " ", plain)


def seed_sentences():
    text = SEED.read_text().replace("\xa0", " ")
    for old, new in REWORDED.items():
        text = text.replace(old, new)
    for line in filter(None, (line.strip() for line in text.splitlines())):
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line):
            if not sentence.startswith(AS_RECORDS):
                yield re.sub(r"\s+", " ", sentence)


def public_pages(client):
    urls = [
        "/",
        reverse("delegations:delegation-list"),
        reverse("symposium:symposium-list"),
        *(d.get_absolute_url() for d in Delegation.objects.all()),
        *(r.get_absolute_url() for r in Report.objects.all()),
        *(s.get_absolute_url() for s in Symposium.objects.all()),
    ]
    return " ".join(normalise(client.get(url).content.decode()) for url in urls)


@pytest.mark.usefixtures("seeded")
def test_every_sentence_of_the_seed_is_on_the_site(client):
    # Registration copy is shown only while a trip is upcoming, so read the site as it
    # was on New Year's Day 2015 as well as today.
    with on(datetime.date(2015, 1, 1)):
        then = public_pages(client)
    with on(datetime.date(2026, 11, 29)):
        now = public_pages(client)
    missing = [s for s in seed_sentences() if s not in then and s not in now]
    assert missing == []


@pytest.mark.usefixtures("seeded")
def test_every_past_trip_is_a_record():
    trips = {d.slug: d for d in Delegation.objects.prefetch_related("destinations__country")}
    expected = {
        "argentina-uruguay": ("South America (Argentina & Uruguay)", ""),
        "london-paris-2011": ("London and Paris", "2011"),
        "scotland-netherlands-2009": ("Scotland and the Netherlands", "2009"),
        "scandinavia-2007": ("Scandinavia", "2007"),
        "australia-2004": ("Australia", "2004"),
        "portugal-2013": ("Portugal", "October 2013"),
        "singapore-2015": ("Singapore", "January 9-17, 2015"),
    }
    assert {slug: (t.title, t.dates_display) for slug, t in trips.items()} == expected
    assert trips["argentina-uruguay"].places_display == "Argentina and Uruguay"
    assert trips["argentina-uruguay"].start_date is None
    report = trips["argentina-uruguay"].reports.get()
    assert (report.title, report.alternate_title, report.alternate_language) == (
        "Opening Doors With ICT",
        "Abriendo Puertas Con ICT",
        "es",
    )
    assert trips["singapore-2015"].contacts.get().email == "ispero@cosn.org"


@pytest.mark.usefixtures("seeded")
def test_nothing_is_invented():
    assert not Report.objects.exclude(file="").exists()
    assert not Report.objects.exclude(external_url="").exists()
    assert not Photo.objects.exclude(image="").exists()
    assert not Delegation.objects.exclude(hero_image="").exists()
    assert Person.objects.get().title == ""
    assert Symposium.objects.get().start_date is None


def snapshot():
    models = [Section, Country, Person, Delegation, Report, Photo, Symposium]
    return {m.__name__: sorted(map(str, m.objects.values_list())) for m in models}


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    call_command("load_seed_content", verbosity=0)
    before = snapshot()
    call_command("load_seed_content", verbosity=0)
    assert snapshot() == before


@pytest.mark.django_db
def test_loading_again_keeps_editors_changes():
    call_command("load_seed_content", verbosity=0)
    Section.objects.filter(key="global-leadership").update(intro="<p>Edited.</p>")
    portugal = Delegation.objects.get(slug="portugal-2013")
    portugal.summary = "Edited summary."
    portugal.save()
    portugal.photos.all().delete()
    Symposium.objects.filter(year=2014).update(theme="Edited theme")
    call_command("load_seed_content", verbosity=0)
    assert Section.objects.get(key="global-leadership").intro == "<p>Edited.</p>"
    assert Delegation.objects.get(slug="portugal-2013").summary == "Edited summary."
    assert not Photo.objects.filter(delegation__slug="portugal-2013").exists()
    assert Symposium.objects.get(year=2014).theme == "Edited theme"


@pytest.mark.usefixtures("seeded")
def test_every_loaded_record_starts_its_history_as_loaded():
    for model in reversion.get_registered_models():
        for obj in model.objects.all():
            first = Version.objects.get_for_object(obj).last()
            assert first.revision.get_comment() == "Loaded from the seed content.", obj
