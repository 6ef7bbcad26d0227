from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "migrex.core"
    verbose_name = "migrex"

    def ready(self) -> None:
        from migrex.core import reference

        reference.connect()
