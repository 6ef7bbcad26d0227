from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "migrex.registers"
    verbose_name = _("Registers: legislation, authorities, cooperation")

    def ready(self) -> None:
        # Registers the inbox handlers of `legislation_notice` and `authority_notice`.
        from migrex.registers import authority_notices, legislation  # noqa: F401
