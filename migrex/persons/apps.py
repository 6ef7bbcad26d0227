from django.apps import AppConfig


class PersonsConfig(AppConfig):
    name = "migrex.persons"
    verbose_name = "persons"

    def ready(self) -> None:
        from migrex.persons import consents  # noqa: F401 - registers the inbox handlers
