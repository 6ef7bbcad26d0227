"""`migrex signatories list|show|create|send`: the lists of officials authorised to sign requests
(Art. 9.3, 9.4), this party's and the other party's, as the JSON API shows and makes them. Entering
and sending a list is the node administrator's (`--user`), through the services the page uses.

KZ$ migrex signatories list --agreement kz-by-2019 --theirs
KZ$ migrex signatories create list.json --user kz-admin      # the API's body, "-" for stdin
KZ$ migrex signatories send 4 --user kz-admin
KZ$ migrex signatories key generate --user kz-signatory   # a signatory's own key (key_commands)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from pydantic import ValidationError

from migrex.accounts.models import User
from migrex.agreements.models import SignatoryList
from migrex.core.errors import Invalid, MigrexError
from migrex.registers import key_commands, signatory_lists
from migrex.registers.api import SignatoryListIn, SignatoryListOut

ACTOR_HELP = "the node's administrator acting (username)"


class Command(BaseCommand):
    help = (
        "Lists of signatories (Art. 9.3, 9.4): list, show, create, send to the other party; "
        "a signatory's own signing key."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p_list = sub.add_parser("list", help="this party's and the other party's lists")
        p_list.add_argument("--agreement")
        p_list.add_argument("--party", help="ISO 3166 code of the party")
        whose = p_list.add_mutually_exclusive_group()
        whose.add_argument("--ours", dest="own", action="store_true", default=None)
        whose.add_argument("--theirs", dest="own", action="store_false", default=None)
        p_list.add_argument("--in-force", action="store_true", help="only the lists in force")
        p_show = sub.add_parser("show", help="one list with its entries")
        p_show.add_argument("id", type=int)
        p_create = sub.add_parser("create", help="enter a new list of this party")
        p_create.add_argument("file", help="JSON as POST /api/v1/signatory-lists takes; - stdin")
        p_create.add_argument("--user", required=True, help=ACTOR_HELP)
        p_send = sub.add_parser("send", help="send this party's list to the other party")
        p_send.add_argument("id", type=int)
        p_send.add_argument("--user", required=True, help=ACTOR_HELP)
        for p in (p_list, p_show, p_create, p_send):
            p.add_argument(
                "--json", dest="as_json", action="store_true", help="the API's JSON, not text"
            )
        key_commands.add_parser(sub)  # `key generate|import`: a signatory's own key

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except Invalid as exc:
            raise CommandError("\n".join(str(e) for e in exc.errors)) from exc
        except MigrexError as exc:
            raise CommandError(str(exc)) from exc

    def _key(self, **options):
        key_commands.run(self.stdout, **options)

    def _show(self, id: int, as_json: bool, **_):
        self._print(signatory_lists.find(_one(id), timezone.localdate()), as_json, many=False)

    def _print(self, out: list[dict], as_json: bool, *, many: bool) -> None:
        if as_json:
            items = [SignatoryListOut.model_validate(o).model_dump(mode="json") for o in out]
            self.stdout.write(json.dumps(items if many else items[0], ensure_ascii=False, indent=2))
            return
        for item in out:
            self.stdout.write(_text(item))

    def _list(self, agreement, party, own, in_force, as_json, **_):
        lists = signatory_lists.with_entries(SignatoryList.objects.all())
        out = signatory_lists.find(
            lists,
            timezone.localdate(),
            agreement=agreement,
            party=party,
            own=own,
            in_force=True if in_force else None,
        )
        self._print(out, as_json, many=True)

    def _create(self, file: str, user: str, as_json: bool, **_):
        try:
            raw = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
            body = SignatoryListIn.model_validate(json.loads(raw))
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        except ValueError as exc:  # not JSON, or not a list as the API takes it
            problems = exc.errors() if isinstance(exc, ValidationError) else [{"msg": str(exc)}]
            lines = [".".join(str(p) for p in e.get("loc", ())) + f": {e['msg']}" for e in problems]
            raise CommandError(
                f"{file}: перечень не внесён / no list entered:\n" + "\n".join(lines[:20])
            ) from exc
        listing = signatory_lists.create(
            _officer(user),
            agreement=body.agreement,
            effective_from=body.effective_from,
            exchanged_on=body.exchanged_on,
            note=body.note,
            signatories=[e.model_dump(mode="json") for e in body.signatories],
            form_sample=body.form_sample.model_dump() if body.form_sample else None,
            via="command line",
        )
        self._show(listing.pk, as_json)

    def _send(self, id: int, user: str, as_json: bool, **_):
        listing = _one(id).get()
        notice = signatory_lists.send(_officer(user), listing)
        receivers = len(notice.payload["signatories"])
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "conversation_id": str(notice.conversation_id),
                        "agreement": listing.agreement.code,
                        "party": notice.party_id,
                        "created_at": notice.created_at.isoformat(),
                        "signatories": receivers,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(
            f"Перечень {listing.pk} направлен другой Стороне / list {listing.pk} sent to the "
            f"other party: {receivers} подписант(ов) / signatories, "
            f"conversation {notice.conversation_id}"
        )


def _one(pk: int):
    """The list `pk` (a queryset of one, entries loaded)."""
    found = signatory_lists.with_entries(SignatoryList.objects.filter(pk=pk))
    if not found.exists():
        raise CommandError(f"нет перечня / no list {pk}")
    return found


def _officer(username: str) -> User:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise CommandError(f"нет действующей учётной записи / no active user {username!r}")
    return found


def _text(item: dict) -> str:
    """A list, Russian first: whose, in force or not, and one line per entry."""
    whose = "наш / ours" if item["own"] else "другой Стороны / theirs"
    state = "в силе / in force" if item["in_force"] else "не в силе / not in force"
    lines = [
        f"Перечень / list {item['id']}: {item['party']}, {item['agreement']}, {whose}; "
        f"действует с / effective from {item['effective_from']:%Y-%m-%d}, {state}; "
        f"передан / exchanged on {item['exchanged_on']:%Y-%m-%d}"
    ]
    if item["form_sample"]:
        lines.append(f"  образец бланка / form sample: {item['form_sample']}")
    for e in item["signatories"]:
        until = f"{e['valid_to']:%Y-%m-%d}" if e["valid_to"] else "—"
        account = f"; учётная запись / account {e['account']}" if e["account"] else ""
        lines.append(
            f"  {e['full_name']} — {e['position']}, {e['authority']}; "
            f"с / from {e['valid_from']:%Y-%m-%d} по / to {until}{account}"
        )
    return "\n".join(lines)
