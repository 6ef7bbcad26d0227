from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "migrex.core"
    verbose_name = "migrex"
