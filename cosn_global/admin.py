"""The admin site: the things editors do first, each group explained in a line, and the
security log last, out of an editor's way."""

from django.contrib import admin

from . import todo
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
    "core": ["section", "person", "organisation"],
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
        "The introductions of the site's sections, and the people and organisations "
        "that trips and editions name."
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
                for found in self.todo(request, model["model"], noted=True):
                    model["note"] = found.note
                    model["note_query"] = found.item.query
        return apps

    def todo(self, request, model=None, noted=False):
        """What needs attention (todo.TODO_ITEMS) among the records `request`'s user may
        see, optionally of one model or only those noted in the app list; each item is
        counted once a request."""
        counted = request.__dict__.setdefault("_todo", {})
        found = []
        for item in todo.TODO_ITEMS:
            if (model and item.model is not model) or (noted and not item.note):
                continue
            if item not in counted:
                model_admin = self._registry.get(item.model)
                visible = model_admin and model_admin.has_view_or_change_permission(request)
                counted[item] = todo.count(item, self.name) if visible else None
            if counted[item]:
                found.append(counted[item])
        return found

    def index(self, request, extra_context=None):
        things = self.todo(request)
        context = {
            "todo": [thing for thing in things if thing.count],
            "todo_visible": bool(things),
            **(extra_context or {}),
        }
        return super().index(request, context)
