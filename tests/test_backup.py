"""Backup and restore: all content goes through backup → empty database → restore intact."""

import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.tests.factories import PersonFactory
from cosn_global.management.commands.backup_site import walk
from delegations.models import Delegation, Dispatch
from delegations.tests.factories import (
    DelegationPartnerFactory,
    DispatchFactory,
    PhotoFactory,
    ReportFactory,
    TopicFactory,
)
from pagecache import version
from symposium.tests.factories import ResourceFactory, SymposiumPartnerFactory
from tests.helpers import jpeg

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def content(seeded):
    portugal = Delegation.objects.get(slug="portugal-2013")
    portugal.topics.add(TopicFactory(name="School networks"))
    portugal.contacts.add(PersonFactory())
    portugal.hero_image = jpeg()
    portugal.hero_alt = "Lisbon harbour"
    portugal.save()
    DelegationPartnerFactory(delegation=portugal)
    PhotoFactory(delegation=portugal, image=jpeg(), alt_text="Delegates in Lisbon")
    report = ReportFactory(delegation=portugal, external_url="", not_online=True)
    report.file.save("takeaways.pdf", ContentFile(b"%PDF-1.4 takeaways %%EOF"))
    podcast = DispatchFactory(delegation=portugal, kind=Dispatch.Kind.PODCAST)
    podcast.audio_file.save("episode.mp3", ContentFile(b"ID3 audio"))
    ResourceFactory(symposium__year=2016)
    SymposiumPartnerFactory(symposium__year=2017)
    editor = User.objects.create_user("editor", "editor@example.org", "a long passphrase 1")
    editor.groups.add(Group.objects.create(name="Editors"))


def snapshot():
    """Every row of every content table (incl. many-to-many), every user, every file."""
    rows = {}
    for label in ("core", "delegations", "symposium"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.auto_created:
                # A many-to-many link is its pair of ends; its own id is not content.
                ends = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
                rows[model._meta.label] = sorted(model.objects.values_list(*ends))
            else:
                rows[model._meta.label] = list(model.objects.order_by("pk").values())
    rows["users"] = list(
        User.objects.order_by("username").values(
            "username", "email", "password", "is_staff", "is_superuser", "groups__name"
        )
    )
    files = {name: default_storage.open(name).read() for name in sorted(walk(default_storage))}
    return rows, files


def empty_everything(settings):
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    Path(settings.MEDIA_ROOT).mkdir()


def test_backup_then_restore_into_an_empty_database_gives_back_every_record_and_file(
    content, tmp_path, settings
):
    before = snapshot()
    assert before[1], "the test needs files to round-trip"
    call_command("backup_site", tmp_path / "backup", "--no-pg-dump", verbosity=0)
    empty_everything(settings)
    assert not Delegation.objects.exists() and not list(walk(default_storage))

    call_command("restore_site", tmp_path / "backup", verbosity=0)

    after = snapshot()
    for table in before[0]:
        assert after[0][table] == before[0][table], table
    assert after[0] == before[0]
    assert after[1].keys() == before[1].keys()
    assert after[1] == before[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_a_pg_dump_backup_restores_every_record_and_file(content, tmp_path, settings):
    before = snapshot()
    call_command("backup_site", tmp_path / "backup", verbosity=0)
    assert (tmp_path / "backup" / "database.dump").stat().st_size > 0
    empty_everything(settings)

    call_command("restore_site", tmp_path / "backup", "--from-pg-dump", verbosity=0)

    assert snapshot() == before


def test_restore_refuses_to_overwrite_existing_content(content, tmp_path):
    call_command("backup_site", tmp_path / "backup", "--no-pg-dump", verbosity=0)
    with pytest.raises(CommandError, match="already has content"):
        call_command("restore_site", tmp_path / "backup", verbosity=0)


def test_backup_refuses_a_folder_that_is_not_empty(db, tmp_path):
    (tmp_path / "old.txt").write_text("previous backup")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_site", tmp_path, verbosity=0)


def test_a_restore_moves_the_content_version_so_no_stale_page_is_served(
    content, tmp_path, settings
):
    call_command("backup_site", tmp_path / "backup", "--no-pg-dump", verbosity=0)
    empty_everything(settings)
    before = version.current()[0]
    call_command("restore_site", tmp_path / "backup", verbosity=0)
    assert version.current()[0] > before
