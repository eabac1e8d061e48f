import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from cosn_global.proxy import TrustedProxyMiddleware


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


def test_no_trusted_proxies_means_x_forwarded_for_is_ignored(settings):
    assert seen_address(settings, "127.0.0.1", "203.0.113.7", trusted=()) == "127.0.0.1"
