from django.apps import AppConfig


class CosnGlobalConfig(AppConfig):
    name = "cosn_global"
    verbose_name = "CoSN Global Leadership"
