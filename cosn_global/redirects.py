"""Old addresses of pages, sent on to where the pages are now.

Editors add redirects in the admin (for example from cosn.org's old paths); a page whose
address changes (a new slug, a new year) gets one from its old address automatically,
and redirects that pointed at the old address follow it, so that no chain forms. Only an
address that would otherwise be a 404 is redirected: a redirect never hides a page. What
an editor may not save (a loop, a target that is not public) is Redirect.clean()'s.
"""

from django.db.models.signals import post_save, pre_save
from django.http import HttpResponsePermanentRedirect

from delegations.models import Delegation, Dispatch, Report
from symposium.models import Symposium

from .models import Redirect

# The models whose pages have addresses made of their fields.
PAGES = [Delegation, Report, Dispatch, Symposium]


class RedirectMiddleware:
    """Answers a 404 for an address that has a redirect with a 301 to its new address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        if "\x00" in request.path:  # no redirect has one, and PostgreSQL refuses to look
            return response
        target = Redirect.objects.filter(old_path=request.path).values_list("new_path", flat=True)
        target = target.first()
        return HttpResponsePermanentRedirect(target) if target else response


def remember_old_address(sender, instance, **kwargs):
    if instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).first()
    instance._old_address = old.get_absolute_url() if old and old.is_public else None


def redirect_old_address(sender, instance, created, **kwargs):
    old, new = getattr(instance, "_old_address", None), instance.get_absolute_url()
    if created or not old or old == new:
        return
    moved = [(old, new)]
    if sender is Delegation:
        # A trip's reports and posts live under its address, and move with it.
        parts = [*instance.reports.published(), *instance.dispatches.published()]
        moved += [
            (old + part.get_absolute_url()[len(new) :], part.get_absolute_url()) for part in parts
        ]
    for old_path, new_path in moved:
        move(old_path, new_path)


def move(old, new):
    # The new address is a page again: no redirect may take it away.
    Redirect.objects.filter(old_path=new).delete()
    # Redirects to the old address go straight to the new one.
    Redirect.objects.filter(new_path=old).update(new_path=new)
    Redirect.objects.update_or_create(old_path=old, defaults={"new_path": new, "automatic": True})


def connect():
    for model in PAGES:
        pre_save.connect(remember_old_address, sender=model, dispatch_uid=f"redirect-{model}")
        post_save.connect(redirect_old_address, sender=model, dispatch_uid=f"redirect-{model}")
