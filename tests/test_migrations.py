"""A site running the schema from before the three-layer layout migrates forward with
every record, relation, uploaded file, history entry and admin permission intact.

The test database is taken back to that schema, filled through the models as they were
then (the seed content, uploads, history, inquiries, an editor and the admin's log), and
migrated forward; then everything is compared, row by row.
"""

import json

import pytest
import reversion
from django.apps import apps as current_apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from reversion.models import Version

from cosn_global.management.commands.load_seed_content import DELEGATIONS, SECTIONS, SYMPOSIA
from delegations.models import DelegationPartner

pytestmark = pytest.mark.django_db(transaction=True)

# The last migrations before the layout, and what each moved or renamed model is now.
BEFORE = [("delegations", "0004_validated_uploads"), ("symposium", "0002_validated_uploads")]
MOVED = {
    "delegations.organisation": "core.organisation",
    "delegations.contact": "core.person",
    "delegations.section": "core.section",
    "delegations.contentversion": "pagecache.contentversion",
    "delegations.appearance": "delegations.delegationpartner",
}
HISTORY = {"reversion.revision", "reversion.version"}
# Columns that migrations after BEFORE added: not there to compare.
ADDED = {
    "core.person": {"slug", "photo", "photo_alt", "bio", "listed"},
    "delegations.dispatch": {"updated_at", "audio_size", "duration", "go_live_at", "expires_at"},
    "delegations.delegation": {
        "go_live_at",
        "expires_at",
        "registration_ends_at",
        "promotion",
        "cost",
        "currency",
        "cost_on_request",
        "cost_includes",
        "audience",
        "apply_by",
        "capacity",
    },
    "delegations.report": {"page_count", "key_findings", "go_live_at", "expires_at"},
    "delegations.photo": {
        "link_preview",
        "link_preview_width",
        "link_preview_height",
        "focal_x",
        "focal_y",
    },
    "symposium.symposium": {
        "go_live_at",
        "expires_at",
        "start_time",
        "end_time",
        "time_zone",
        "venue_name",
        "venue_city",
        "venue_address",
        "registration_url",
        "registration_contact_id",
    },
}
# Columns whose name changed with what they hold: a contact is a person, a dispatch's
# author (a name) is one too.
RENAMED = {
    "delegations.delegation_contacts": {"contact_id": "person_id"},
    "delegations.dispatch": {"author": "author_id"},
}
APPS = (
    "core",
    "pagecache",
    "delegations",
    "symposium",
    "contenttypes",
    "auth",
    "admin",
    "reversion",
)


def migrate(*target):
    """As a deployment runs it: one `migrate`, to `target` (app, name) or to the latest."""
    call_command("migrate", *target, verbosity=0)
    ContentType.objects.clear_cache()


def new_label(label):
    return MOVED.get(label, label)


