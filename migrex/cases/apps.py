from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "migrex.cases"
    verbose_name = _("Requests and answers")

    def ready(self) -> None:
        from migrex.audit import subjects
        from migrex.cases import actions, inbox, links, outcomes, received, tally
        from migrex.exchange import kinds, monitor
        from migrex.persons import search, sources

        for action in actions.KINDS:
            kinds.register(
                action.name,
                schema=action.schema,
                handler=inbox.receive,
                label=action.message,
                opens=action.name in outcomes.OPENS,
                settled=outcomes.settled,
            )
        monitor.links_conversations(links.conversations)
        subjects.finds_cases(links.cases)
        subjects.describes("caseperson", links.case_person)
        sources.register("case", visible=received.visible, provided=received.provided)
        search.indexes(received.search_entries)
        post_migrate.connect(tally.install, sender=self, dispatch_uid="cases-box-token")
