from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pagecache import version


def check_database():
    # A real table, not "SELECT 1": an empty or wrong database must not pass as healthy.
    try:
        version.read()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def check_cache():
    try:
        cache.set("healthz", "ok", 10)
        if cache.get("healthz") != "ok":
            return "error: value not kept"
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


@never_cache
@require_safe
def healthz(request):
    """For a load balancer: 200 while the database answers; the cache is reported apart.

    The site keeps serving from the database when the cache is down, so a cache failure
    is "degraded", not a reason to take the server out of rotation.
    """
    checks = {"database": check_database(), "cache": check_cache()}
    healthy = checks["database"] == "ok"
    status = "ok" if healthy and checks["cache"] == "ok" else ("degraded" if healthy else "down")
    return JsonResponse({"status": status, **checks}, status=200 if healthy else 503)
