import logging
import re
from urllib.parse import urlencode

from django.db.models import (
    Case,
    F,
    Prefetch,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, TemplateView

from core.models import Person, Section
from core.views import PreviewMixin, page_or_404

from . import geo, inquiries
from .forms import InquiryForm
from .models import (
    Delegation,
    DelegationPartner,
    Destination,
    Dispatch,
    ItineraryDay,
    Photo,
    Report,
    Testimonial,
    listing_relations,
)
from .structured_data import delegation_event, delegation_report

logger = logging.getLogger(__name__)


class ArchiveFilter:
    """The past-delegations archive's "Where" and "Year" filters: ?where=portugal&year=2013.

    `where` is the slug of a country or region that past trips went to, `year` a year in
    which one began (four digits). A value that names no such place or year, including a
    malformed one ("abc", "99999"), answers 404, as a page number that does not exist does:
    the URL names an archive page that is not there. An empty value means no filter.
    """

    year_pattern = re.compile(r"[0-9]{4}")

    def __init__(self, params, past):
        self.places, self.years = self.choices(past)
        where, year = params.get("where", ""), params.get("year", "")
        self.place = next((place for place in self.places if place.slug == where), None)
        self.year = int(year) if self.year_pattern.fullmatch(year) else None
        if (where and self.place is None) or (year and self.year not in self.years):
            raise Http404("There is no such place or year in the archive.")

    @staticmethod
    def choices(past):
        """The places and the years (newest first) that the `past` trips went to and began in.

        Every archive page asks, so both come from lean queries of distinct values, not
        from model instances. A city in a country counts as the country, so its name is
        left out (empty) to keep one row per country.
        """
        places = (
            Destination.objects.filter(delegation__in=past)
            .order_by()
            .values_list(
                "country_id",
                "country__name",
                "country__code",
                Case(When(country__isnull=True, then="place"), default=Value("")),
            )
            .distinct()
        )
        years = past.dates("start_date", "year", order="DESC")
        return geo.place_choices(places), [day.year for day in years]

    @property
    def active(self):
        return bool(self.place or self.year)

    @property
    def params(self):
        """The filters in force, for page links."""
        return {
            key: value
            for key, value in (("where", self.place and self.place.slug), ("year", self.year))
            if value
        }

    @property
    def summary(self):
        return ", ".join(
            str(value) for value in (self.place and self.place.name, self.year) if value
        )

    def apply(self, delegations):
        if self.place:
            delegations = delegations.filter(
                pk__in=Destination.objects.filter(self.place.destination_filter()).values(
                    "delegation"
                )
            )
        if self.year:
            delegations = delegations.filter(start_date__year=self.year)
        return delegations


class DelegationListView(TemplateView):
    template_name = "delegations/delegation_list.html"
    past_per_page = 30

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        published = Delegation.objects.published()
        archive = ArchiveFilter(self.request.GET, published.past(today))
        past = archive.apply(published.past(today).for_cards())
        page = page_or_404(past, self.past_per_page, self.request, "past delegations")
        past = list(page.object_list)
        # Upcoming trips head the first page of the whole archive, not a filtered one.
        upcoming = None
        if page.number == 1 and not archive.active:
            upcoming = list(published.upcoming(today).for_cards())
        prefetch_related_objects([*(upcoming or ()), *past], *listing_relations())
        return super().get_context_data(
            section=Section.for_page("delegations")["delegations"],
            upcoming=upcoming,
            past=past,
            page_obj=page,
            archive=archive,
            page_params=archive.params,
            **kwargs,
        )


class OverviewView(TemplateView):
    """Where CoSN has been: every published trip on a timeline, and the countries on a map."""

    template_name = "delegations/overview.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        published = Delegation.objects.published()
        timeline = published.order_by(
            F("start_date").asc(nulls_last=True), "end_date", "title"
        ).prefetch_related(
            Prefetch("destinations", queryset=Destination.objects.select_related("country"))
        )
        visited = geo.places(
            Destination.objects.filter(delegation__in=published.past(today))
            .select_related("country", "delegation")
            .order_by(F("delegation__end_date").desc(nulls_last=True), "delegation__title")
        )
        archive_url = reverse("delegations:delegation-list")
        for place in visited:
            trips = place.delegations
            place.url = (
                trips[0].get_absolute_url()
                if len(trips) == 1
                else f"{archive_url}?{urlencode({'where': place.slug})}"
            )
            place.label = (
                f"{place.name}: {trips[0]}"
                if len(trips) == 1
                else f"{place.name}: {len(trips)} delegations"
            )
        return super().get_context_data(
            timeline=timeline,
            visited=visited,
            mapped=[place for place in visited if place.shape],
            view_box=" ".join(map(str, geo.world()["viewBox"])),
            marker_below=geo.MARKER_BELOW,
            **kwargs,
        )


class DelegationDetailView(PreviewMixin, DetailView):
    model = Delegation

    def get_queryset(self):
        # Staff previewing a trip see its unpublished parts too.
        staff = self.request.user.is_staff
        reports = Report.objects.all() if staff else Report.objects.published()
        dispatches = Dispatch.objects.all() if staff else Dispatch.objects.published()
        dispatches = dispatches.select_related("author")
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("destinations", queryset=Destination.objects.select_related("country")),
                Prefetch(
                    "partners", queryset=DelegationPartner.objects.select_related("organisation")
                ),
                Prefetch("contacts", queryset=Person.objects.select_related("organisation")),
                "topics",
                Prefetch("photos", queryset=Photo.objects.all()),
                # The page links to each report; their summaries are on their own pages.
                Prefetch("reports", queryset=reports.defer("summary", "key_findings")),
                Prefetch("dispatches", queryset=dispatches),
                Prefetch("itinerary", queryset=ItineraryDay.objects.prefetch_related("visits")),
                # Only those who agreed to be named.
                Prefetch(
                    "delegates",
                    queryset=Person.objects.filter(listed=True).select_related("organisation"),
                ),
                Prefetch(
                    "testimonials",
                    queryset=Testimonial.objects.select_related("person__organisation"),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_upcoming"] = self.object.is_upcoming()
        context["structured_data"] = delegation_event(self.object, self.request)
        if context["is_upcoming"] and self.object.is_published:
            context.setdefault("inquiry_form", InquiryForm())
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if "inquiry_form" in context:
            # The form carries this visitor's CSRF token: no shared cache may keep the page.
            patch_cache_control(response, private=True)
        return response


class InquiryView(DelegationDetailView):
    """Takes the form on an upcoming trip's page (POST only).

    Errors show the trip's page again with everything the visitor typed; success
    redirects to a confirmation page, so reloading it never sends the message twice.
    """

    http_method_names = ["get", "post"]

    def get_queryset(self):
        # Drafts take no inquiries, not even from staff previewing them.
        return super().get_queryset().published()

    def get(self, request, *args, **kwargs):
        return redirect(reverse("delegations:delegation-detail", kwargs=kwargs) + "#inquire")

    def post(self, request, *args, **kwargs):
        self.object = delegation = self.get_object()
        if not delegation.is_upcoming():
            return TemplateResponse(
                request,
                "delegations/inquiry_closed.html",
                {
                    "delegation": delegation,
                    "contact_section": Section.for_page("delegations")["delegations"],
                },
                status=410,
            )
        form = InquiryForm(request.POST)
        if form.is_spam():
            # Answered like a success so that the robot learns nothing; nothing is kept.
            logger.info(
                "Inquiry about %s discarded: the honeypot was filled in (client %s).",
                delegation.slug,
                inquiries.client_hash(request),
            )
            return redirect("delegations:inquiry-thanks", slug=delegation.slug)
        if not form.is_valid():
            return self.show_form(form, status=400)
        retry_after = inquiries.rate_limited(inquiries.client_hash(request))
        if retry_after:
            form.add_error(None, inquiries.RATE_LIMIT_MESSAGE)
            response = self.show_form(form, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        inquiries.receive(form, delegation, request)
        return redirect("delegations:inquiry-thanks", slug=delegation.slug)

    def show_form(self, form, status):
        context = self.get_context_data(object=self.object, inquiry_form=form)
        return self.render_to_response(context, status=status)


class InquiryThanksView(DetailView):
    model = Delegation
    template_name = "delegations/inquiry_thanks.html"

    def get_queryset(self):
        return Delegation.objects.published().prefetch_related("contacts")

    def get_context_data(self, **kwargs):
        return super().get_context_data(contacts=inquiries.contacts_for(self.object), **kwargs)


class ReportDetailView(PreviewMixin, DetailView):
    model = Report

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(delegation__slug=self.kwargs["delegation_slug"])
            .select_related("delegation")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = delegation_report(self.object, self.request)
        return context


class DispatchDetailView(PreviewMixin, DetailView):
    model = Dispatch

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(delegation__slug=self.kwargs["delegation_slug"])
            .select_related("delegation", "author")
        )
