"""Two-factor sign-in to the admin (cosn_global/two_factor.py): setting it up, logging in
with a code from the app or a recovery code, wrong and replayed codes, lockouts that
span both steps, the superusers' switch that requires it of everyone, and turning it off.
"""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cosn_global import two_factor
from cosn_global.models import SignInPolicy

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = reverse("admin:login")
CODE_STEP = reverse("admin:login_code")
TWO_FACTOR = reverse("admin:two_factor")
INDEX = reverse("admin:index")
TRIPS = reverse("admin:delegations_delegation_changelist")


@pytest.fixture
def frozen():
    """A clock that moves only when told (`frozen.shift(seconds)`): each 30 seconds the
    app shows a new code, and django-otp's wait after a wrong code passes."""
    with time_machine.travel(
        datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC), tick=False
    ) as clock:
        yield clock


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", "editor@example.org", PASSWORD, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="delegations"))
    return user


@pytest.fixture
def editor_with_app(editor):
    TOTPDevice.objects.create(user=editor, name="Authenticator app")
    two_factor.make_recovery_codes(editor)
    return editor


def app_code(user):
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def recovery_codes(user):
    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def password_step(client, username="editor", password=PASSWORD, address="192.0.2.1", next=TRIPS):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": next}, REMOTE_ADDR=address
    )


def code_step(client, code, address="192.0.2.1"):
    return client.post(CODE_STEP, {"code": code}, REMOTE_ADDR=address)


def signed_in(client):
    return "_auth_user_id" in client.session


def require_two_factor():
    SignInPolicy.objects.update_or_create(pk=1, defaults={"require_two_factor": True})


# --- Setting it up ----------------------------------------------------------------------


