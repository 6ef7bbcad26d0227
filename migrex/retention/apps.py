from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "migrex.retention"
    verbose_name = _("Retention and destruction")

    def ready(self) -> None:
        from migrex.exchange import kinds
        from migrex.retention import notices

        kinds.register(
            notices.KIND,
            schema=notices.DestructionNotice,
            handler=notices.receive,
            label=notices.LABEL,
        )
