import pytest
from django.core.cache import cache
from django.core.management import call_command

from core import wording
from core.models import Wording


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, monkeypatch):
    # Tests run without collectstatic, and write uploads to a throwaway folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain http; HTTPS redirects have tests of their own.
    settings.SECURE_SSL_REDIRECT = False
    # Login lockouts (django-axes) refuse the test client's login(), which authenticates
    # without a request; tests/test_admin_security.py turns them back on to test them.
    settings.AXES_ENABLED = False
    # Tasks (sending email) run at once, in the test's transaction; tests of the worker
    # itself use the database backend (mail/tests/test_worker.py).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # The page cache outlives a test's database transaction: start every test empty; so
    # do the wording changes a process keeps.
    cache.clear()
    Wording.forget()
    # A template asking for wording that is not registered fails its test.
    monkeypatch.setattr(wording, "STRICT", True)


@pytest.fixture
def seeded(db):
    call_command("load_seed_content", verbosity=0)


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client
