from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "migrex.channels"
    verbose_name = _("Illegal-migration channels")

    def ready(self) -> None:
        from migrex.channels import messages  # noqa: F401 - registers the inbox handler
