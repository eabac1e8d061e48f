"""The visitor's address behind reverse proxies: believed only from trusted ones, so that
rate limits and login lockouts count visitors, not the proxy."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cosn_global.proxy import TrustedProxyMiddleware
from delegations.tests.factories import DelegationFactory


def seen_address(settings, remote, forwarded=None, trusted=("127.0.0.1",)):
    settings.TRUSTED_PROXIES = list(trusted)
    addresses = []
    middleware = TrustedProxyMiddleware(
        lambda request: addresses.append(request.META["REMOTE_ADDR"]) or HttpResponse()
    )
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    middleware(RequestFactory().get("/", **extra))
    return addresses[0]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx on the same host
        ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # a forged first hop
        ("127.0.0.1", "203.0.113.7, 127.0.0.1", "203.0.113.7"),  # two trusted hops
        ("203.0.113.9", "10.0.0.1", "203.0.113.9"),  # a visitor cannot pick an address
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", " , ", "127.0.0.1"),
    ],
)
def test_the_visitor_address_comes_from_trusted_proxies_only(settings, remote, forwarded, expected):
    assert seen_address(settings, remote, forwarded) == expected


def test_spaces_around_trusted_proxies_do_not_matter(settings):
    trusted = ["127.0.0.1", " 10.0.0.2"]  # as TRUSTED_PROXIES="127.0.0.1, 10.0.0.2" reads
    assert seen_address(settings, "10.0.0.2", "203.0.113.7", trusted=trusted) == "203.0.113.7"


def test_no_trusted_proxies_means_x_forwarded_for_is_ignored(settings):
    assert seen_address(settings, "127.0.0.1", "203.0.113.7", trusted=()) == "127.0.0.1"


# --- The documented deployment: nginx (docs/nginx.conf) with TRUSTED_PROXIES ------------

ROOT = Path(__file__).resolve().parents[1]
NGINX = "127.0.0.1"  # nginx on the app's own host, as docs/nginx.conf's upstream says


def documented_forwarded_for():
    conf = (ROOT / "docs" / "nginx.conf").read_text()
    values = re.findall(r"^\s*proxy_set_header\s+X-Forwarded-For\s+(\S+);", conf, re.MULTILINE)
    assert len(values) == 1, "docs/nginx.conf should set X-Forwarded-For once"
    return values[0]


def documented_trusted_proxies():
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    values = set(re.findall(r"^TRUSTED_PROXIES=(\S+)$", deploy, re.MULTILINE))
    assert len(values) == 1, "docs/deploy.md should give one TRUSTED_PROXIES for one server"
    return values.pop().split(",")


def through_nginx(client_address, forwarded_for=None):
    """What the app receives when nginx, configured as documented, passes on a request
    from `client_address` that carried `forwarded_for` (perhaps forged) itself."""
    variable = documented_forwarded_for()
    if variable == "$proxy_add_x_forwarded_for":
        header = f"{forwarded_for}, {client_address}" if forwarded_for else client_address
    elif variable == "$remote_addr":
        header = client_address
    else:
        pytest.fail(
            f"docs/nginx.conf sets X-Forwarded-For to {variable}, which this test reads not"
        )
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": header}


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = documented_trusted_proxies()
    assert NGINX in settings.TRUSTED_PROXIES


def inquire(client, trip, address, forwarded_for=None):
    data = {
        "name": "Ada Visitor",
        "email": "ada@example.org",
        "message": "Is there still room on this delegation?",
        "consent": "on",
        "website": "",
    }
    url = reverse("delegations:inquiry", kwargs={"slug": trip.slug})
    return client.post(url, data, **through_nginx(address, forwarded_for))


@pytest.mark.django_db
def test_visitors_behind_the_documented_proxy_are_rate_limited_separately(
    client, settings, behind_nginx
):
    trip = DelegationFactory(start_date=timezone.localdate() + datetime.timedelta(days=60))
    for _ in range(settings.INQUIRY_RATE_LIMIT):
        assert inquire(client, trip, "203.0.113.1").status_code == 302
    assert inquire(client, trip, "203.0.113.1").status_code == 429
    # Claiming another address in X-Forwarded-For changes nothing.
    assert inquire(client, trip, "203.0.113.1", forwarded_for="203.0.113.2").status_code == 429
    # Someone else, behind the same nginx, is not limited by the first visitor.
    assert inquire(client, trip, "203.0.113.2").status_code == 302


@pytest.mark.django_db
def test_visitors_behind_the_documented_proxy_are_locked_out_separately(
    client, settings, behind_nginx
):
    settings.AXES_ENABLED = True
    User.objects.create_user("editor", password="correct horse battery staple", is_staff=True)

    def log_in(address, username, password="wrong password", forwarded_for=None):
        return client.post(
            reverse("admin:login"),
            {"username": username, "password": password, "next": reverse("admin:index")},
            **through_nginx(address, forwarded_for),
        )

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in("203.0.113.1", f"guess{attempt}")
    assert log_in("203.0.113.1", "another-guess").status_code == 429
    assert log_in("203.0.113.1", "guess", forwarded_for="198.51.100.7").status_code == 429
    # The editor, from home, is not locked out by someone else's guesses.
    response = log_in("198.51.100.7", "editor", "correct horse battery staple")
    assert response.status_code == 302
