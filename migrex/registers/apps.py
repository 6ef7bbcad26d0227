from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "migrex.registers"
    verbose_name = _("Registers: legislation, authorities, cooperation")

    def ready(self) -> None:
        from migrex.agreements import signers
        from migrex.exchange import kinds
        from migrex.registers import authority_notices, legislation, signatory_keys

        kinds.register(
            legislation.KIND,
            schema=legislation.LegislationPayload,
            handler=legislation.receive,
            label=_("notice of a change in legislation"),
        )
        kinds.register(
            authority_notices.KIND,
            schema=authority_notices.AuthorityNoticePayload,
            handler=authority_notices.receive,
            label=_("notice of a change of authorities or signatories"),
        )
        # What this party sent of its signatory lists: signatures count only against those.
        signers.lists_sent_by(signatory_keys.sent_in_force)
