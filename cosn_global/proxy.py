from django.conf import settings


class TrustedProxyMiddleware:
    """Behind reverse proxies, take the visitor's address from X-Forwarded-For.

    Only when the request comes from a proxy listed in TRUSTED_PROXIES, and only the
    addresses those proxies appended: the rightmost untrusted address is the visitor.
    Login lockouts and the inquiry rate limit then count visitors, not the proxy.
    A client talking to the site directly cannot forge its address this way.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # "127.0.0.1, 10.0.0.2" in the environment must not leave " 10.0.0.2" untrusted.
        self.trusted = {address.strip() for address in settings.TRUSTED_PROXIES} - {""}

    def __call__(self, request):
        if self.trusted and request.META.get("REMOTE_ADDR") in self.trusted:
            hops = [
                hop.strip()
                for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if hop.strip()
            ]
            while hops and hops[-1] in self.trusted:
                hops.pop()
            if hops:
                request.META["REMOTE_ADDR"] = hops[-1]
        return self.get_response(request)
