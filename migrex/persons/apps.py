from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonsConfig(AppConfig):
    name = "migrex.persons"
    verbose_name = "persons"

    def ready(self) -> None:
        from migrex.audit import subjects
        from migrex.exchange import kinds, outbox
        from migrex.persons import consents, datasets, links, search, selectors, sources

        kinds.register(
            datasets.KIND,
            schema=datasets.DatasetPayload,
            handler=datasets.receive,
            label=datasets.LABEL,
            streamed=True,
        )
        kinds.register(
            "consent_request",
            schema=consents.ConsentRequest,
            handler=consents.request_received,
            label=_("request for consent"),
        )
        kinds.register(
            "consent_decision",
            schema=consents.ConsentDecision,
            handler=consents.decision_received,
            label=_("decision on consent"),
        )
        sources.register(
            "dataset",
            visible=lambda user, pk: sources.of_dataset(selectors.dataset_for(user, pk)),
            provided=lambda ref, authority: outbox.sent(ref, kind=datasets.KIND, sender=authority),
        )
        search.indexes(search.dataset_entries)
        subjects.describes("personrecord", links.person_record)
