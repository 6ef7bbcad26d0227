from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "migrex.exchange"
    verbose_name = _("Exchange")

    def ready(self) -> None:
        from migrex.audit import signing
        from migrex.core import reference
        from migrex.exchange import checkpoints, kinds, signals, wakeup
        from migrex.exchange.models import NodeKey, Peer

        signing.install(checkpoints.NodeNotary())
        kinds.register(
            checkpoints.KIND,
            schema=checkpoints.CheckpointPayload,
            handler=checkpoints.receive,
            label=_("audit checkpoint"),
        )
        signals.connect()
        wakeup.connect()
        reference.watch(NodeKey)
        reference.watch(Peer, "agreements")
