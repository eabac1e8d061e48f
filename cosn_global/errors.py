import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def database_unavailable(exc):
    # OperationalError: cannot connect, server gone, "no such table" on a missing file;
    # InterfaceError: the connection was closed under us. Both pass when the database is back.
    return isinstance(exc, (OperationalError, InterfaceError)) or (
        isinstance(exc, DatabaseError) and "connection" in str(exc).lower()
    )


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: a friendly page; 503 with Retry-After when the database is unreachable."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        logger.error("Database unavailable: %s", exc)
        response = HttpResponse(
            loader.get_template("503.html").render(), status=503, content_type="text/html"
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(loader.get_template(template_name).render())
