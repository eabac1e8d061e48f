"""How often one visitor may send the site's forms (inquiries, applications, sign-ups).

Counted per client in the cache, keyed on a keyed hash of REMOTE_ADDR. Behind a proxy
listed in TRUSTED_PROXIES, cosn_global/proxy.py has already put the visitor's address
there; an X-Forwarded-For header from anyone else is never believed, because any client
can send one.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

RATE_LIMIT_MESSAGE = (
    "You have sent several messages in a short time. Please wait a few minutes and try again."
)


def client_hash(request):
    """A keyed, one-way code for the client's address: the address itself is never kept."""
    address = request.META.get("REMOTE_ADDR", "")
    return salted_hmac("delegations.inquiries.client", address, algorithm="sha256").hexdigest()[:32]


def rate_limited(client, form="inquiry"):
    """Count a submission of `form` from `client`; return the seconds to wait if over the
    limit, else 0.

    A fixed window: at most INQUIRY_RATE_LIMIT submissions of each form in each
    INQUIRY_RATE_WINDOW seconds. If the cache cannot be reached the submission is
    allowed: losing a visitor's message is worse than letting a few extra through.
    """
    limit = getattr(settings, "INQUIRY_RATE_LIMIT", 5)
    window = getattr(settings, "INQUIRY_RATE_WINDOW", 600)
    if not limit or window <= 0:
        return 0
    now = time.time()
    window_end = (int(now // window) + 1) * window
    key = f"{form}-rate:{client}:{window_end}"
    try:
        cache.add(key, 0, timeout=window_end - now + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=window_end - now + 1)
            count = 1
    except Exception:
        logger.warning("Form rate limit unavailable (cache down); allowing.", exc_info=True)
        return 0
    if count > limit:
        return max(1, int(window_end - now))
    return 0
