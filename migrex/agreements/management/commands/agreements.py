"""`migrex agreements load|list|show`: agreements as code, from the command line."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from migrex.agreements import dates
from migrex.agreements.models import Agreement
from migrex.agreements.profile import shipped_profile_paths
from migrex.agreements.schema_errors import ProfileError, RuleUnknownError
from migrex.agreements.selectors import profile_of, signatory_duties
from migrex.agreements.services import load
from migrex.agreements.show import rule_lines


class Command(BaseCommand):
    help = "Load, list and show agreement profiles."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p_load = sub.add_parser("load", help="load shipped profiles by code, or YAML files")
        p_load.add_argument("targets", nargs="*", metavar="CODE|FILE")
        p_load.add_argument("--all", action="store_true", help="every shipped profile")
        sub.add_parser("list", help="the loaded agreements and their status today")
        p_show = sub.add_parser("show", help="an agreement, its status and its rules")
        p_show.add_argument("code")
        p_show.add_argument("--on", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    def _load(self, targets: list[str], all: bool, **_):
        targets = list(targets) + (sorted(shipped_profile_paths()) if all else [])
        if not targets:
            raise CommandError(
                "name a profile (a shipped code or a YAML file), or --all; "
                f"shipped: {', '.join(sorted(shipped_profile_paths()))}"
            )
        for target in targets:
            try:
                result = load(target)
            except ProfileError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"{result.code}: {result.outcome} (revision {result.revision}, "
                f"sha256 {result.digest[:16]}…)"
            )

    def _list(self, **_):
        today = timezone.localdate()
        for agreement in Agreement.objects.select_related("current_version"):
            profile = profile_of(agreement)
            status = dates.status_on(profile, today)
            self.stdout.write(
                f"{agreement.code:<12} r{agreement.current_version.number}  "
                f"{status.label_ru} / {status.label_en}  {agreement.title_ru}"
            )

    def _show(self, code: str, on: dt.date | None, **_):
        agreement = Agreement.objects.filter(code=code).select_related("current_version").first()
        if agreement is None:
            known = ", ".join(Agreement.objects.values_list("code", flat=True)) or "none"
            raise CommandError(
                f"no agreement '{code}' is loaded (loaded: {known}); "
                f"load it with `migrex agreements load {code}`"
            )
        on = on or timezone.localdate()
        profile = profile_of(agreement)
        w = self.stdout.write
        w(f"{agreement.code} — {profile.title.ru}")
        w(f"  {profile.title.en}")
        w(
            f"Редакция профиля / profile revision: r{agreement.current_version.number} "
            f"(version {profile.version}, sha256 {profile.digest[:16]}…)"
        )
        status = dates.status_on(profile, on)
        start = dates.entry_into_force(profile)
        since = f"; в силе с / in force since {start:%Y-%m-%d}" if start else ""
        w(
            f"Статус на {on:%Y-%m-%d} / status: {status.label_ru} / {status.label_en}{since} "
            "(ст. 17)"
        )
        end = dates.termination_date(profile) if start else None
        if end:
            w(f"Прекращение / termination: {end:%Y-%m-%d} (ст. 17)")
        w("\nСтороны и компетентные органы / Parties and competent authorities (ст. 2):")
        for party in profile.parties:
            w(f"  {party.code}  {party.name.ru} / {party.name.en}  [{party.timezone}]")
            for authority in profile.authorities_of(party.code):
                w(f"      {authority.code:<14} {authority.name.ru}")
        w("\nСобытия / Events:")
        for event in profile.events:
            when = event.date if event.date == "unknown" else f"{event.date:%Y-%m-%d}"
            who = f" {event.party}" if getattr(event, "party", None) else ""
            w(
                f"  {when:<10} {event.kind}{who}"
                + (f" (ст. {event.article})" if event.article else "")
            )
        w("\nПеречни подписантов / Signatory lists (ст. 9.3):")
        try:
            for duty in signatory_duties(agreement, on):
                due = f"{duty.due:%Y-%m-%d}" if duty.due else "—"
                sent = f"{duty.exchanged_on:%Y-%m-%d}" if duty.exchanged_on else "не переданы"
                w(f"  {duty.party.code}: срок / due {due}; переданы / sent {sent}; {duty.state}")
        except RuleUnknownError as exc:
            w(f"  неизвестно / unknown: {exc}")
        w("\nПравила / Rules:")
        for line in rule_lines(profile):
            w(f"  {line}")
