"""`migrex retention rule set|list`, `retention purpose-end`, `retention status`,
`retention run [--dry-run]`: retention and destruction of received personal data (Art. 11.5)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from migrex.agreements.models import Agreement
from migrex.cases.models import Case
from migrex.core import vault
from migrex.core.errors import Invalid
from migrex.persons.models import Dataset
from migrex.retention import rules, services
from migrex.retention.models import COUNTED_FROM, Rule


def _invalid(exc: Invalid) -> CommandError:
    return CommandError(
        "; ".join(
            f"{e.field}: {e.message_ru} / {e.message_en} (ст. {e.article})" for e in exc.errors
        )
    )


class Command(BaseCommand):
    help = "Retention rules and the destruction of expired personal data (Art. 11.5)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p_rule = sub.add_parser("rule", help="the node's retention rules")
        rule_sub = p_rule.add_subparsers(dest="rule_action", required=True)
        p_set = rule_sub.add_parser("set", help="set the rule of one agreement and party")
        p_set.add_argument("--agreement", required=True)
        p_set.add_argument("--party", required=True)
        p_set.add_argument("--days", type=int, required=True)
        p_set.add_argument("--counted-from", required=True, choices=[c for c, _ in COUNTED_FROM])
        p_set.add_argument("--basis", required=True, help="the national legal act")
        rule_sub.add_parser("list", help="the rules in force")
        p_end = sub.add_parser("purpose-end", help="record that a purpose was achieved")
        which = p_end.add_mutually_exclusive_group(required=True)
        which.add_argument("--case", help="registration number of the case")
        which.add_argument("--dataset", help="message id of a received dataset")
        p_end.add_argument("--on", type=dt.date.fromisoformat, required=True, metavar="YYYY-MM-DD")
        p_end.add_argument("--note", default="")
        sub.add_parser("status", help="what is due and when, and what has no rule")
        sub.add_parser("encrypt-files", help="encrypt attachments stored before encryption at rest")
        p_run = sub.add_parser("run", help="destroy what is due today")
        p_run.add_argument("--dry-run", action="store_true", help="list it, destroy nothing")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except Invalid as exc:
            raise _invalid(exc) from exc

    def _rule(self, rule_action: str, **options):
        if rule_action == "list":
            for r in Rule.objects.select_related("agreement"):
                self.stdout.write(
                    f"{r.agreement.code} {r.party}: {r.days} days from {r.counted_from} — {r.basis}"
                )
            return
        agreement = Agreement.objects.filter(code=options["agreement"]).first()
        if agreement is None:
            raise CommandError(f"no agreement {options['agreement']!r} is loaded")
        rule = services.set_rule(
            agreement=agreement,
            party=options["party"],
            days=options["days"],
            counted_from=options["counted_from"],
            basis=options["basis"],
            actor="command line",
        )
        self.stdout.write(
            f"{agreement.code} {rule.party}: {rule.days} days from {rule.counted_from}"
        )

    def _purpose_end(self, case, dataset, on, note, **_):
        if case:
            subject = Case.objects.filter(number=case).first()
            if subject is None:
                raise CommandError(f"no case numbered {case!r}")
            services.record_purpose_end(case=subject, ended_on=on, actor="command line", note=note)
        else:
            subject = Dataset.objects.filter(message_id=dataset).first()
            if subject is None:
                raise CommandError(f"no received dataset {dataset!r}")
            services.record_purpose_end(
                dataset=subject, ended_on=on, actor="command line", note=note
            )
        self.stdout.write(f"{subject}: purpose ended on {on}")

    def _encrypt_files(self, **_):
        try:
            count = services.encrypt_stored()
        except vault.Unreadable as exc:
            raise CommandError(f"stopped: {exc}") from exc
        self.stdout.write(f"{count} attachment(s) encrypted")

    def _status(self, **_):
        for h in rules.holdings():
            if h.rule is None:
                when = "NO RETENTION RULE (Art. 11.5): set one with `retention rule set`"
            elif h.due_on is None:
                when = f"waiting for {h.waiting_for}"
            else:
                when = f"due {h.due_on} ({h.rule.basis})"
            what = (
                f"{h.persons} person(s), {h.attachments} attachment(s)"
                if h.case
                else f"{h.records} record(s)"
            )
            self.stdout.write(f"{h.subject}: {what}; {when}")

    def _run(self, dry_run: bool, **_):
        result = services.run(dry_run=dry_run)
        if dry_run:
            for h in result.due:
                self.stdout.write(f"would destroy {h.subject} (due {h.due_on}, {h.rule.basis})")
            self.stdout.write(f"{len(result.due)} holding(s) due; nothing destroyed (dry run)")
            return
        if result.act is None:
            self.stdout.write("nothing is due")
            return
        self.stdout.write(
            f"{result.destroyed} item(s) destroyed, act {result.act.number}, "
            f"{result.notices} notice(s) to providers"
        )