def test_setting_up_shows_a_qr_code_and_the_key_then_the_recovery_codes_once(
    client, editor, frozen
):
    client.force_login(editor)
    page = client.get(TWO_FACTOR).content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert 'class="qr-code" role="img" aria-label="QR code' in page
    assert "otpauth://totp/CoSN%20Global%20Leadership%3Aeditor?secret=" in page
    key = re.search(r'<code class="two-factor-key">([A-Z2-7 ]+)</code>', page)[1]
    assert len(key.split()) == 8  # groups of four
    # A page reloaded after scanning keeps the same key.
    assert key in client.get(TWO_FACTOR).content.decode()

    response = client.post(TWO_FACTOR, {"action": "confirm", "confirm-code": app_code(editor)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(TWO_FACTOR).content.decode()
    assert "Two-factor sign-in is on." in shown
    codes = recovery_codes(editor)
    assert len(codes) == 10
    assert all(f"{code[:4]}-{code[4:]}" in shown for code in codes)
    again = client.get(TWO_FACTOR).content.decode()
    assert "Recovery codes left: <strong>10</strong> of 10." in again
    assert not any(f"{code[:4]}-{code[4:]}" in again for code in codes)
    # The session that set it up is verified, and goes on using the admin.
    assert client.get(TRIPS).status_code == 200


def test_a_wrong_or_malformed_code_does_not_turn_it_on(client, editor, frozen):
    client.force_login(editor)
    client.get(TWO_FACTOR)
    for code in ["000000", "abc!!", "1234567890123456789"]:
        response = client.post(TWO_FACTOR, {"action": "confirm", "confirm-code": code})
        assert response.status_code == 200
        assert "That code is not right" in response.content.decode()
        frozen.shift(60)
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    too_long = client.post(TWO_FACTOR, {"action": "confirm", "confirm-code": "1" * 21})
    assert "at most 20 characters" in too_long.content.decode()


def test_the_admins_user_links_lead_to_the_page(client, editor):
    client.force_login(editor)
    assert f'href="{TWO_FACTOR}">Two-factor sign-in</a>' in client.get(INDEX).content.decode()


# --- Logging in -------------------------------------------------------------------------


def test_the_password_alone_signs_in_someone_without_two_factor(client, editor):
    response = password_step(client)
    assert response["Location"] == TRIPS
    assert signed_in(client)


def test_with_two_factor_the_password_is_only_the_first_step(client, editor_with_app, frozen):
    response = password_step(client)

    assert response["Location"] == CODE_STEP
    assert not signed_in(client)
    # Nothing of the admin can be reached in between.
    for path in (INDEX, TRIPS, reverse("admin:auth_user_changelist")):
        assert client.get(path)["Location"].startswith(LOGIN + "?next=")
    page = client.get(CODE_STEP).content.decode()
    assert "Signing in as <strong>editor</strong>" in page
    assert 'autocomplete="one-time-code"' in page

    response = code_step(client, app_code(editor_with_app))

    assert response["Location"] == TRIPS
    assert signed_in(client)
    assert client.get(TRIPS).status_code == 200


def test_an_app_code_works_once(client, editor_with_app, frozen):
    code = app_code(editor_with_app)
    password_step(client)
    assert code_step(client, code)["Location"] == TRIPS
    client.logout()

    frozen.shift(30)  # the next step: the old code is still within the app's tolerance
    password_step(client)
    response = code_step(client, code)
    assert response.status_code == 200
    assert "That code is not right, or has been used already." in response.content.decode()
    assert not signed_in(client)


def test_a_recovery_code_works_once_and_says_how_many_are_left(client, editor_with_app, frozen):
    code = recovery_codes(editor_with_app)[0]
    password_step(client)

    response = code_step(client, f" {code[:4].upper()}-{code[4:]} ")  # as it is shown

    assert response["Location"] == TRIPS
    assert "You used a recovery code: 9 left." in client.get(TRIPS).content.decode()
    client.logout()
    password_step(client)
    assert "has been used already" in code_step(client, code).content.decode()
    assert not signed_in(client)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("123456", "That code is not right"),
        ("not a code", "That code is not right"),
        ("12345", "That code is not right"),
        ("ab!cd?ef", "That code is not right"),
        ("\x00", "Null characters are not allowed."),
        ("", "This field is required."),
    ],
)
def test_a_wrong_code_is_refused_with_a_message(client, editor_with_app, code, message):
    password_step(client)
    response = code_step(client, code)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not signed_in(client)


def test_a_right_code_just_after_a_wrong_one_is_asked_to_wait(client, editor_with_app, frozen):
    password_step(client)
    code_step(client, "000000")
    response = code_step(client, app_code(editor_with_app))
    assert "Too many wrong codes in a row: wait 1 second, then try again." in (
        response.content.decode()
    )
    frozen.shift(2)
    assert code_step(client, app_code(editor_with_app))["Location"] == TRIPS


def test_the_second_step_expires(client, editor_with_app, frozen):
    password_step(client)
    frozen.shift(two_factor.PENDING_MINUTES * 60 + 1)
    response = code_step(client, app_code(editor_with_app))
    assert response["Location"] == LOGIN
    assert "took too long: log in again" in client.get(LOGIN).content.decode()
    assert not signed_in(client)


def test_the_second_step_without_the_first_goes_to_the_login(client):
    assert client.get(CODE_STEP)["Location"] == LOGIN
    assert client.post(CODE_STEP, {"code": "123456"})["Location"] == LOGIN


def test_a_session_signed_in_before_two_factor_was_set_up_elsewhere_must_log_in_again(
    client, editor_with_app
):
    client.force_login(editor_with_app)
    response = client.get(TRIPS)
    assert response["Location"] == f"{LOGIN}?next={TRIPS}"
    assert not signed_in(client)


# --- Lockouts: one count for both steps --------------------------------------------------


@pytest.fixture
def lockouts(settings):
    settings.AXES_ENABLED = True
    return settings.AXES_FAILURE_LIMIT


def assert_locked_out(response):
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "a wrong password or a wrong two-factor code" in page
    assert not signed_in(response.client)