def fill(old):
    """The seed content and more, through the models of the schema before the layout."""
    get = old.get_model
    Contact, Organisation, Section = (
        get("delegations", n) for n in ("Contact", "Organisation", "Section")
    )
    Delegation, Country = get("delegations", "Delegation"), get("delegations", "Country")
    contacts = {}

    def contact(data):
        if data["email"] not in contacts:
            contacts[data["email"]] = Contact.objects.create(**data)
        return contacts[data["email"]]

    for data in map(dict, SECTIONS):
        if "contact" in data:
            data["contact"] = contact(data["contact"])
        Section.objects.create(**data)
    for data in map(dict, DELEGATIONS):
        data.pop("promotion", None)  # a later field (see test_the_promotion_...)
        places = data.pop("destinations")
        trip_contacts = data.pop("contacts", [])
        reports, photos = data.pop("reports", []), data.pop("photos", [])
        # Saving through a historical model skips save(): widen the dates as it would.
        data.setdefault("end_date", data.get("start_date"))
        trip = Delegation.objects.create(is_published=True, **data)
        for order, (place, country, code) in enumerate(places):
            country = country and Country.objects.get_or_create(name=country, code=code)[0]
            get("delegations", "Destination").objects.create(
                delegation=trip, place=place, country=country or None, order=order
            )
        trip.contacts.set([contact(c) for c in trip_contacts])
        for order, report in enumerate(reports):
            get("delegations", "Report").objects.create(
                delegation=trip, not_online=True, order=order, **report
            )
        for order, photo in enumerate(photos):
            get("delegations", "Photo").objects.create(delegation=trip, order=order, **photo)
    unesco = Organisation.objects.create(name="UNESCO", website="https://www.unesco.org")
    for data in map(dict, SYMPOSIA):
        data.pop("partners")
        edition = get("symposium", "Symposium").objects.create(is_published=True, **data)
        get("symposium", "SymposiumPartner").objects.create(symposium=edition, organisation=unesco)
        get("symposium", "Resource").objects.create(
            symposium=edition, title="Slides", file=upload("symposium/slides.pdf", b"%PDF-1.4")
        )

    portugal = Delegation.objects.get(slug="portugal-2013")
    portugal.topics.add(get("delegations", "Topic").objects.create(name="School networks"))
    portugal.hero_image = upload("delegations/hero/lisbon.jpg", b"\xff\xd8\xff")
    portugal.hero_alt = "Lisbon harbour"
    portugal.save()
    Contact.objects.create(name="Ana Costa", organisation=unesco)
    partner = get("delegations", "Appearance").objects.create(
        delegation=portugal, organisation=unesco, role="host"
    )
    report = portugal.reports.get()
    report.file = upload("reports/reinventing.pdf", b"%PDF-1.4 report")
    report.not_online = False
    report.save()
    get("delegations", "Dispatch").objects.create(
        delegation=portugal,
        kind="podcast",
        title="Episode 1",
        slug="episode-1",
        published_on=portugal.start_date,
        audio_file=upload("dispatches/audio/episode.mp3", b"ID3 audio"),
    )
    get("delegations", "Inquiry").objects.create(
        delegation=Delegation.objects.get(slug="singapore-2015"),
        name="Pat Lee",
        email="pat@example.org",
        message="Is there room for one more?",
        consent=True,
        email_status="sent",
    )
    get("delegations", "ContentVersion").objects.update_or_create(
        pk=1, defaults={"version": 1_700_000_000_000}
    )

    editor = get("auth", "User").objects.create(username="editor", is_staff=True)
    editors = get("auth", "Group").objects.create(name="Editors")
    editors.permissions.set(
        get("auth", "Permission").objects.filter(
            content_type__app_label__in=["delegations", "symposium"]
        )
    )
    editor.groups.add(editors)
    # History, as django-reversion saved it then: one revision of several objects.
    irene = Contact.objects.get(email="ispero@cosn.org")
    revision = get("reversion", "Revision").objects.create(
        date_created=timezone.now(), user=editor, comment="Changed the contact and the partner."
    )
    for obj in (irene, unesco, Section.objects.get(key="delegations"), partner, portugal):
        content_type = get("contenttypes", "ContentType").objects.get(
            app_label=obj._meta.app_label, model=obj._meta.model_name
        )
        get("reversion", "Version").objects.create(
            revision=revision,
            object_id=str(obj.pk),
            content_type=content_type,
            db="default",
            format="json",
            serialized_data=serializers.serialize("json", [obj]),
            object_repr=str(obj),
        )
        get("admin", "LogEntry").objects.create(
            action_time=timezone.now(),
            user=editor,
            content_type=content_type,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=2,
            change_message="[]",
        )


def upload(name, content):
    return default_storage.save(name, ContentFile(content))


def rows(registry):
    """Every row of every table of APPS, by model label as it is named now."""
    found = {}
    for app in APPS:
        if app not in registry.app_configs:  # core and pagecache, before they existed
            continue
        for model in registry.get_app_config(app).get_models(include_auto_created=True):
            label = new_label(model._meta.label_lower)
            skip, names = ADDED.get(label, set()), RENAMED.get(label, {})
            values = model.objects.order_by("pk").values()
            found[label] = [
                {names.get(k, k): v for k, v in row.items() if k not in skip} for row in values
            ]
    return found


def renamed(before):
    """What the rows of `before` must be once the moved models have their new names."""
    expected = json.loads(json.dumps(before, default=str))
    old_names = {old.split(".")[1]: new.split(".")[1] for old, new in MOVED.items()}
    for content_type in expected["contenttypes.contenttype"]:
        old = f"{content_type['app_label']}.{content_type['model']}"
        content_type["app_label"], content_type["model"] = new_label(old).split(".")
    for permission in expected["auth.permission"]:
        action, _, model = permission["codename"].partition("_")
        permission["codename"] = f"{action}_{old_names.get(model, model)}"
    for version in expected["reversion.version"]:
        data = json.loads(version["serialized_data"])
        for item in data:
            item["model"] = new_label(item["model"])
        version["serialized_data"] = data
    return expected


def comparable(found):
    found = json.loads(json.dumps(found, default=str))
    for version in found["reversion.version"]:
        version["serialized_data"] = json.loads(version["serialized_data"])
    return found


@pytest.fixture
def old_schema():
    # Taking delegations back also takes back what depends on it: symposium's and the
    # new apps' migrations.
    migrate(*BEFORE[0])
    loader = MigrationExecutor(connection).loader
    assert BEFORE[1] in loader.applied_migrations
    assert ("symposium", "0003_partners") not in loader.applied_migrations
    try:
        yield loader.project_state(list(loader.applied_migrations)).apps
    finally:
        migrate()


