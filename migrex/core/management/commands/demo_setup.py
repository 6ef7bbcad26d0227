"""Prepare a demo node: load the shipped agreements and create demo officers (printed logins)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from migrex.accounts.models import User
from migrex.agreements.models import Authority
from migrex.agreements.profile import shipped_profile_paths
from migrex.agreements.services import load

# username suffix, roles
OFFICERS = (("admin", ("administrator", "supervisor")),)


class Command(BaseCommand):
    help = "Load the shipped agreements and create the demo officers of this node's party."

    def handle(self, *args, **options):
        for code in sorted(shipped_profile_paths()):
            load(code)
        party = settings.MIGREX_PARTY
        authority = Authority.objects.filter(party_id=party, kind="interior-ministry").first()
        passwords = settings.DATA_DIR / "demo-logins.txt"
        known = (
            dict(line.split(" ", 1) for line in passwords.read_text().splitlines())
            if (passwords.exists())
            else {}
        )
        for suffix, roles in OFFICERS:
            username = f"{party.lower()}-{suffix}"
            password = known.get(username) or secrets.token_urlsafe(9)
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.authority = authority
                user.is_staff = "administrator" in roles
                user.is_superuser = "administrator" in roles
                user.save()
                user.groups.set(Group.objects.filter(name__in=roles))
            known[username] = password
            self.stdout.write(f"  {username} / {password}  ({', '.join(roles)})")
        passwords.write_text("".join(f"{u} {p}\n" for u, p in known.items()))
        passwords.chmod(0o600)
