from django.apps import AppConfig


class DelegationsConfig(AppConfig):
    name = "delegations"
    verbose_name = "International Delegations"

    def ready(self):
        # Inquiries and applications keep their emails' status (mail.signals).
        from . import inquiries  # noqa: F401
