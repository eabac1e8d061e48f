"""The delegates' journal: every published blog post and podcast episode, across trips,
newest first, filterable by trip and kind (?trip=portugal-2013&kind=podcast)."""

from django.http import Http404
from django.views.generic import TemplateView

from core.views import page_or_404

from .models import Delegation, Dispatch

PER_PAGE = 20


class JournalFilter:
    """The trip and kind asked for; one that names nothing answers 404, as a page of the
    archive that does not exist does."""

    def __init__(self, params):
        self.kinds = Dispatch.Kind.choices
        self.trips = list(
            Delegation.objects.published()
            .filter(pk__in=Dispatch.objects.published().values("delegation"))
            .order_by("title")
            .only("title", "slug")
        )
        slug, kind = params.get("trip", ""), params.get("kind", "")
        self.trip = next((trip for trip in self.trips if trip.slug == slug), None)
        self.kind = kind if kind in Dispatch.Kind.values else ""
        if (slug and self.trip is None) or (kind and not self.kind):
            raise Http404("There is no such trip or kind of entry in the journal.")

    @property
    def params(self):
        return {
            key: value
            for key, value in (("trip", self.trip and self.trip.slug), ("kind", self.kind))
            if value
        }

    def entries(self):
        entries = Dispatch.objects.published().select_related("delegation", "author")
        if self.trip:
            entries = entries.filter(delegation=self.trip)
        if self.kind:
            entries = entries.filter(kind=self.kind)
        return entries.order_by("-published_on", "-pk")


class JournalView(TemplateView):
    template_name = "delegations/journal.html"

    def get_context_data(self, **kwargs):
        journal = JournalFilter(self.request.GET)
        page = page_or_404(journal.entries(), PER_PAGE, self.request, "the journal")
        return super().get_context_data(
            journal=journal,
            page_obj=page,
            entries=page.object_list,
            page_params=journal.params,
            **kwargs,
        )