def test_wrong_passwords_and_wrong_codes_count_together(client, lockouts, editor_with_app, frozen):
    for _ in range(lockouts - 2):
        assert password_step(client, password="wrong").status_code == 200
    assert password_step(client)["Location"] == CODE_STEP  # not a login: nothing is forgotten
    assert code_step(client, "000000").status_code == 200
    frozen.shift(60)

    assert_locked_out(code_step(client, "111111"))
    frozen.shift(60)
    # Even the right code, or the right password, waits out the lockout.
    assert_locked_out(code_step(client, app_code(editor_with_app)))
    assert_locked_out(password_step(client, address="203.0.113.9"))
    assert AccessAttempt.objects.filter(username="editor").exists()
    assert "111111" not in "".join(AccessAttempt.objects.values_list("post_data", flat=True))


def test_the_right_password_does_not_wipe_out_wrong_codes(
    client, lockouts, editor_with_app, frozen
):
    for _ in range(lockouts - 1):
        password_step(client)
        assert code_step(client, "000000").status_code == 200
        frozen.shift(60)
    password_step(client)
    assert_locked_out(code_step(client, "000000"))


def test_a_successful_second_step_clears_the_failures(client, lockouts, editor_with_app, frozen):
    password_step(client, password="wrong")
    password_step(client)
    code_step(client, "000000")
    frozen.shift(60)
    assert code_step(client, app_code(editor_with_app))["Location"] == TRIPS
    assert not AccessAttempt.objects.exists()


# --- Required for everyone ----------------------------------------------------------------


@pytest.fixture
def superuser():
    return User.objects.create_superuser("chief", "chief@example.org", PASSWORD)


def test_only_superusers_see_and_change_the_sign_in_policy(client, superuser, editor):
    # Even with every permission (as the Administrators group has), only a superuser.
    editor.user_permissions.add(*Permission.objects.all())
    policy_url = reverse("admin:cosn_global_signinpolicy_changelist")
    client.force_login(editor)
    assert client.get(policy_url).status_code == 403
    assert policy_url not in client.get(INDEX).content.decode()

    client.force_login(superuser)
    [users_group] = [
        app for app in client.get(INDEX).context["app_list"] if app["app_label"] == "auth"
    ]
    assert [model["object_name"] for model in users_group["models"]] == [
        "User",
        "Group",
        "SignInPolicy",
    ]
    change_url = reverse("admin:cosn_global_signinpolicy_change", args=[1])
    assert client.get(policy_url)["Location"] == change_url
    response = client.post(change_url, {"require_two_factor": "on", "_save": "Save"})
    assert response.status_code == 302
    assert SignInPolicy.objects.get().require_two_factor


def test_when_required_a_staff_member_without_it_sets_it_up_after_the_password(
    client, editor, frozen
):
    require_two_factor()
    response = password_step(client)

    assert response["Location"] == TWO_FACTOR
    assert not signed_in(client)
    assert client.get(INDEX)["Location"].startswith(LOGIN)
    page = client.get(TWO_FACTOR).content.decode()
    assert "Everyone who signs in to this admin must now also enter a code" in page
    assert 'id="user-tools"' not in page

    code = app_code(editor)
    response = client.post(TWO_FACTOR, {"action": "confirm", "confirm-code": code})

    assert response["Location"] == TWO_FACTOR
    assert signed_in(client)
    page = client.get(TWO_FACTOR).content.decode()
    assert "Your recovery codes" in page
    assert f'href="{TRIPS}">I have kept them: continue</a>' in page
    assert client.get(TRIPS).status_code == 200


def test_when_required_a_session_signed_in_before_is_sent_to_set_up(client, editor):
    client.force_login(editor)
    require_two_factor()
    response = client.get(TRIPS)
    assert response["Location"] == TWO_FACTOR
    assert not signed_in(client)
    assert client.get(TWO_FACTOR).status_code == 200


