from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from core.models import Person, Section
from core.views import PreviewMixin

from .models import Session, Symposium
from .structured_data import symposium_event, symposium_series


class SymposiumListView(ListView):
    def get_queryset(self):
        # Built for each request: published() compares the schedule with the clock.
        return Symposium.objects.published().with_partners()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["section"] = Section.for_page("symposium")["symposium"]
        context["structured_data"] = symposium_series(context["object_list"], self.request)
        return context


class SymposiumDetailView(PreviewMixin, DetailView):
    model = Symposium
    slug_field = "year"
    slug_url_kwarg = "year"
    queryset = (
        Symposium.objects.with_partners()
        .select_related("registration_contact__organisation")
        .prefetch_related(
            "resources",
            Prefetch(
                "sessions",
                queryset=Session.objects.prefetch_related(
                    Prefetch("speakers", queryset=Person.objects.select_related("organisation")),
                    "moderators",
                ),
            ),
        )
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_upcoming"] = self.object.is_upcoming()
        context["structured_data"] = symposium_event(self.object, self.request)
        return context
