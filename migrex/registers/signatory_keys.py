"""This party's lists of signatories as the other party holds them (Art. 9.3, 9.4): what was sent
(the `authority_notice` rows this node recorded on sending), whether the list in force has
changed since (a new entry, a new key: it must be sent at once, and its new entries cannot sign
until it is)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from migrex.agreements.models import Agreement, SignatoryList
from migrex.agreements.signer_keys import Listed
from migrex.registers import authority_notices, duties
from migrex.registers.models import AuthorityNotice, Direction

COMPARED = ("effective_from", "note", "signatories", "form_sample")


def _sent(agreement: Agreement, party: str):
    return AuthorityNotice.objects.filter(
        agreement=agreement,
        party_id=party,
        direction=Direction.SENT,
        change=AuthorityNotice.Change.SIGNATORIES,
    )


def sent_in_force(agreement: Agreement, party: str, on: dt.date) -> list[Listed] | None:
    """The entries of `party`'s list in force on `on` as sent: of the lists sent, the latest to
    take effect by then, and of those the last sent (agreements.signers.lists_sent_by)."""
    best = None
    for notice in _sent(agreement, party).order_by("created_at", "pk"):
        effective = dt.date.fromisoformat(notice.payload["effective_from"])
        if effective <= on and (best is None or effective >= best[0]):
            best = (effective, notice.payload)
    if best is None:
        return None
    return [
        Listed(
            e["full_name"],
            e["position"],
            dt.date.fromisoformat(e["valid_from"]),
            dt.date.fromisoformat(e["valid_to"]) if e.get("valid_to") else None,
            e.get("jwk"),
        )
        for e in best[1]["signatories"]
    ]


def unsent(listing: SignatoryList) -> bool:
    """Whether `listing` differs from the last list this party sent (or none was sent)."""
    last = _sent(listing.agreement, listing.party_id).order_by("-created_at", "-pk").first()
    if last is None:
        return True
    now = authority_notices.signatory_body(listing, sent_on=listing.exchanged_on)
    return any(now.get(k) != last.payload.get(k) for k in COMPARED)


def unsent_lists() -> list[SignatoryList]:
    """This party's current lists (one per agreement) that have changed since last sent: the
    page warns of them, and their new entries and keys cannot sign until they are sent."""
    found = []
    for agreement in Agreement.objects.filter(parties=settings.MIGREX_PARTY).order_by("code"):
        listing = duties.our_current_list(agreement)
        if listing is not None and unsent(listing):
            found.append(listing)
    return found
