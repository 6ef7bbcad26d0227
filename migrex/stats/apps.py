from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "migrex.stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from migrex.stats import messages  # noqa: F401 - registers the inbox handler
