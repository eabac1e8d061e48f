"""The admin site: the things editors do first, each group explained in a line, and the
security log last, out of an editor's way."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import todo, two_factor
from .models import Redirect, SignInPolicy

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
    "auth": ["user", "group", "signinpolicy"],
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
    "auth": (
        "Who may sign in to this admin, what each group may do, and whether everyone "
        "must use two-factor sign-in."
    ),
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
# Models listed in another app's group on the index, where an editor would look for them.
LISTED_WITH = {"signinpolicy": "auth"}


def rank(order, key):
    return (order.index(key), "") if key in order else (len(order), key)


class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path", "automatic", "created_at"]
    list_filter = ["automatic"]
    search_fields = ["old_path", "new_path"]
    fields = ["old_path", "new_path"]


class SignInPolicyAdmin(admin.ModelAdmin):
    """The one sign-in policy, for superusers only."""

    fields = ["require_two_factor"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_change_permission(request):
            raise PermissionDenied
        policy, _ = SignInPolicy.objects.get_or_create(pk=1)
        return redirect("admin:cosn_global_signinpolicy_change", policy.pk)


class TwoFactorFilter(admin.SimpleListFilter):
    title = "two-factor sign-in"
    parameter_name = "two_factor"

    def lookups(self, request, model_admin):
        return [("on", "On"), ("off", "Off")]

    def queryset(self, request, queryset):
        if self.value() in ("on", "off"):
            return queryset.filter(two_factor=self.value() == "on")
        return queryset


class TwoFactorUserAdmin:
    """Added to Django's users' admin: for superusers, who has two-factor sign-in, and
    turning it off for someone who lost both their phone and their recovery codes."""

    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        apps = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(two_factor=Exists(apps))

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        return [*columns, "two_factor"] if request.user.is_superuser else columns

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return [*filters, TwoFactorFilter] if request.user.is_superuser else filters

    @admin.display(boolean=True, description="two-factor sign-in", ordering="two_factor")
    def two_factor(self, user):
        return user.two_factor

    def has_reset_two_factor_permission(self, request):
        return request.user.is_superuser

    @admin.action(
        description="Turn off two-factor sign-in for the selected users",
        permissions=["reset_two_factor"],
    )
    def reset_two_factor(self, request, queryset):
        users = list(queryset.filter(two_factor=True))
        for user in users:
            two_factor.reset(user)
            self.log_change(request, user, "Turned off two-factor sign-in.")
        self.message_user(
            request,
            f"Two-factor sign-in turned off for {len(users)} user{'s' if len(users) != 1 else ''}"
            ". They can set it up again on their next sign-in.",
        )


class SiteAdmin(admin.AdminSite):
    site_header = "CoSN Global Leadership"
    site_title = "CoSN Global Leadership admin"
    index_title = "Edit the Global Leadership section"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # This module is imported while the site is made, before `admin.register` works.
        self.register(Redirect, RedirectAdmin)
        self.register(SignInPolicy, SignInPolicyAdmin)

    def after_autodiscover(self):
        """Adjust what other apps registered (cosn_global/apps.py calls this)."""
        # (Django's users' admin registers itself on import: it cannot be imported here.)
        user_admin = type(self._registry[User])
        self.unregister(User)
        self.register(User, type("UserAdmin", (TwoFactorUserAdmin, user_admin), {}))
        # Devices are set up on each user's own two-factor page and turned off from the
        # users' list: django-otp's own pages would show their secret keys.
        self.unregister([TOTPDevice, StaticDevice])

    # Two-factor sign-in (cosn_global/two_factor.py): a signed-in session is always one
    # that needs no further step; one that does is logged out and starts again.

    def has_permission(self, request):
        return super().has_permission(request) and two_factor.satisfied(request)

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if not two_factor.satisfied(request):
                return two_factor.restart(request, request.get_full_path())
            return guarded(request, *args, **kwargs)

        return update_wrapper(inner, guarded)

    def get_urls(self):
        return [
            path("login/code/", two_factor.CodeView.as_view(), name="login_code"),
            path("two-factor/", two_factor.TwoFactorView.as_view(), name="two_factor"),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """Django's admin login, whose password is the first of two steps for some."""
        view = two_factor.PasswordStepView
        redirect_url = view().get_redirect_url(request) or reverse("admin:index")
        if request.method == "GET":
            if not two_factor.satisfied(request):
                return two_factor.restart(request, redirect_url)
            if self.has_permission(request):
                return redirect(redirect_url)
        context = {
            **self.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            REDIRECT_FIELD_NAME: redirect_url,
            **(extra_context or {}),
        }
        request.current_app = self.name
        return view.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
        )(request)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label is None:
            groups = {app["app_label"]: app for app in apps}
            for app in apps:
                for model in list(app["models"]):
                    group = groups.get(LISTED_WITH.get(model["object_name"].lower()))
                    if group and group is not app:
                        app["models"].remove(model)
                        group["models"].append(model)
            apps = [app for app in apps if app["models"]]
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

        def visible(model):
            model_admin = self._registry.get(model)
            return bool(model_admin and model_admin.has_view_or_change_permission(request))

        context = {
            "todo": [thing for thing in things if thing.count],
            "todo_visible": bool(things),
            "coming_up": todo.coming_up(visible, self.name),
            **(extra_context or {}),
        }
        return super().index(request, context)