def test_a_site_at_the_old_schema_migrates_forward_with_nothing_lost(old_schema, settings):
    fill(old_schema)
    before = rows(old_schema)
    files = set(storage_names())

    migrate()

    after, expected = comparable(rows(current_apps)), renamed(before)
    # The fill wrote no dispatch author: an empty name is no author, no person.
    for row in expected["delegations.dispatch"]:
        row["author_id"] = row["author_id"] or None
    assert after.keys() >= expected.keys()
    for label, found in after.items():
        if label not in expected:  # a table that did not exist: nothing was in it
            assert found == [], label
        elif label in HISTORY:
            # Kept as they were; migrate adds a first version of each record that had none.
            assert found[: len(expected[label])] == expected[label], label
        else:
            assert found == expected[label], label
    for model in reversion.get_registered_models():
        for obj in model.objects.all():
            assert Version.objects.get_for_object(obj).exists(), obj
    assert all(before[label] for label in ("core.person", "reversion.version", "admin.logentry"))
    # Nothing stored under a name that is gone, and every file is where its record says.
    assert set(storage_names()) == files
    for label in ("delegations.report", "delegations.dispatch", "symposium.resource"):
        model = current_apps.get_model(label)
        for obj in model.objects.all():
            for field in model._meta.fields:
                value = getattr(obj, field.attname)
                if field.get_internal_type() in ("FileField", "ImageField") and value:
                    assert default_storage.exists(value.name)


def test_history_saved_before_the_move_can_still_be_shown_and_restored(old_schema):
    fill(old_schema)
    migrate()

    versions = Version.objects.filter(revision__comment="Changed the contact and the partner.")
    assert {v.content_type.model_class()._meta.label for v in versions} == {
        "core.Person",
        "core.Organisation",
        "core.Section",
        "delegations.DelegationPartner",
        "delegations.Delegation",
    }
    for version in versions:
        assert version.field_dict  # deserialises with today's models
    partner = DelegationPartner.objects.get()
    partner_version = versions.get_for_object(partner).get()
    partner.role = "sponsor"
    partner.save()
    with reversion.create_revision():
        partner_version.revert()
    partner.refresh_from_db()
    assert partner.role == "host"


def test_the_editors_keep_every_permission_they_had(old_schema):
    fill(old_schema)
    migrate()

    from django.contrib.auth.models import User

    editor = User.objects.get(username="editor")
    for codename in (
        "core.change_person",
        "core.change_organisation",
        "core.change_section",
        "delegations.change_delegationpartner",
        "delegations.add_delegationpartner",
        "symposium.change_symposiumpartner",
        "delegations.change_delegation",
    ):
        assert editor.has_perm(codename), codename


def storage_names(folder=""):
    folders, names = default_storage.listdir(folder)
    yield from (f"{folder}/{name}".lstrip("/") for name in names)
    for sub in folders:
        yield from storage_names(f"{folder}/{sub}".lstrip("/"))


def test_the_promotional_sentence_loaded_into_a_summary_moves_out_of_it():
    before = [("delegations", "0008_pictures_checked_before_django")]
    migrate(*before[0])
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        Delegation = old.get_model("delegations", "Delegation")
        Delegation.objects.create(
            title="Singapore",
            slug="singapore-2015",
            date_precision="unknown",
            summary="Singapore presents a unique opportunity. Our delegates will receive an "
            "outstanding professional development experience.",
        )
    finally:
        migrate()
    trip = current_apps.get_model("delegations", "Delegation").objects.get()
    assert trip.summary == "Singapore presents a unique opportunity."
    assert trip.promotion.startswith("Our delegates will receive")


def test_dispatch_authors_become_people_and_keep_their_names():
    before = [("delegations", "0009_promotion_apart_from_the_summary")]
    migrate(*before[0])
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        trip = old.get_model("delegations", "Delegation").objects.create(
            title="Portugal", slug="portugal-2013", date_precision="unknown"
        )
        Dispatch = old.get_model("delegations", "Dispatch")
        for n, author in enumerate(["Ana Costa", "Ana Costa", "Ben Brown", ""]):
            Dispatch.objects.create(
                delegation=trip, title=f"Day {n}", slug=f"day-{n}", body="<p>x</p>", author=author
            )
    finally:
        migrate()
    authors = current_apps.get_model("delegations", "Dispatch").objects.order_by("slug")
    assert [d.author and d.author.name for d in authors] == [
        "Ana Costa",
        "Ana Costa",
        "Ben Brown",
        None,
    ]
    assert authors[0].author == authors[1].author  # one person for one name
    assert {p.slug for p in current_apps.get_model("core", "Person").objects.all()} == {
        "ana-costa",
        "ben-brown",
    }
