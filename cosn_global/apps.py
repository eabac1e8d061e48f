from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CosnGlobalConfig(AppConfig):
    name = "cosn_global"
    verbose_name = "CoSN Global Leadership"

    def ready(self):
        from . import redirects, schedule, wording  # noqa: F401 (wording registers the pages' wording)

        redirects.connect()
        schedule.connect()


class SiteAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site's own index (cosn_global/admin.py)."""

    default = False  # "cosn_global" in INSTALLED_APPS means CosnGlobalConfig
    default_site = "cosn_global.admin.SiteAdmin"

    def ready(self):
        super().ready()  # imports every app's admin module
        from django.contrib import admin

        admin.site.after_autodiscover()
