"""Property-based fuzzing of every public URL pattern, query parameter and public form.

Whatever a visitor sends — hostile text, huge numbers, odd unicode, NUL bytes — the
answer is a normal page or a clear 400/404/405/429, never a 500, and input never comes
back unescaped.
"""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delegations.models import Delegation

MARKER = "<zq-fuzz>"
ALLOWED = {200, 301, 302, 304, 400, 403, 404, 405, 410, 429}

# Text that mixes the hostile with the ordinary, always carrying a marker we can look for.
hostile = st.one_of(
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            '"><img src=x onerror=alert(1)>',
            "%",
            "_",
            "\\",
            "../../etc/passwd",
            "%00",
            "\x00",
            "😀",
            "ß",
            "İ",
            "a" * 5000,
            "-1",
            "0",
            "99999999999999999999999",
            "1e9",
            " ",
            "",
        ]
    ),
    st.text(max_size=60),
).map(lambda text: f"{text}{MARKER}" if len(text) < 1000 else text)
numbers = st.one_of(st.integers(min_value=-(10**20), max_value=10**20).map(str), hostile)
slugs = st.one_of(st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True), hostile)

fuzz = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check(response):
    assert response.status_code in ALLOWED, response.status_code
    body = response.content.decode(errors="replace")
    assert MARKER not in body, "input was reflected without escaping"


@pytest.fixture
def visitor(seeded):
    client = Client(raise_request_exception=False)
    return client


def public_paths():
    return [
        reverse("landing"),
        reverse("delegations:delegation-list"),
        reverse("symposium:symposium-list"),
        *[d.get_absolute_url() for d in Delegation.objects.all()],
    ]


@fuzz
@given(
    params=st.dictionaries(
        st.sampled_from(["q", "page", "country", "year", "place", "where"]), hostile, max_size=4
    )
)
def test_query_parameters_on_every_public_page(visitor, params):
    for path in public_paths():
        check(visitor.get(path, params))


@fuzz
@given(slug=slugs, second=slugs)
def test_slugs_in_every_detail_url(visitor, slug, second):
    for path in (
        f"/delegations/{slug}/",
        f"/delegations/{slug}/reports/{second}/",
        f"/delegations/{slug}/dispatches/{second}/",
    ):
        check(visitor.get(path))


@fuzz
@given(token=slugs)
def test_share_link_tokens(visitor, token):
    # Signed tokens look like "MQ:1sT...:abc..."; anything else is no link at all.
    for path in (f"/preview/{token}/", f"/preview/MQ:{token}:{token}/"):
        check(visitor.get(path))


@fuzz
@given(year=numbers)
def test_years_in_symposium_urls(visitor, year):
    check(visitor.get(f"/symposium/{year}/"))


@fuzz
@given(q=hostile, page=numbers)
def test_search(visitor, q, page):
    check(visitor.get("/search/", {"q": q, "page": page}))


@pytest.fixture
def upcoming(seeded):
    import datetime

    from django.utils import timezone

    from core.tests.factories import PersonFactory
    from delegations.tests.factories import DelegationFactory

    trip = DelegationFactory(
        title="Upcoming trip", start_date=timezone.localdate() + datetime.timedelta(days=60)
    )
    trip.contacts.add(PersonFactory())
    return trip


form_text = st.one_of(hostile, st.text(max_size=6000))


@fuzz
@given(
    name=form_text,
    email=st.one_of(st.emails().map(str), hostile),
    organisation=form_text,
    role=form_text,
    message=form_text,
    consent=st.sampled_from(["on", "", "yes", MARKER]),
    website=st.sampled_from(["", "", "", "http://spam.example"]),
)
def test_the_inquiry_form(
    visitor, upcoming, name, email, organisation, role, message, consent, website
):
    from delegations.models import Inquiry

    before = Inquiry.objects.count()
    response = visitor.post(
        f"{upcoming.get_absolute_url()}inquire/",
        {
            "name": name,
            "email": email,
            "organisation": organisation,
            "role": role,
            "message": message,
            "consent": consent,
            "website": website,
        },
    )
    check(response)
    stored = Inquiry.objects.count() - before
    assert stored == (1 if response.status_code == 302 and not website else 0)


@fuzz
@given(slug=slugs)
def test_calendars_and_feeds(visitor, slug):
    for path in (
        f"/delegations/{slug}/calendar.ics",
        f"/delegations/{slug}/podcast.xml",
        f"/symposium/{slug}/calendar.ics",
    ):
        check(visitor.get(path))


def test_the_fuzzed_inquiry_url_accepts_a_valid_submission(visitor, upcoming):
    """Guards the fuzz test above against fuzzing a URL that only ever answers 404."""
    response = visitor.post(
        f"{upcoming.get_absolute_url()}inquire/",
        {
            "name": "Ada",
            "email": "ada@example.org",
            "message": "When does registration close?",
            "consent": "on",
            "website": "",
        },
    )
    assert response.status_code == 302
