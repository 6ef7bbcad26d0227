"""`migrex officers add|list|disable`: officers' accounts, their roles, and a signatory's place on
this party's list of signatories (Art. 9.3), as the officers API makes them (registers.officers).

KZ$ migrex officers add kz-admin --name "Ахметов Ержан" --authority kz-mvd --role administrator
KZ$ migrex officers add kz-ivanov --name "Иванов Иван Иванович" --authority kz-mvd \\
      --role signatory --role supervisor --position "Заместитель министра" --user kz-admin
KZ$ migrex signatories send 4 --user kz-admin     # the new list to the other party (Art. 9.4)
KZ$ migrex officers list
KZ$ migrex officers disable kz-ivanov

The password is generated and printed once on stdout (the rest goes to stderr), or read from
stdin (`--password-stdin`) or typed at a prompt (`--password-prompt`), never an argument.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from migrex.accounts.models import User
from migrex.accounts.officers import NewOfficer
from migrex.accounts.roles import Role
from migrex.core.errors import Invalid, MigrexError
from migrex.registers import officers

ACTOR = "command line"  # who the audit log names, as `migrex token` does


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Officers' accounts: add (with roles; a signatory onto the list), list, disable."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="an officer of one of this party's authorities")
        add.add_argument("username")
        add.add_argument("--name", required=True, help='full name: "Surname Given Patronymic"')
        add.add_argument("--authority", required=True, help="competent authority code")
        add.add_argument(
            "--role",
            dest="roles",
            action="append",
            required=True,
            help=f"one of {', '.join(r.value for r in Role)}; repeat for several",
        )
        add.add_argument("--position", default="", help="required for a signatory")
        add.add_argument("--agreement", help="a signatory: whose list (default: the only one)")
        add.add_argument("--valid-from", type=_date, help="a signatory: from (default today)")
        add.add_argument("--valid-to", type=_date, help="a signatory: until (default none)")
        add.add_argument(
            "--user",
            help="a signatory: the node's administrator who enters the list (username)",
        )
        add.add_argument(
            "--no-key",
            dest="key",
            action="store_false",
            help="a signatory: no signing key now (`migrex signatories key` later)",
        )
        given = add.add_mutually_exclusive_group()
        given.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
        given.add_argument(
            "--password-prompt", action="store_true", help="type the password (twice)"
        )
        listing = sub.add_parser("list", help="officers with roles and signatory entries")
        state = listing.add_mutually_exclusive_group()
        state.add_argument("--active", dest="active", action="store_true", default=None)
        state.add_argument("--disabled", dest="active", action="store_false", default=None)
        disable = sub.add_parser(
            "disable", help="deactivate (never delete); end sessions and API tokens"
        )
        disable.add_argument("username")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except Invalid as exc:
            raise CommandError("\n".join(_line(e) for e in exc.errors)) from exc
        except MigrexError as exc:
            raise CommandError(_line(exc)) from exc

    def _password(self, password_stdin: bool, password_prompt: bool) -> str | None:
        if password_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        if password_prompt:
            first = getpass.getpass("Password: ")
            if getpass.getpass("Password again: ") != first:
                raise CommandError("the passwords differ")
            return first
        return None

    def _add(self, username, name, authority, roles, position, agreement, user, key, **options):
        actor = ACTOR
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {user!r}")
        new = NewOfficer(
            username=username,
            full_name=name,
            authority=authority,
            roles=roles,
            position=position,
            password=self._password(options["password_stdin"], options["password_prompt"]),
        )
        entry = officers.ListEntry(
            agreement=agreement,
            position=position,
            valid_from=options["valid_from"],
            valid_to=options["valid_to"],
        )
        added = officers.add(actor, new, entry, key=key, via="command line")
        self.stderr.write(
            f"officer {username} added: {name}, {authority}, {', '.join(sorted(set(roles)))}"
        )
        if added.listing is not None:
            self.stderr.write(
                f"on the new list of signatories {added.listing.pk} "
                f"({added.listing.agreement.code}, effective {added.listing.effective_from}); "
                f"send it before they sign: migrex signatories send {added.listing.pk} "
                f"--user {actor.username}"
            )
        if added.key is not None:
            self.stderr.write(f"signing key {added.key.kid}, sealed under the password")
        self.stderr.write(
            "the node cannot make an officer change the password at the first sign-in: "
            "hand it over in person"
            + (" (a signing key is sealed under it)" if added.key is not None else "")
        )
        if added.generated:
            # The explanation went to stderr, so `PASSWORD=$(migrex officers add …)` gets it.
            self.stderr.write("generated password, shown once:")
            self.stdout.write(added.password)

    def _list(self, active, **_):
        rows = officers.rows(active=active)
        head = ("USERNAME", "NAME", "AUTHORITY", "ROLES", "ACTIVE", "SIGNATORY LIST ENTRY")
        table = [
            (
                r["username"],
                r["full_name"] or "—",
                r["authority"] or "—",
                ",".join(r["roles"]) or "—",
                "yes" if r["active"] else "no",
                "; ".join(r["signatory_entries"]) or "—",
            )
            for r in rows
        ]
        widths = [max(len(str(c)) for c in col) for col in zip(head, *table, strict=False)]
        for line in (head, *table):
            cells = [str(c).ljust(w) for c, w in zip(line, widths, strict=True)]
            self.stdout.write("  ".join(cells).rstrip())

    def _disable(self, username, **_):
        try:
            done = officers.disable(ACTOR, username)
        except User.DoesNotExist:
            raise CommandError(f"no user {username!r}") from None
        state = "disabled" if done.was_active else "was disabled already"
        self.stdout.write(
            f"{username} {state}; sessions ended: {done.sessions}, "
            f"API tokens revoked: {done.tokens}"
        )
        if done.user.signatory_entries.exists():
            self.stdout.write(
                "still on a list of signatories: enter a new list without them and send it "
                "(migrex signatories create / send, Art. 9.4)"
            )


def _line(exc: MigrexError) -> str:
    """One line per error, English for the administrator, the field named."""
    where = f"{exc.field}: " if exc.field else ""
    return f"{where}{exc.message_en} [{exc.code}]"
