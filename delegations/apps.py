from django.apps import AppConfig


class DelegationsConfig(AppConfig):
    name = "delegations"
    verbose_name = "International Delegations"

    def ready(self):
        from .caching import connect_signals

        connect_signals()
