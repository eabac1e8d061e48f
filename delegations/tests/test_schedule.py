"""Trips, reports and posts that go live and come down at set times (core/schedule.py)."""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import OrganisationFactory
from cosn_global.search import public_organisations
from delegations.models import Delegation, Dispatch, Report

from .factories import DelegationFactory, DelegationPartnerFactory, DispatchFactory, ReportFactory

pytestmark = pytest.mark.django_db

NOON = timezone.make_aware(datetime.datetime(2026, 12, 7, 12, 0))
HOUR = datetime.timedelta(hours=1)


def at(moment):
    return time_machine.travel(moment, tick=False)


def test_a_trip_is_public_from_its_go_live_time_until_it_comes_down():
    trip = DelegationFactory(go_live_at=NOON, expires_at=NOON + HOUR)
    moments = {
        NOON - datetime.timedelta(microseconds=1): False,
        NOON: True,
        NOON + HOUR - datetime.timedelta(microseconds=1): True,
        NOON + HOUR: False,
    }
    for moment, public in moments.items():
        with at(moment):
            assert Delegation.objects.published().filter(pk=trip.pk).exists() is public, moment
            assert Delegation.objects.get(pk=trip.pk).is_public is public, moment


def test_an_unpublished_trip_stays_hidden_whatever_its_schedule():
    trip = DelegationFactory(is_published=False, go_live_at=NOON)
    with at(NOON + HOUR):
        assert not Delegation.objects.published().filter(pk=trip.pk).exists()
        assert not trip.is_public


def test_reports_and_posts_follow_their_own_schedule_and_their_trips():
    trip = DelegationFactory(go_live_at=NOON)
    report = ReportFactory(delegation=trip)
    post = DispatchFactory(delegation=trip, expires_at=NOON + HOUR)
    with at(NOON - HOUR):
        assert not Report.objects.published().exists()
        assert not Dispatch.objects.published().exists()
        assert not Report.objects.get(pk=report.pk).is_public
    with at(NOON):
        assert list(Report.objects.published()) == [report]
        assert list(Dispatch.objects.published()) == [post]
        assert Report.objects.get(pk=report.pk).is_public
    with at(NOON + HOUR):
        assert list(Report.objects.published()) == [report]
        assert not Dispatch.objects.published().exists()
        assert not Dispatch.objects.get(pk=post.pk).is_public


def test_the_pages_follow_the_schedule(client):
    trip = DelegationFactory(slug="singapore-2027", go_live_at=NOON)
    post = DispatchFactory(delegation=trip, slug="launch", title="Launched", expires_at=NOON + HOUR)
    with at(NOON - HOUR):
        assert client.get(trip.get_absolute_url()).status_code == 404
        assert trip.title not in client.get(reverse("delegations:delegation-list")).content.decode()
    with at(NOON):
        assert client.get(trip.get_absolute_url()).status_code == 200
        assert client.get(post.get_absolute_url()).status_code == 200
        assert trip.title in client.get(reverse("delegations:delegation-list")).content.decode()
    with at(NOON + HOUR):
        assert client.get(post.get_absolute_url()).status_code == 404
        assert "Launched" not in client.get(trip.get_absolute_url()).content.decode()


def test_a_partner_of_a_trip_not_live_yet_is_not_searchable():
    organisation = OrganisationFactory(name="Ministry of Education, Singapore")
    DelegationPartnerFactory(
        delegation=DelegationFactory(go_live_at=NOON), organisation=organisation
    )
    with at(NOON - HOUR):
        assert organisation not in public_organisations()
    with at(NOON):
        assert organisation in public_organisations()


def test_it_must_come_down_after_it_goes_live():
    trip = DelegationFactory.build(go_live_at=NOON, expires_at=NOON)
    with pytest.raises(ValidationError) as refused:
        trip.clean()
    assert "expires_at" in refused.value.message_dict


def test_the_schedule_is_said_in_the_site_time_zone():
    trip = DelegationFactory.build(go_live_at=NOON, expires_at=NOON + HOUR)
    with at(NOON - HOUR):
        assert (
            trip.schedule_display == "Goes live Dec. 7, 2026, 12:00; comes down Dec. 7, 2026, 13:00"
        )
    with at(NOON + 2 * HOUR):
        assert (
            trip.schedule_display == "Went live Dec. 7, 2026, 12:00; came down Dec. 7, 2026, 13:00"
        )
    assert DelegationFactory.build().schedule_display == ""


def test_the_list_filters_by_schedule(admin_client):
    soon = DelegationFactory(title="Soon", go_live_at=NOON + datetime.timedelta(days=2))
    later = DelegationFactory(title="Later", expires_at=NOON + datetime.timedelta(days=30))
    DelegationFactory(title="Always")
    url = reverse("admin:delegations_delegation_changelist")

    def listed(query):
        response = admin_client.get(f"{url}?{query}")
        return {trip.title for trip in response.context["cl"].result_list}

    with at(NOON):
        assert listed("schedule=week") == {soon.title}
        assert listed("schedule=ahead") == {soon.title, later.title}
        assert listed("schedule=not_live") == {soon.title}


def test_a_trip_that_is_not_live_cannot_be_announced():
    trip = DelegationFactory(go_live_at=NOON, start_date=datetime.date(2027, 3, 1))
    with at(NOON - HOUR):
        reason = admin.site.get_model_admin(Delegation).not_announceable(trip)
    assert reason and "schedule" in reason
