"""The admin site: the things editors do first, each group explained in a line, and the
security log last, out of an editor's way."""

from django.contrib import admin

from delegations.models import Inquiry, Photo

# Apps, and the models in each, in the order editors reach for them; anything not named
# follows in Django's alphabetical order.
ORDER = {
    "delegations": [
        "delegation",
        "inquiry",
        "report",
        "photo",
        "dispatch",
        "itineraryday",
        "country",
        "topic",
    ],
    "symposium": ["symposium"],
    "core": ["section", "person", "organisation"],
    "auth": ["user", "group"],
    "axes": [],
}
DESCRIPTIONS = {
    "delegations": (
        "Trips, upcoming and past, with their reports, photos, blog posts and podcasts, "
        "and the questions visitors send about them."
    ),
    "symposium": "The Annual International Symposium: an edition a year, with its partners "
    "and resources.",
    "core": (
        "The introductions of the site's sections, and the people and organisations "
        "that trips and editions name."
    ),
    "auth": "Who may sign in to this admin, and what each group may do.",
    "axes": "Failed sign-ins and lockouts, for administrators: who was locked out, and "
    "lifting a lockout.",
}
NAMES = {"axes": "Security log"}
# What waits for an editor, counted beside the model's name and linked to the list of just
# those: the filter, its wording and the list's query string.
WAITING = {
    Inquiry: ({"handled": False}, "not handled yet", "handled__exact=0"),
    Photo: ({"image": ""}, "awaiting a picture", "picture=awaited"),
}


def rank(order, key):
    return (order.index(key), "") if key in order else (len(order), key)


class SiteAdmin(admin.AdminSite):
    site_header = "CoSN Global Leadership"
    site_title = "CoSN Global Leadership admin"
    index_title = "Edit the Global Leadership section"

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
