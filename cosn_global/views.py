import mimetypes
import os
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils._os import safe_join
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from core.models import Section
from delegations.models import Delegation, Testimonial, listing_relations
from symposium.models import Symposium

LANDING_PAST_LIMIT = 8
LANDING_UPCOMING_LIMIT = 3
LANDING_TESTIMONIALS = 3


class LandingView(TemplateView):
    """The Global Leadership page: the next trips, the latest past ones, the symposium."""

    template_name = "landing.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        published = Delegation.objects.published()
        # The next trip in full, a few more as cards, and a link if there are others.
        upcoming = list(
            published.upcoming(today)
            .with_places_taken()
            .for_cards("registration", "promotion", "is_published", *Delegation.schedule_fields)[
                : LANDING_UPCOMING_LIMIT + 2
            ]
        )
        shown = upcoming[: LANDING_UPCOMING_LIMIT + 1]
        past = list(published.past(today).for_cards()[:LANDING_PAST_LIMIT])
        prefetch_related_objects([*shown, *past], *listing_relations())
        return super().get_context_data(
            sections=Section.for_page("global-leadership", "delegations", "symposium"),
            next_delegation=shown[0] if shown else None,
            later_delegations=shown[1:],
            more_upcoming=len(upcoming) > LANDING_UPCOMING_LIMIT + 1,
            past_delegations=past,
            past_count=published.past(today).count(),
            symposium=Symposium.objects.published().with_partners().current(),
            testimonials=list(
                Testimonial.objects.filter(on_landing=True, delegation__in=published)
                .select_related("person", "delegation")
                .only(
                    "quote",
                    *("person__name", "person__slug"),
                    *("delegation__title", "delegation__slug"),
                )
                .order_by("-delegation__start_date", "order")[:LANDING_TESTIMONIALS]
            ),
            **kwargs,
        )


# Types a browser may show in the page; anything else is offered as a download.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp", "image/gif"}


@require_safe
def media(request, path):
    """Send an uploaded file from MEDIA_ROOT (used when media is on the local filesystem).

    Behind nginx, with MEDIA_X_ACCEL_REDIRECT set to an internal location, nginx sends
    the bytes and the app only checks the path; otherwise the file is streamed. With the
    uploads in a bucket, pages link to the bucket, and an address under MEDIA_URL from
    before the move redirects to the file's place there.
    """
    if not isinstance(default_storage, FileSystemStorage):
        name = posixpath.normpath(path).lstrip("/")
        if name.startswith(".."):
            raise Http404("No such file.")
        response = HttpResponseRedirect(default_storage.url(name))
        patch_cache_control(response, public=True, max_age=60 * 60)
        return response
    try:
        full_path = safe_join(settings.MEDIA_ROOT, posixpath.normpath(path).lstrip("/"))
    except (ValueError, OSError):
        raise Http404("No such file.") from None
    if not os.path.isfile(full_path):
        raise Http404("No such file.")
    stat = os.stat(full_path)
    content_type = mimetypes.guess_type(full_path)[0] or "application/octet-stream"
    not_modified = get_conditional_response(request, last_modified=int(stat.st_mtime))
    if not_modified is not None:
        return not_modified
    filename = os.path.basename(full_path)
    inline = content_type in INLINE_TYPES
    if settings.MEDIA_X_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        # nginx decodes the header as a URI: percent-encode so any file name arrives intact.
        response["X-Accel-Redirect"] = (
            settings.MEDIA_X_ACCEL_REDIRECT.rstrip("/") + "/" + quote(path)
        )
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
    else:
        response = FileResponse(
            open(full_path, "rb"),  # noqa: SIM115 - FileResponse closes it.
            content_type=content_type,
            as_attachment=not inline,
            filename=filename,
        )
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=60 * 60)
    return response


class PrivacyView(TemplateView):
    """What the site's forms collect, why, and for how long (the periods are settings)."""

    template_name = "privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            retention_days=settings.PERSONAL_DATA_RETENTION_DAYS,
            confirm_days=settings.SUBSCRIBER_CONFIRM_DAYS,
            contact=Section.for_page("delegations")["delegations"].contact,
            **kwargs,
        )
