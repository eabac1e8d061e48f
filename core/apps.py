from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared content"

    def ready(self):
        from . import history

        post_migrate.connect(history.create_initial_versions, sender=self)
