"""`migrex consents list|show|ask|grant|refuse`: the provider's consents to uses of received
personal data (Art. 11.2–11.3), as the consents page and the JSON API handle them, acting as one
officer (`--user`) with that officer's permissions; audited as the page's actions are.

BY$ migrex consents ask --user by-operator --dataset 4 --use export --purpose "Передача в суд"
KZ$ migrex consents list --user kz-supervisor --side asked_of_us
KZ$ migrex consents grant 7 --user kz-supervisor --until 2026-12-31
KZ$ migrex consents refuse 8 --user kz-supervisor --reason "Цель не связана с запросом"
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import timezone, translation

from migrex.accounts.models import User
from migrex.core.errors import Invalid, MigrexError
from migrex.persons import api_consents, consents
from migrex.persons.models import Consent, Dataset

SIDES = [*api_consents.SIDES.values()]
STATUSES = [*Consent.Status.values]


class Command(BaseCommand):
    help = "Consents of the providing party (Art. 11.2–11.3): list, show, ask, grant, refuse."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        def command(name: str, help: str):
            p = sub.add_parser(name, help=help)
            p.add_argument("--user", required=True, help="the officer acting (username)")
            p.add_argument(
                "--json", dest="as_json", action="store_true", help="the API's JSON, not text"
            )
            return p

        p_list = command("list", help="consents asked by the officer's authority and of it")
        p_list.add_argument("--side", choices=SIDES)
        p_list.add_argument("--status", choices=STATUSES)
        command("show", help="one consent").add_argument("id", type=int)
        p_ask = command("ask", help="ask the provider of received data for consent")
        which = p_ask.add_mutually_exclusive_group(required=True)
        which.add_argument("--case", type=int, metavar="ID", help="id of a case")
        which.add_argument("--dataset", metavar="ID", help="id or message id of a dataset")
        p_ask.add_argument("--use", required=True, choices=Consent.Use.values)
        p_ask.add_argument("--purpose", required=True, help="what the data is for")
        p_ask.add_argument("--recipient", default="", help="the third party (third_party)")
        p_grant = command("grant", help="grant a consent asked of the authority")
        p_grant.add_argument("id", type=int)
        p_grant.add_argument(
            "--until", required=True, type=dt.date.fromisoformat, metavar="YYYY-MM-DD"
        )
        p_refuse = command("refuse", help="refuse a consent asked of the authority")
        p_refuse.add_argument("id", type=int)
        p_refuse.add_argument("--reason", required=True, help="the reasons")

    def handle(self, *args, action: str, user: str, as_json: bool, **options):
        officer = User.objects.filter(username=user, is_active=True).first()
        if officer is None:
            raise CommandError(f"нет действующей учётной записи / no active user {user!r}")
        try:
            found = getattr(self, f"_{action}")(officer, **options)
        except Invalid as exc:
            raise CommandError("\n".join(str(e) for e in exc.errors)) from exc
        except MigrexError as exc:
            raise CommandError(str(exc)) from exc
        except Http404 as exc:
            raise CommandError("не найдено / not found") from exc
        today = timezone.localdate()
        out = [api_consents.consent_out(c, officer, today) for c in found]
        if as_json:
            items = [api_consents.ConsentOut.model_validate(o).model_dump(mode="json") for o in out]
            self._json(items if action == "list" else items[0])
            return
        for consent, item in zip(found, out, strict=True):
            self.stdout.write(_line(consent, item))

    def _json(self, value) -> None:
        self.stdout.write(json.dumps(value, ensure_ascii=False, indent=2))

    def _list(self, officer, side: str | None, status: str | None, **_):
        found = api_consents.seen_by(officer).order_by("-created_at", "-pk")
        if side:
            found = found.filter(side={v: k for k, v in api_consents.SIDES.items()}[side])
        if status:
            found = found.filter(status=status)
        return list(found)

    def _show(self, officer, id: int, **_):
        consent = api_consents.seen_by(officer).filter(pk=id).first()
        if consent is None:
            raise Http404
        return [consent]

    def _ask(self, officer, case, dataset, use, purpose, recipient, **_):
        kind, pk = ("case", case) if case is not None else ("dataset", _dataset_id(dataset))
        source = api_consents.source_for(officer, kind, pk)
        consent = consents.ask(officer, source, use=use, purpose=purpose, recipient=recipient)
        return [Consent.objects.get(pk=consent.pk)]

    def _grant(self, officer, id: int, until: dt.date, **_):
        consent = api_consents.to_decide(officer, id)
        consents.decide(officer, consent, grant=True, expires_on=until)
        return [Consent.objects.get(pk=id)]

    def _refuse(self, officer, id: int, reason: str, **_):
        consent = api_consents.to_decide(officer, id)
        consents.decide(officer, consent, grant=False, reason=reason)
        return [Consent.objects.get(pk=id)]


def _dataset_id(value: str) -> int:
    """A dataset's id, or its message id as `migrex dataset list` prints it."""
    if value.isdigit():
        return int(value)
    try:
        ref = uuid.UUID(value)
    except ValueError:
        raise CommandError(
            f"--dataset {value!r}: не id и не UUID / neither an id nor a UUID"
        ) from None
    found = Dataset.objects.filter(message_id=ref).values_list("pk", flat=True).first()
    if found is None:
        raise CommandError(f"нет набора сведений / no dataset {value}")
    return found


def _line(consent: Consent, item: dict) -> str:
    """One consent, Russian first: id, side, status, who asks whom, the use, what for, and the
    end of a consent given or the reasons of a refusal."""
    with translation.override("ru"):
        side, status = consent.get_side_display(), consent.get_status_display()
        use = consent.get_use_display()
    text = (
        f"{consent.pk:>5}  {side} / {item['side']}: {status} / {consent.status}  "
        f"{consent.requester.code} → {consent.provider.code}  {use}"
    )
    if consent.recipient:
        text += f" — {consent.recipient}"
    text += f"  «{consent.purpose}»"
    if consent.expires_on:
        text += f"  до / until {consent.expires_on:%Y-%m-%d}"
    if consent.reason:
        text += f"  причины / reasons: {consent.reason}"
    return text
