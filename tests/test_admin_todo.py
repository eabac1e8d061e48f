"""The admin index's to-do list: each thing that needs an editor's attention is counted,
links to just those records, goes once seen to, and is shown only to those who may see
the records."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core.dates import DatePrecision
from core.models import Draft
from core.tests.factories import PersonFactory
from cosn_global.todo import SCHEDULED, TODO_ITEMS
from delegations.models import Application, Delegation, Inquiry, Photo, Report
from delegations.tests.factories import (
    ApplicationFactory,
    DelegationFactory,
    InquiryFactory,
    PhotoFactory,
    ReportFactory,
)
from mail.models import Email
from mail.tests.factories import EmailFactory
from symposium.tests.factories import SymposiumFactory
from tests.helpers import admin_url, on, tiny_png

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 1, 15)


@pytest.fixture(autouse=True)
def frozen_clock():
    with on(TODAY):
        yield


def ready_trip(**fields):
    """An upcoming trip with nothing missing."""
    trip = DelegationFactory(
        start_date=datetime.date(2027, 5, 3), end_date=datetime.date(2027, 5, 9), capacity=20
    )
    trip.contacts.add(PersonFactory())
    Delegation.objects.filter(pk=trip.pk).update(**fields)
    trip.refresh_from_db()
    return trip


def todo(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {
        f"{thing.item.model._meta.model_name}?{thing.item.query}": thing
        for thing in response.context["todo"]
    }


def listed(client, thing):
    """The records the to-do item's link shows: the record itself, or a filtered list."""
    response = client.get(thing.url)
    assert response.status_code == 200
    if "cl" in response.context:
        return set(response.context["cl"].result_list)
    return {response.context["original"]}


def broken_and_fixed():
    """(query, make a record that needs attention, fix it) for every item."""

    def trip_without_dates():
        return ready_trip(
            date_precision=DatePrecision.MONTH,
            start_date=datetime.date(2027, 5, 1),
            end_date=datetime.date(2027, 5, 31),
        )

    def give_dates(trip):
        trip.date_precision = DatePrecision.DAY
        trip.start_date, trip.end_date = datetime.date(2027, 5, 3), datetime.date(2027, 5, 9)
        trip.save()

    def trip_without_contact():
        trip = ready_trip()
        trip.contacts.clear()
        return trip

    return [
        ("report?not_online__exact=1", lambda: ReportFactory(external_url="", not_online=True),
         lambda report: Report.objects.filter(pk=report.pk).update(
             not_online=False, external_url="https://example.org/r.pdf")),
        ("photo?picture=awaited", lambda: PhotoFactory(image=""),
         lambda photo: (setattr(photo, "image", tiny_png()), setattr(photo, "alt_text", "A"),
                        photo.save())),
        ("delegation?missing=exact_dates", trip_without_dates, give_dates),
        ("delegation?missing=contact", trip_without_contact,
         lambda trip: trip.contacts.add(PersonFactory())),
        ("delegation?missing=key_facts", lambda: ready_trip(capacity=None),
         lambda trip: Delegation.objects.filter(pk=trip.pk).update(audience="Superintendents")),
        ("email?status__exact=failed", lambda: EmailFactory(failed=True),
         lambda email: Email.objects.filter(pk=email.pk).update(status=Email.Status.SENT)),
        ("application?status__exact=received", lambda: ApplicationFactory(),
         lambda application: Application.objects.filter(pk=application.pk).update(
             status=Application.Status.ACCEPTED)),
        ("inquiry?handled__exact=0", lambda: InquiryFactory(),
         lambda inquiry: Inquiry.objects.filter(pk=inquiry.pk).update(handled=True)),
        ("delegation?draft=pending", lambda: drafted(DelegationFactory(is_published=True)),
         lambda trip: Draft.objects.for_record(trip).delete()),
        ("symposium?draft=pending", lambda: drafted(SymposiumFactory(is_published=True)),
         lambda edition: Draft.objects.for_record(edition).delete()),
        ("symposium?draft=week",
         lambda: drafted(SymposiumFactory(is_published=True), go_live_at=IN_SIX_DAYS),
         lambda edition: Draft.objects.for_record(edition).update(go_live_at=None)),
        ("delegation?draft=failed",
         lambda: drafted(DelegationFactory(is_published=True), publish_error="it changed since."),
         lambda trip: Draft.objects.for_record(trip).update(publish_error="")),
    ]  # fmt: skip


