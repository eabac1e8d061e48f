from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils.cache import add_never_cache_headers


def page_or_404(items, per_page, request, what):
    """The page of `items` that ?page= asks for (the first without it); a page that is not
    there, malformed or beyond the last, answers 404, as a URL that names nothing does."""
    try:
        return Paginator(items, per_page).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404(f"There is no such page of {what}.") from None


class PreviewMixin:
    """Staff may open unpublished pages; such responses are never cached or indexed.

    For a DetailView whose queryset has published() and whose objects say is_public.
    """

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
