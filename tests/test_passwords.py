"""A staff member who forgot their password resets it from the admin's sign-in page
(cosn_global/passwords.py): the link comes by email through the worker's outbox, the
page never says whether an address has an account, and requests are rate-limited."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from mail.models import Email

pytestmark = pytest.mark.django_db

RESET = reverse("admin_password_reset")


@pytest.fixture
def editor():
    return User.objects.create_user(
        "walker", "walker@cosn.example", "old-password-1", is_staff=True
    )


def ask(client, email):
    return client.post(RESET, {"email": email})


def test_the_sign_in_page_offers_a_reset_in_the_admins_look(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert f'href="{RESET}"' in page
    form = client.get(RESET).content.decode()
    assert "CoSN Global Leadership" in form
    assert "Django site admin" not in form


def test_a_staff_member_gets_a_link_through_the_outbox_and_sets_a_new_password(client, editor):
    response = ask(client, "WALKER@cosn.example")

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert "CoSN Global Leadership" in client.get(response["Location"]).content.decode()
    email = Email.objects.get(kind="password-reset")
    assert email.recipients == ["walker@cosn.example"]
    assert email.status == Email.Status.SENT  # by the task (at once in the tests)
    [message] = mail.outbox
    link = re.search(r"https?://testserver(/\S+)", message.body)[1]

    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-Passw0rd-9", "new_password2": "a-new-Passw0rd-9"},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    editor.refresh_from_db()
    assert editor.check_password("a-new-Passw0rd-9")
    # The link works once.
    again = client.get(link, follow=True).content.decode()
    assert "The password reset link was invalid" in again


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, editor):
    known, unknown = ask(client, "walker@cosn.example"), ask(client, "nobody@cosn.example")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [email.recipients for email in Email.objects.all()] == [["walker@cosn.example"]]


def test_only_staff_accounts_are_sent_a_link(client):
    User.objects.create_user("visitor", "visitor@example.org", "pw-123456789")
    assert ask(client, "visitor@example.org").status_code == 302
    assert not Email.objects.exists()


def test_requests_are_rate_limited_per_client(client, editor, settings):
    settings.INQUIRY_RATE_LIMIT = 2
    assert ask(client, "walker@cosn.example").status_code == 302
    assert ask(client, "nobody@cosn.example").status_code == 302
    refused = ask(client, "walker@cosn.example")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "several messages in a short time" in refused.content.decode()
    assert Email.objects.count() == 1
