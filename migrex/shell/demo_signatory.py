"""Requests signed by a demo node's signatory with their own key (Art. 9.3), for the load and
crash tests and the benchmarks, which queue requests straight into the outbox rather than
through the case workflow. The password comes from the demo's logins file (demo_setup)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from migrex.accounts.models import User
from migrex.agreements import signers
from migrex.cases import signatures
from migrex.cases.messages import RequestPayload


def password(username: str) -> str:
    """The demo officer's password, as demo_setup wrote it."""
    lines = (settings.DATA_DIR / "demo-logins.txt").read_text().splitlines()
    return dict(line.split(" ", 1) for line in lines)[username]


def signer(username: str | None = None) -> Callable[[dict], dict]:
    """A function giving a request's payload (a dict, as the outbox keeps it) signed now by the
    demo signatory `username` (this party's by default) as their entry on the list; the key is
    opened once. A payload that does not fit the request's schema is refused as it is."""
    username = username or f"{settings.MIGREX_PARTY.lower()}-signatory"
    user = User.objects.get(username=username)
    entry = user.signatory_entries.order_by("-pk").first()
    stored = signers.key_of(user)
    key = signers.unlock(stored, password(username))

    def sign(payload: dict) -> dict:
        member = {
            "name": entry.full_name,
            "position": entry.position,
            "signed_at": timezone.now(),
            "key_id": stored.kid,
        }
        unsigned = RequestPayload.model_validate({**payload, "signatory": member})
        signed = unsigned.signatory.model_copy(
            update={"signature": signatures.signature(unsigned, key)}
        )
        return unsigned.model_copy(update={"signatory": signed}).model_dump(mode="json")

    return sign
