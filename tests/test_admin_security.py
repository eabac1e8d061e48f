"""The admin's front door: login lockouts, its configurable address, strong passwords, and
the two groups of people (Editors write content; Administrators also manage people)."""

import os
import re
import subprocess
import sys
from importlib import reload
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import clear_url_caches, reverse

from cosn_global.management.commands.setup_groups import ADMINISTRATORS, EDITORS
from delegations.models import Delegation

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"


# --- Login lockouts (django-axes) ------------------------------------------------------


@pytest.fixture
def lockouts(settings):
    settings.AXES_ENABLED = True
    return settings.AXES_FAILURE_LIMIT


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", "editor@example.org", PASSWORD, is_staff=True)


def log_in(client, username, password, address="192.0.2.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def assert_locked_out(response):
    assert response.status_code == 429
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Too many failed logins" in page
    assert "Please wait 60 minutes, then try again." in page
    assert "ask one of the site’s administrators" in page
    assert "_auth_user_id" not in response.client.session


def test_the_lockout_settings_are_five_failures_an_hour_by_user_or_address(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 60 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_a_username_is_locked_out_after_the_failure_limit_from_any_address(
    client, lockouts, editor
):
    for attempt in range(lockouts - 1):
        response = log_in(client, "editor", "wrong password", address=f"192.0.2.{attempt}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()

    assert_locked_out(log_in(client, "editor", "wrong again", address="198.51.100.1"))
    # Even the right password, from yet another address, waits out the lockout.
    assert_locked_out(log_in(client, "editor", PASSWORD, address="203.0.113.9"))


def test_an_address_is_locked_out_after_the_failure_limit_whatever_the_username(
    client, lockouts, editor
):
    for attempt in range(lockouts - 1):
        assert log_in(client, f"guess{attempt}", "wrong password").status_code == 200

    assert_locked_out(log_in(client, "another-guess", "wrong password"))
    assert_locked_out(log_in(client, "editor", PASSWORD))
    # The editor can still log in from anywhere else.
    response = log_in(client, "editor", PASSWORD, address="203.0.113.9")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_a_successful_login_before_the_limit_clears_the_failures(client, lockouts, editor):
    for _ in range(lockouts - 1):
        log_in(client, "editor", "wrong password")

    assert log_in(client, "editor", PASSWORD).status_code == 302
    client.logout()

    for _ in range(lockouts - 1):
        assert log_in(client, "editor", "wrong password").status_code == 200
    assert log_in(client, "editor", PASSWORD).status_code == 302


def test_the_lockout_page_says_who_can_lift_a_lockout_without_a_cool_off(
    client, lockouts, editor, settings
):
    settings.AXES_COOLOFF_TIME = None
    for _ in range(lockouts):
        response = log_in(client, "editor", "wrong password")

    assert response.status_code == 429
    assert "The pause lasts until one of the site’s administrators lifts it." in (
        response.content.decode()
    )


# --- The admin's address ------------------------------------------------------------


def run_django(code, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "cosn_global.settings",
            "ENV_FILE": os.devnull,
            "DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
    )


def test_the_admin_address_comes_from_admin_url():
    result = run_django(
        "from django.urls import reverse; print(reverse('admin:index'), reverse('admin:login'))",
        ADMIN_URL="backoffice/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/backoffice/", "/backoffice/login/"]


@pytest.mark.parametrize("value", ["/backoffice/", "backoffice", "back office/", "../admin/"])
def test_an_admin_url_that_is_not_a_relative_path_ending_in_a_slash_is_refused(value):
    result = run_django("", ADMIN_URL=value)
    assert result.returncode != 0
    assert "ADMIN_URL must be a path such as 'backoffice/'" in result.stderr


@pytest.fixture
def admin_at_backoffice(settings):
    import cosn_global.urls

    settings.ADMIN_URL = "backoffice/"
    reload(cosn_global.urls)
    clear_url_caches()
    yield
    settings.ADMIN_URL = "admin/"
    reload(cosn_global.urls)
    clear_url_caches()


@pytest.mark.usefixtures("admin_at_backoffice")
def test_the_admin_answers_only_at_its_configured_address(client, db):
    assert client.get("/backoffice/").status_code == 302
    assert client.get("/backoffice/login/").status_code == 200
    assert client.get("/admin/").status_code == 404


# --- Strong passwords ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Lisbon2027!", "at least 12 characters"),
        ("password1234", "too common"),
        ("839201749302", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password, reason):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert reason in " ".join(refused.value.messages)


def test_a_long_uncommon_password_is_accepted():
    validate_password(PASSWORD)


def test_the_admin_refuses_to_give_a_new_user_a_short_password(admin_client):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "Lisbon2027!",
            "password2": "Lisbon2027!",
            "_save": "Save",
        },
    )

    assert response.status_code == 200
    assert "It must contain at least 12 characters." in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


# --- Groups: Editors and Administrators -----------------------------------------------


def permission_names(group):
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


@pytest.fixture
def groups(db):
    call_command("setup_groups", stdout=StringIO())


def member_of(group_name, username):
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.mark.usefixtures("groups")
def test_editors_may_change_every_piece_of_content_and_nothing_else():
    permissions = permission_names(Group.objects.get(name=EDITORS))

    assert {"delegations.add_delegation", "delegations.delete_report"} <= permissions
    assert {"symposium.change_symposium", "symposium.view_resource"} <= permissions
    assert {name.split(".")[0] for name in permissions} == {"core", "delegations", "symposium"}
    expected = Permission.objects.filter(
        content_type__app_label__in=["core", "delegations", "symposium"]
    )
    assert len(permissions) == expected.count()


@pytest.mark.usefixtures("groups")
def test_administrators_have_every_permission():
    permissions = permission_names(Group.objects.get(name=ADMINISTRATORS))
    assert {"auth.change_user", "auth.change_group", "axes.delete_accessattempt"} <= permissions
    assert len(permissions) == Permission.objects.count()


@pytest.mark.usefixtures("groups")
def test_an_editor_can_add_a_delegation_but_not_manage_users_groups_or_lockouts(client):
    client.force_login(member_of(EDITORS, "writer"))

    assert client.get(reverse("admin:delegations_delegation_add")).status_code == 200
    for name in ("auth_user_changelist", "auth_group_changelist", "axes_accessattempt_changelist"):
        assert client.get(reverse(f"admin:{name}")).status_code == 403, name
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:delegations_delegation_changelist") in index
    assert reverse("admin:auth_user_changelist") not in index
    assert reverse("admin:auth_group_changelist") not in index


@pytest.mark.usefixtures("groups")
def test_an_administrator_can_manage_users_and_groups(client):
    client.force_login(member_of(ADMINISTRATORS, "chief"))

    for name in ("auth_user_changelist", "auth_group_changelist", "axes_accessattempt_changelist"):
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:auth_user_changelist") in index
    assert reverse("admin:delegations_delegation_changelist") in index


@pytest.mark.usefixtures("groups")
def test_an_editor_can_save_a_delegation_through_the_admin(client):
    from delegations.tests.factories import DelegationFactory

    delegation = DelegationFactory()
    client.force_login(member_of(EDITORS, "writer"))
    response = client.get(reverse("admin:delegations_delegation_change", args=[delegation.pk]))
    assert response.status_code == 200
    assert 'name="_save"' in response.content.decode()


def test_setup_groups_can_run_again_without_changing_anything(db):
    call_command("setup_groups", stdout=StringIO())
    before = {group.name: permission_names(group) for group in Group.objects.all()}
    out = StringIO()

    call_command("setup_groups", stdout=out)

    assert {group.name: permission_names(group) for group in Group.objects.all()} == before
    assert set(before) == {EDITORS, ADMINISTRATORS}
    assert re.findall(r"(\w+): exists, 0 permissions added, 0 removed", out.getvalue()) == [
        EDITORS,
        ADMINISTRATORS,
    ]


def test_setup_groups_keeps_hand_added_permissions_unless_reset(db):
    call_command("setup_groups", stdout=StringIO())
    editors = Group.objects.get(name=EDITORS)
    editors.permissions.add(Permission.objects.get(codename="view_user"))

    call_command("setup_groups", stdout=StringIO())
    assert "auth.view_user" in permission_names(editors)

    call_command("setup_groups", "--reset", stdout=StringIO())
    assert "auth.view_user" not in permission_names(editors)
    assert Delegation._meta.app_label in {name.split(".")[0] for name in permission_names(editors)}
