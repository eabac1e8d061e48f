"""Old addresses lead to where pages are now (cosn_global/redirects.py): editors add
redirects in the admin, a page whose address changes leaves one behind, and a redirect
that would loop or lead nowhere public is refused with a clear message."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cosn_global.models import Redirect
from delegations.tests.factories import DelegationFactory, DispatchFactory, ReportFactory
from symposium.tests.factories import SymposiumFactory

pytestmark = pytest.mark.django_db


def test_an_old_address_is_sent_on_with_a_301(client):
    trip = DelegationFactory(slug="portugal-2013")
    Redirect.objects.create(
        old_path="/global-leadership/portugal/", new_path="/delegations/portugal-2013/"
    )

    response = client.get("/global-leadership/portugal/")

    assert response.status_code == 301
    assert response["Location"] == trip.get_absolute_url()


def test_a_redirect_never_hides_a_page_that_exists(client):
    trip = DelegationFactory(slug="portugal-2013")
    Redirect.objects.create(old_path=trip.get_absolute_url(), new_path="/symposium/")
    assert client.get(trip.get_absolute_url()).status_code == 200


def test_a_new_slug_leaves_a_redirect_for_the_trip_and_everything_under_it(client):
    trip = DelegationFactory(slug="lisbon-2013")
    report = ReportFactory(
        delegation=trip, slug="the-report", external_url="https://example.org/r.pdf"
    )
    post = DispatchFactory(delegation=trip, slug="day-one")
    old_pages = [trip.get_absolute_url(), report.get_absolute_url(), post.get_absolute_url()]

    trip.slug = "portugal-2013"
    trip.save()

    for old, obj in zip(old_pages, [trip, report, post], strict=True):
        obj.refresh_from_db()
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == obj.get_absolute_url()
        assert client.get(response["Location"]).status_code == 200


def test_moving_twice_leaves_no_chain_and_moving_back_no_loop(client):
    trip = DelegationFactory(slug="first")
    trip.slug = "second"
    trip.save()
    trip.slug = "third"
    trip.save()
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {
        "/delegations/first/": "/delegations/third/",
        "/delegations/second/": "/delegations/third/",
    }

    trip.slug = "first"
    trip.save()

    assert client.get("/delegations/first/").status_code == 200
    assert client.get("/delegations/third/")["Location"] == "/delegations/first/"
    assert not Redirect.objects.filter(old_path="/delegations/first/").exists()


def test_a_symposium_given_another_year_leaves_a_redirect(client):
    edition = SymposiumFactory(year=2012)
    edition.year = 2013
    edition.save()
    assert client.get("/symposium/2012/")["Location"] == "/symposium/2013/"


def test_an_unpublished_page_leaves_no_redirect():
    trip = DelegationFactory(slug="draft", is_published=False)
    trip.slug = "draft-2"
    trip.save()
    assert not Redirect.objects.exists()


def test_a_loop_is_refused_with_the_loop_spelled_out():
    DelegationFactory(slug="b")
    Redirect.objects.create(old_path="/old-b/", new_path="/old-a/")
    loop = Redirect(old_path="/old-a/", new_path="/old-b/")
    with pytest.raises(ValidationError) as refused:
        loop.full_clean()
    assert refused.value.message_dict["new_path"] == [
        "This would send visitors round in a loop: /old-a/ → /old-b/ → /old-a/."
    ]


@pytest.mark.parametrize(
    ("target", "status"),
    [("/delegations/draft/", 404), ("/no-such-page/", 404), ("/admin/", 302)],
)
def test_a_redirect_to_no_public_page_is_refused(target, status):
    DelegationFactory(slug="draft", is_published=False)
    with pytest.raises(ValidationError) as refused:
        Redirect(old_path="/old/", new_path=target).full_clean()
    assert refused.value.message_dict["new_path"] == [
        f"{target} is not a public page (it answers {status}): redirect to a published "
        "page's address."
    ]


def test_editors_add_redirects_in_the_admin_and_see_why_one_is_refused(staff_client):
    DelegationFactory(slug="portugal-2013")
    add = reverse("admin:cosn_global_redirect_add")

    refused = staff_client.post(add, {"old_path": "/x/", "new_path": "/x/"})
    assert "A page cannot be redirected to itself." in refused.content.decode()

    saved = staff_client.post(
        add, {"old_path": "old/portugal/", "new_path": "/delegations/portugal-2013/"}
    )
    assert saved.status_code == 302
    assert Redirect.objects.get().old_path == "/old/portugal/"


def test_the_target_is_checked_at_an_address_the_site_answers_to(settings):
    settings.ALLOWED_HOSTS = [".cosn.example"]
    DelegationFactory(slug="portugal-2013")
    Redirect(old_path="/old/", new_path="/delegations/portugal-2013/").full_clean()


def test_an_address_no_database_could_store_is_still_a_plain_404(client):
    # PostgreSQL refuses a NUL in a query: the lookup is skipped, never a 500.
    assert client.get("/delegations/a%00b/").status_code == 404
