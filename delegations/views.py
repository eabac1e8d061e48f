from django.core.paginator import InvalidPage, Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, TemplateView

from symposium.models import Symposium

from .models import Delegation, Destination, Dispatch, Photo, Report, Section

LANDING_PAST_LIMIT = 8


class PreviewMixin:
    """Staff may open unpublished pages; such responses are never cached or indexed."""

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.request.user.is_staff else queryset.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = not self.object.is_public
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response


class LandingView(TemplateView):
    template_name = "delegations/landing.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        published = Delegation.objects.published().with_listing_relations()
        upcoming = list(published.upcoming(today).prefetch_related("contacts"))
        return super().get_context_data(
            sections=Section.for_page("global-leadership", "delegations", "symposium"),
            next_delegation=upcoming[0] if upcoming else None,
            later_delegations=upcoming[1:],
            past_delegations=published.past(today)[:LANDING_PAST_LIMIT],
            past_count=Delegation.objects.published().past(today).count(),
            symposium=Symposium.objects.published()
            .prefetch_related("partnerships__organisation")
            .current(),
            **kwargs,
        )


class DelegationListView(TemplateView):
    template_name = "delegations/delegation_list.html"
    past_per_page = 30

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        published = Delegation.objects.published().with_listing_relations()
        paginator = Paginator(published.past(today), self.past_per_page)
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage:
            raise Http404("There is no such page of past delegations.") from None
        return super().get_context_data(
            section=Section.for_page("delegations")["delegations"],
            upcoming=published.upcoming(today) if page.number == 1 else None,
            past=page.object_list,
            page_obj=page,
            **kwargs,
        )


class DelegationDetailView(PreviewMixin, DetailView):
    model = Delegation

    def get_queryset(self):
        staff = self.request.user.is_staff
        reports = Report.objects.all() if staff else Report.objects.filter(is_published=True)
        dispatches = Dispatch.objects.all() if staff else Dispatch.objects.filter(is_published=True)
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("destinations", queryset=Destination.objects.select_related("country")),
                "appearances__organisation",
                "contacts",
                "topics",
                Prefetch("photos", queryset=Photo.objects.all()),
                Prefetch("reports", queryset=reports),
                Prefetch("dispatches", queryset=dispatches),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_upcoming"] = self.object.is_upcoming()
        context["contact_section"] = Section.for_page("delegations")["delegations"]
        return context


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
        context["contact_section"] = Section.for_page("delegations")["delegations"]
        return context


class DispatchDetailView(PreviewMixin, DetailView):
    model = Dispatch

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(delegation__slug=self.kwargs["delegation_slug"])
            .select_related("delegation")
        )
