from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "migrex.stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from migrex.exchange import kinds
        from migrex.stats import messages, payloads

        kinds.register(
            messages.KIND,
            schema=payloads.StatisticsPayload,
            handler=messages.receive,
            label=_("statistical information"),
        )
