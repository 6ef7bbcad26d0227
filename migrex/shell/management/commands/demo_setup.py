"""Prepare a demo node: the shipped agreements, this node's keys, and demo officers of its
party's ministry of internal affairs (one per role), with their logins printed.

Signatories and administrators sign in with a second factor (TOTP): they are enrolled here with
a generated key, written beside the logins to demo-totp.txt ("username key" per line). The
signatory is put on the party's list with a signing key of their own, sealed under their
password (Art. 9.3); `--send-lists`, once the peers know each other, sends the lists to the other
party as the administrator (Art. 9.4), so that the signatory may sign."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from migrex.accounts import services as accounts
from migrex.accounts.models import User
from migrex.accounts.roles import Role
from migrex.agreements import signers
from migrex.agreements.models import Agreement, Authority, Signatory, SignatoryList, SigningKey
from migrex.agreements.profile import shipped_profile_paths
from migrex.agreements.services import load
from migrex.exchange.keys import create_keys
from migrex.exchange.models import NodeKey
from migrex.registers import authority_notices, signatory_keys

# login suffix, roles, full name
OFFICERS = (
    ("operator", (Role.OPERATOR,), "Оператор"),
    ("signatory", (Role.SIGNATORY, Role.SUPERVISOR), "Подписант"),
    ("supervisor", (Role.SUPERVISOR,), "Руководитель"),
    ("auditor", (Role.AUDITOR,), "Аудитор"),
    ("admin", (Role.ADMINISTRATOR,), "Администратор"),
)


class Command(BaseCommand):
    help = "Load the agreements, create keys and demo officers of this node's party."

    def add_arguments(self, parser):
        parser.add_argument(
            "--send-lists",
            action="store_true",
            help="only send this party's signatory lists to the other party (Art. 9.4)",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if options["send_lists"]:
            return self._send_lists()
        for code in sorted(shipped_profile_paths()):
            load(code)
        if not NodeKey.objects.exists():
            create_keys()
        party = settings.MIGREX_PARTY
        authority = Authority.objects.get(
            party_id=party, kind="interior-ministry", agreements__code="kz-by-2019"
        )
        logins = settings.DATA_DIR / "demo-logins.txt"
        known = (
            dict(line.split(" ", 1) for line in logins.read_text().splitlines())
            if (logins.exists())
            else {}
        )
        totp_keys = settings.DATA_DIR / "demo-totp.txt"
        keys: dict[str, str] = {}
        for suffix, roles, name in OFFICERS:
            username = f"{party.lower()}-{suffix}"
            password = known.get(username) or secrets.token_urlsafe(9)
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "authority": authority,
                    "last_name": name,
                    "first_name": party,
                    "position": name,
                    "is_staff": Role.ADMINISTRATOR in roles,
                    "is_superuser": Role.ADMINISTRATOR in roles,
                },
            )
            if created:
                user.set_password(password)
                user.save()
                user.groups.set([Group.objects.get_or_create(name=r)[0] for r in roles])
                if Role.SIGNATORY in roles:
                    self._list(user, authority)
            if (
                Role.SIGNATORY in roles
                and not SigningKey.objects.filter(user=user).exists()
                and user.check_password(password)
            ):
                signers.enrol(user, password)  # the signatory's own key (Art. 9.3)
            known[username] = password
            note = ""
            if accounts.needs_second_factor(user):
                device = accounts.device_of(user) or accounts.enrol(user)
                keys[username] = device.secret
                note = f"   TOTP key {device.secret}"
            self.stdout.write(f"  {username:<16} {password}   ({', '.join(roles)}){note}")
        for path, values in ((logins, known), (totp_keys, keys)):
            path.write_text("".join(f"{u} {p}\n" for u, p in values.items()))
            path.chmod(0o600)

    def _list(self, user: User, authority: Authority) -> None:
        """Put the demo signatory on this party's signatory list (Art. 9.3)."""
        agreement = Agreement.objects.get(code="kz-by-2019")
        today = timezone.localdate()
        signatories, _ = SignatoryList.objects.get_or_create(
            agreement=agreement,
            party_id=authority.party_id,
            defaults={"exchanged_on": today, "effective_from": today},
        )
        Signatory.objects.create(
            signatory_list=signatories,
            full_name=str(user),
            authority=authority,
            position="Заместитель министра",
            valid_from=today,
            user=user,
        )

    def _send_lists(self) -> None:
        """Send this party's lists that the other party does not hold as they are (Art. 9.4)."""
        admin = User.objects.get(username=f"{settings.MIGREX_PARTY.lower()}-admin")
        for listing in signatory_keys.unsent_lists():
            notice = authority_notices.send_signatory_list(actor=admin, listing=listing)
            count = len(notice.payload["signatories"])
            self.stdout.write(
                f"  signatory list sent: {listing.agreement.code}, {count} signatories"
            )
