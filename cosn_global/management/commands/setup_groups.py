"""Create the admin's two groups of people, with their permissions.

- Editors write the content: every model of the core, delegations and symposium apps
  (add, change, delete, view), and nothing else; they cannot see or manage users, groups,
  permissions or login lockouts.
- Administrators may do everything, including managing people and lifting lockouts;
  only superusers, though, may require two-factor sign-in of everyone or turn it off for
  someone (cosn_global/admin.py).

A person needs "staff status" to log in to the admin, and one of these groups to do
anything there. Running the command again changes nothing: missing groups and
permissions are added, and permissions an administrator added by hand are kept unless
--reset is given.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

EDITORS = "Editors"
ADMINISTRATORS = "Administrators"
CONTENT_APPS = ["core", "delegations", "symposium"]


def group_permissions():
    return {
        EDITORS: Permission.objects.filter(content_type__app_label__in=CONTENT_APPS),
        ADMINISTRATORS: Permission.objects.all(),
    }


class Command(BaseCommand):
    help = "Create the Editors and Administrators groups with their permissions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Also take away permissions that were added to these groups by hand.",
        )

    def handle(self, *args, reset=False, **options):
        # migrate creates permissions too, but only at its end: be sure they all exist.
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        with transaction.atomic():
            for name, permissions in group_permissions().items():
                group, created = Group.objects.get_or_create(name=name)
                wanted = set(permissions.values_list("pk", flat=True))
                current = set(group.permissions.values_list("pk", flat=True))
                group.permissions.add(*(wanted - current))
                removed = current - wanted if reset else set()
                group.permissions.remove(*removed)
                self.stdout.write(
                    f"{name}: {'created' if created else 'exists'}, "
                    f"{len(wanted - current)} permissions added, {len(removed)} removed."
                )
