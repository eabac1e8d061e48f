"""The admin site: the things editors do first, each group explained in a line, and the
security log last, out of an editor's way."""

from django.contrib import admin

from delegations.models import Application, Inquiry, Photo
from mail.models import Email

from .models import Redirect

# Apps, and the models in each, in the order editors reach for them; anything not named
# follows in Django's alphabetical order.
ORDER = {
    "delegations": [
        "delegation",
        "application",
        "inquiry",
        "report",
        "photo",
        "dispatch",
        "itineraryday",
        "country",
        "topic",
        "applicationemail",
    ],
    "symposium": ["symposium"],
    "mail": ["announcement", "subscriber", "email"],
    "core": ["section", "wording", "person", "organisation"],
    "cosn_global": ["redirect"],
    "auth": ["user", "group"],
    "django_tasks_database": [],
    "axes": [],
}
DESCRIPTIONS = {
    "delegations": (
        "Trips, upcoming and past, with their reports, photos, blog posts and podcasts; "
        "the applications and questions visitors send about them, and the wording of "
        "the emails applicants get."
    ),
    "symposium": "The Annual International Symposium: an edition a year, with its partners "
    "and resources.",
    "core": (
        "The introductions of the site's sections, the pages' fixed wording (headings, "
        "labels, buttons, notes), and the people and organisations that trips and "
        "editions name."
    ),
    "mail": (
        "Who asked to hear about new trips and symposia, the announcements sent to them, "
        "and every email the site sends, with whether it went."
    ),
    "cosn_global": (
        "Old addresses of pages and where they are now: made when a page's address "
        "changes, and for addresses from elsewhere (such as cosn.org's old pages)."
    ),
    "auth": "Who may sign in to this admin, and what each group may do.",
    "django_tasks_database": (
        "The background worker's queue, for administrators: what ran, and what failed."
    ),
    "axes": "Failed sign-ins and lockouts, for administrators: who was locked out, and "
    "lifting a lockout.",
}
NAMES = {
    "axes": "Security log",
    "django_tasks_database": "Background tasks",
    "cosn_global": "Addresses",
}
# What waits for an editor, counted beside the model's name and linked to the list of just
# those: the filter, its wording and the list's query string.
WAITING = {
    Inquiry: ({"handled": False}, "not handled yet", "handled__exact=0"),
    Photo: ({"image": ""}, "awaiting a picture", "picture=awaited"),
    Application: ({"status": "received"}, "to decide", "status__exact=received"),
    Email: ({"status": "failed"}, "failed", "status__exact=failed"),
}


def rank(order, key):
    return (order.index(key), "") if key in order else (len(order), key)


class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path", "automatic", "created_at"]
    list_filter = ["automatic"]
    search_fields = ["old_path", "new_path"]
    fields = ["old_path", "new_path"]


class SiteAdmin(admin.AdminSite):
    site_header = "CoSN Global Leadership"
    site_title = "CoSN Global Leadership admin"
    index_title = "Edit the Global Leadership section"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # This module is imported while the site is made, before `admin.register` works.
        self.register(Redirect, RedirectAdmin)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        apps.sort(key=lambda app: rank(list(ORDER), app["app_label"]))
        for app in apps:
            app["name"] = NAMES.get(app["app_label"], app["name"])
            app["description"] = DESCRIPTIONS.get(app["app_label"], "")
            models = ORDER.get(app["app_label"], [])
            app["models"].sort(key=lambda model: rank(models, model["object_name"].lower()))
            for model in app["models"]:
                if model["model"] in WAITING:
                    waiting, wording, query = WAITING[model["model"]]
                    count = model["model"].objects.filter(**waiting).count()
                    model["note"] = f"{count} {wording}" if count else ""
                    model["note_query"] = query
        return apps
