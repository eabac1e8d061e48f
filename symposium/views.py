from django.views.generic import DetailView, ListView

from delegations.models import Section
from delegations.views import PreviewMixin

from .models import Symposium


class SymposiumListView(ListView):
    queryset = Symposium.objects.published().with_partners()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["section"] = Section.for_page("symposium")["symposium"]
        return context


class SymposiumDetailView(PreviewMixin, DetailView):
    model = Symposium
    slug_field = "year"
    slug_url_kwarg = "year"
    queryset = Symposium.objects.with_partners().prefetch_related("resources")
