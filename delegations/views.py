import logging
import re
from urllib.parse import urlencode

from django.conf import settings
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
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, TemplateView, View

from core.models import Person, Section
from core.ratelimit import RATE_LIMIT_MESSAGE, client_hash, rate_limited
from core.views import PreviewMixin, page_or_404

from . import applications, geo, inquiries
from .forms import ApplicationForm, InquiryForm
from .models import (
    Application,
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
            upcoming = list(published.upcoming(today).with_places_taken().for_cards())
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
            .with_places_taken()
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
        if context["is_upcoming"] and self.object.is_public:
            context.setdefault("inquiry_form", InquiryForm())
        if self.object.takes_applications:
            context.setdefault("application_form", ApplicationForm())
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if "inquiry_form" in context or "application_form" in context:
            # The form carries this visitor's CSRF token: no shared cache may keep the page.
            patch_cache_control(response, private=True)
        return response


def form_closed(request, delegation, *, applying):
    """410 Gone: the trip no longer takes this form; nothing was kept."""
    context = {
        "delegation": delegation,
        "contact_section": Section.for_page("delegations")["delegations"],
        "applying": applying,
    }
    return TemplateResponse(request, "delegations/form_closed.html", context, status=410)


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
            return form_closed(request, delegation, applying=False)
        form = InquiryForm(request.POST)
        if form.is_spam():
            # Answered like a success so that the robot learns nothing; nothing is kept.
            logger.info(
                "Inquiry about %s discarded: the honeypot was filled in (client %s).",
                delegation.slug,
                client_hash(request),
            )
            return redirect("delegations:inquiry-thanks", slug=delegation.slug)
        if not form.is_valid():
            return self.show_form(form, status=400)
        retry_after = rate_limited(client_hash(request))
        if retry_after:
            form.add_error(None, RATE_LIMIT_MESSAGE)
            response = self.show_form(form, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        inquiries.receive(form, delegation, request)
        return redirect("delegations:inquiry-thanks", slug=delegation.slug)

    def show_form(self, form, status):
        context = self.get_context_data(object=self.object, inquiry_form=form)
        return self.render_to_response(context, status=status)


class ApplyView(DelegationDetailView):
    """Takes the application form on an open trip's page (POST only), as InquiryView
    takes questions: errors keep what was typed, success redirects to a thanks page."""

    http_method_names = ["get", "post"]

    def get_queryset(self):
        return super().get_queryset().published()

    def get(self, request, *args, **kwargs):
        return redirect(reverse("delegations:delegation-detail", kwargs=kwargs) + "#apply")

    def post(self, request, *args, **kwargs):
        self.object = delegation = self.get_object()
        if not delegation.takes_applications:
            return form_closed(request, delegation, applying=True)
        form = ApplicationForm(request.POST)
        if form.is_spam():
            logger.info("Application to %s discarded: the honeypot was filled in.", delegation.slug)
            return redirect("delegations:apply-thanks", slug=delegation.slug)
        if not form.is_valid():
            return self.show_form(form, status=400)
        retry_after = rate_limited(client_hash(request), form="apply")
        if retry_after:
            form.add_error(None, RATE_LIMIT_MESSAGE)
            response = self.show_form(form, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        application, created = applications.apply(form, delegation, request)
        if not created:
            form.add_error(
                None,
                f"We already have an application from {application.email} for this "
                f"delegation, sent on {application.created_at:%B %-d, %Y}. Its status: "
                f"{application.get_status_display().lower()}. The emails we sent you have a "
                "link to withdraw it; to change it, write to the contact below.",
            )
            return self.show_form(form, status=409)
        return redirect(
            reverse("delegations:apply-thanks", kwargs={"slug": delegation.slug})
            + ("?waitlist" if application.status == Application.Status.WAITLISTED else "")
        )

    def show_form(self, form, status):
        context = self.get_context_data(object=self.object, application_form=form)
        return self.render_to_response(context, status=status)


class ApplyThanksView(DetailView):
    model = Delegation
    template_name = "delegations/apply_thanks.html"

    def get_queryset(self):
        return Delegation.objects.published().prefetch_related("contacts")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            waitlisted="waitlist" in self.request.GET,
            contacts=inquiries.contacts_for(self.object),
            **kwargs,
        )


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class WithdrawView(View):
    """The link in an applicant's emails: a page with a button, then the withdrawal.

    The signed link is the applicant's proof (it carries no CSRF token, as mail
    programs open it without the site's cookie); the page shows only their own
    application.
    """

    def get(self, request, token):
        application = applications.application_for_token(token)
        if application is None:
            return self.invalid(request)
        return TemplateResponse(request, "delegations/withdraw.html", {"application": application})

    def post(self, request, token):
        application = applications.application_for_token(token)
        if application is None:
            return self.invalid(request)
        withdrawn_now = applications.withdraw(application, applications.site_url(request))
        return TemplateResponse(
            request,
            "delegations/withdrawn.html",
            {"application": application, "already": not withdrawn_now},
        )

    def invalid(self, request):
        return TemplateResponse(
            request,
            "delegations/withdraw_invalid.html",
            {"days": settings.APPLICATION_LINK_DAYS},
            status=400,
        )


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