IN_SIX_DAYS = datetime.datetime(2027, 1, 21, 9, tzinfo=datetime.UTC)


def drafted(record, **fields):
    Draft.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        data={},
        **fields,
    )
    return record


ITEMS = broken_and_fixed()


@pytest.mark.parametrize(("query", "make", "fix"), ITEMS, ids=[item[0] for item in ITEMS])
def test_each_item_appears_links_to_just_those_records_and_goes_once_fixed(
    admin_client, query, make, fix
):
    ready_trip()
    PhotoFactory(image=tiny_png(), alt_text="Delegates")
    first, second = make(), make()

    found = todo(admin_client)
    assert query in found and found[query].count == 2
    assert listed(admin_client, found[query]) == {first, second}
    assert found[query].url.endswith("?" + query.split("?", 1)[1])

    fix(second)
    found = todo(admin_client)
    assert found[query].count == 1
    # One record: the link opens it.
    assert found[query].url == admin_url(type(first), "change", first.pk)
    assert listed(admin_client, found[query]) == {first}

    fix(first)
    assert query not in todo(admin_client)


def test_the_filters_behind_the_links_are_in_the_lists_sidebar(admin_client):
    trips = admin_client.get(admin_url(Delegation, "changelist")).content.decode()
    for choice in ("?missing=exact_dates", "?missing=contact", "?missing=key_facts"):
        assert choice in trips
    assert "?picture=awaited" in admin_client.get(admin_url(Photo, "changelist")).content.decode()


def test_past_trips_are_not_asked_for_dates_a_contact_or_key_facts(admin_client):
    past = DelegationFactory(
        date_precision=DatePrecision.YEAR, start_date=datetime.date(2009, 1, 1)
    )
    assert past.contacts.count() == 0 and not past.has_key_facts
    assert todo(admin_client) == {}


def test_the_page_says_what_needs_attention_with_links(admin_client):
    report = ReportFactory(external_url="", not_online=True, title="Lisbon Schools")
    InquiryFactory.create_batch(2)
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Needs attention" in page
    assert f'<a href="{admin_url(Report, "change", report.pk)}">1 report not available online' in (
        page
    )
    inquiries = admin_url(Inquiry, "changelist")
    assert f'<a href="{inquiries}?handled__exact=0">2 inquiries not handled yet</a>' in page
    # The note beside the model's name is the same count.
    assert f'href="{inquiries}?handled__exact=0">2 not handled yet</a>' in page


def test_with_nothing_to_do_the_page_says_so(admin_client):
    assert "Nothing needs attention." in admin_client.get(reverse("admin:index")).content.decode()


def test_the_index_counts_everything_in_a_bounded_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    for make in [item[1] for item in ITEMS] * 3:
        make()
    # Session and user, the user's two-factor device and the sign-in policy, whether
    # sections can be added (twice), the log of recent actions, one query a to-do item, and
    # for what is scheduled next one a kind of scheduled record, one for the drafts and one
    # a kind of record they are drafts of (here only editions): none for each record.
    with django_assert_max_num_queries(7 + len(TODO_ITEMS) + len(SCHEDULED) + 1 + 1):
        found = todo(admin_client)
    assert len(found) == len(ITEMS)


def test_an_editor_sees_only_what_they_may_view(client):
    ReportFactory(external_url="", not_online=True)
    EmailFactory(failed=True)
    InquiryFactory()
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_report"))
    client.force_login(editor)

    found = todo(client)
    assert set(found) == {"report?not_online__exact=1"}
    page = client.get(reverse("admin:index")).content.decode()
    assert "failed" not in page and "not handled" not in page


def test_without_permission_for_any_of_it_there_is_no_list(client):
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_topic"))
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Needs attention" not in page


def test_scheduled_next_lists_the_soonest_changes_whichever_comes_first(admin_client):
    now = timezone.now()
    for days in range(20, 50):  # many later changes, each only a take-down time
        DelegationFactory(expires_at=now + datetime.timedelta(days=days))
    soon = DelegationFactory(title="Soon", go_live_at=now + datetime.timedelta(days=1))
    later = DelegationFactory(
        title="Later",
        go_live_at=now - datetime.timedelta(days=1),
        expires_at=now + datetime.timedelta(days=2),
    )
    page = admin_client.get(reverse("admin:index"))
    listed = [change.text for change in page.context["coming_up"]]
    assert listed[:2] == [f"The trip “{soon}” goes live", f"The trip “{later}” comes down"]
    assert len(listed) == 6
