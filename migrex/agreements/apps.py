from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "migrex.agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from migrex.agreements import models
        from migrex.core import reference

        # What selectors.directory() loads once per generation of the reference data.
        for model in (models.Party, models.Authority, models.AuthorityName):
            reference.watch(model)
        reference.watch(models.Agreement, "parties", "authorities")
        reference.watch(models.AgreementVersion)
        reference.watch(models.AgreementEvent)
        # What signers.received_in_force() loads: the lists a signature is checked against.
        for model in (models.SignatoryList, models.Signatory, models.SigningKey):
            reference.watch(model)