def test_not_required_by_default(editor):
    assert not two_factor.required()
    assert two_factor.second_step(editor) is None


# --- New recovery codes, turning it off, and resetting someone's -------------------------


@pytest.fixture
def verified_client(client, editor_with_app, frozen):
    password_step(client)
    code_step(client, app_code(editor_with_app))
    frozen.shift(30)
    return client


def test_new_recovery_codes_need_a_code_and_revoke_the_old(verified_client, editor_with_app):
    old = recovery_codes(editor_with_app)
    refused = verified_client.post(TWO_FACTOR, {"action": "new-codes", "new-codes-code": "12"})
    assert "That code is not right" in refused.content.decode()
    assert recovery_codes(editor_with_app) == old

    verified_client.post(
        TWO_FACTOR, {"action": "new-codes", "new-codes-code": app_code(editor_with_app)}
    )

    new = recovery_codes(editor_with_app)
    assert len(new) == 10 and not set(new) & set(old)
    assert "New recovery codes: the old ones no longer work." in (
        verified_client.get(TWO_FACTOR).content.decode()
    )


def test_turning_it_off_needs_a_current_code(verified_client, editor_with_app, frozen):
    refused = verified_client.post(TWO_FACTOR, {"action": "off", "off-code": "000000"})
    assert "That code is not right" in refused.content.decode()
    assert two_factor.has_two_factor(editor_with_app)
    frozen.shift(2)

    response = verified_client.post(
        TWO_FACTOR, {"action": "off", "off-code": recovery_codes(editor_with_app)[0]}
    )

    assert response["Location"] == TWO_FACTOR
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert verified_client.get(TRIPS).status_code == 200  # still signed in
    verified_client.logout()
    assert password_step(verified_client)["Location"] == TRIPS  # the password alone


def test_turning_it_off_when_required_leads_straight_back_to_set_up(
    verified_client, editor_with_app
):
    require_two_factor()
    verified_client.post(TWO_FACTOR, {"action": "off", "off-code": app_code(editor_with_app)})
    response = verified_client.get(TRIPS)
    assert response["Location"] == TWO_FACTOR
    assert "Set up two-factor sign-in" in verified_client.get(TWO_FACTOR).content.decode()


def test_superusers_see_who_has_two_factor_and_can_turn_it_off(client, superuser, editor_with_app):
    User.objects.create_user("other", "other@example.org", PASSWORD, is_staff=True)
    client.force_login(superuser)
    users = reverse("admin:auth_user_changelist")

    assert [
        row.username for row in client.get(users + "?two_factor=on").context["cl"].result_list
    ] == ["editor"]
    response = client.post(
        users, {"action": "reset_two_factor", "_selected_action": [editor_with_app.pk]}
    )

    assert response.status_code == 302
    assert not two_factor.has_two_factor(editor_with_app)
    assert not StaticDevice.objects.filter(user=editor_with_app).exists()
    assert "Two-factor sign-in turned off for 1 user." in client.get(users).content.decode()


def test_administrators_who_are_not_superusers_cannot_turn_it_off_for_others(
    client, editor_with_app
):
    admin = User.objects.create_user("admin", "admin@example.org", PASSWORD, is_staff=True)
    admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    client.force_login(admin)
    page = client.get(reverse("admin:auth_user_changelist"))
    assert page.status_code == 200
    assert "reset_two_factor" not in page.content.decode()
    assert "django_otp" not in str(client.get(INDEX).context["app_list"])


def test_the_device_models_are_not_in_the_admin():
    from django.contrib import admin

    assert TOTPDevice not in admin.site._registry
    assert StaticDevice not in admin.site._registry


def test_a_password_changed_between_the_steps_ends_the_sign_in(client, editor_with_app):
    # A pending sign-in whose password changed since (a reset link) is over.
    password_step(client)
    editor_with_app.set_password("another long passphrase")
    editor_with_app.save()
    assert client.get(CODE_STEP)["Location"] == LOGIN
