from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "migrex.channels"
    verbose_name = _("Illegal-migration channels")

    def ready(self) -> None:
        from migrex.channels import destruction, messages
        from migrex.exchange import kinds
        from migrex.persons import holdings

        kinds.register(
            messages.KIND,
            schema=messages.ChannelReport,
            handler=messages.receive,
            label=messages.LABEL,
        )
        holdings.register(destruction.KIND, held=destruction.held, destroy=destruction.destroy)
