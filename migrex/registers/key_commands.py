"""`migrex signatories key generate|import`: a signatory's own signing key (Art. 9.3), made on
this node (Ed25519) or imported from a PKCS#12 file of a national certification authority
(Ed25519 or ECDSA P-256), sealed under the signatory's password, which the signatory types (or
`--password-stdin`: the password, then for `import` the file's password, one a line).

KZ$ migrex signatories key generate --user kz-signatory
KZ$ migrex signatories key import --user kz-signatory --pkcs12 ivanov.p12

The account's entries on this party's lists then give the new key: send the list again at once
(Art. 9.4); until it is sent, the key does not sign.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from migrex.accounts.models import User
from migrex.agreements import signers
from migrex.agreements.models import SigningKey
from migrex.audit.actions import Action
from migrex.audit.services import record


def add_parser(sub) -> None:
    """The `key` subcommand, under the `signatories` command's subcommands."""
    key = sub.add_parser("key", help="a signatory's own signing key (Art. 9.3)")
    actions = key.add_subparsers(dest="key_action", required=True)
    generate = actions.add_parser("generate", help="make an Ed25519 key on this node")
    imported = actions.add_parser("import", help="the key of a certification authority's PKCS#12")
    imported.add_argument("--pkcs12", required=True, metavar="FILE", help="the PKCS#12 file")
    for p in (generate, imported):
        p.add_argument("--user", required=True, help="the signatory's username")
        p.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the signatory's password (then the file's) from stdin, one a line",
        )


def run(out, *, key_action: str, user: str, password_stdin: bool, **options):
    signatory = User.objects.filter(username=user, is_active=True).first()
    if signatory is None:
        raise CommandError(f"нет действующей учётной записи / no active user {user!r}")
    lines = iter(sys.stdin.read().splitlines()) if password_stdin else None

    def ask(prompt: str) -> str:
        return next(lines, "") if lines is not None else getpass.getpass(prompt)

    password = ask(f"Пароль подписанта {user} / password of {user}: ")
    pkcs12, pkcs12_password = None, ""
    if key_action == "import":
        try:
            pkcs12 = Path(options["pkcs12"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"{options['pkcs12']}: {exc.strerror}") from exc
        pkcs12_password = ask("Пароль файла PKCS#12 / password of the PKCS#12 file: ")
    with transaction.atomic():  # the key and its audit entry, or neither
        stored = signers.enrol(signatory, password, pkcs12=pkcs12, pkcs12_password=pkcs12_password)
        _audit(signatory, stored)
    entries = signatory.signatory_entries.count()
    out.write(
        f"Ключ подписи выдан / signing key enrolled: {user}, {stored.public_jwk['alg']}, "
        f"{stored.get_source_display()}\n  отпечаток / fingerprint (RFC 7638): {stored.kid}"
    )
    if entries:
        out.write(
            "  Направьте перечень подписантов другой Стороне заново (ст. 9.4): до этого ключ не "
            "подписывает / send the list of signatories again (Art. 9.4): until then the key "
            "does not sign."
        )
    else:
        out.write(
            "  Учётная запись не внесена ни в один перечень подписантов (ст. 9.3) / the account "
            "is on no list of signatories (Art. 9.3)."
        )


def _audit(signatory: User, stored: SigningKey) -> None:
    record(
        Action.SIGNING_KEY_ENROLLED,
        actor=signatory.username,
        subject=f"agreements.signingkey:{stored.pk}",
        detail={"kid": stored.kid, "source": stored.source, "via": "command line"},
    )
