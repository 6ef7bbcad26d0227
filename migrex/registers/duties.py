"""The Art. 9.3 duty on a dashboard: each party sends the other the list of officials authorised
to sign requests and the form samples within 45 days of the agreement's entry into force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from migrex.agreements import dates
from migrex.agreements.models import Agreement, SignatoryList
from migrex.agreements.selectors import profile_of, signatory_duties
from migrex.registers.models import AuthorityNotice, Direction


@dataclass(frozen=True)
class Side:
    party: str
    exchanged_on: dt.date | None  # first list of this party on record
    via_exchange: dt.date | None  # first list sent or received as an `authority_notice`
    state: str  # dates.SignatoryDutyState


@dataclass(frozen=True)
class Row:
    agreement: Agreement
    entry_into_force: dt.date
    due: dt.date
    ours: Side
    theirs: list[Side]
    today: dt.date

    @property
    def days_left(self) -> int:
        """Days until the due date (negative: overdue); meaningful while a list is missing."""
        return (self.due - self.today).days

    @property
    def open(self) -> bool:
        return any(s.exchanged_on is None for s in [self.ours, *self.theirs])

    @property
    def overdue_days(self) -> int:
        return -self.days_left


def _first_notice(agreement: Agreement, party: str, direction: str) -> dt.date | None:
    first = (
        AuthorityNotice.objects.filter(
            agreement=agreement,
            party_id=party,
            direction=direction,
            change=AuthorityNotice.Change.SIGNATORIES,
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    # The day in this node's calendar (Art. 10.3 counts in the receiving party's): the stored
    # UTC date is a day behind east of Greenwich every evening.
    return timezone.localdate(first) if first else None


def dashboard(today: dt.date, party: str | None = None) -> list[Row]:
    """One row per agreement of `party` (the viewer's; by default this node's) in force today
    (Art. 17): its own list, and the other party's as "theirs"."""
    ours = party or settings.MIGREX_PARTY
    rows = []
    for agreement in Agreement.objects.filter(parties=ours).select_related("current_version"):
        profile = profile_of(agreement)
        if not dates.is_in_force(profile, today):
            continue
        sides = []
        for duty in signatory_duties(agreement, today):
            code = duty.party.code
            direction = Direction.SENT if code == ours else Direction.RECEIVED
            via = _first_notice(agreement, code, direction)
            sides.append(Side(code, duty.exchanged_on, via, str(duty.state)))
        rows.append(
            Row(
                agreement=agreement,
                entry_into_force=dates.entry_into_force(profile),
                due=dates.signatory_list_due(profile),
                ours=next(s for s in sides if s.party == ours),
                theirs=[s for s in sides if s.party != ours],
                today=today,
            )
        )
    return rows


def our_current_list(agreement: Agreement, party: str | None = None) -> SignatoryList | None:
    """The newest list of `party` (this node's by default) under `agreement`."""
    return (
        SignatoryList.objects.filter(agreement=agreement, party_id=party or settings.MIGREX_PARTY)
        .order_by("-effective_from", "-pk")
        .first()
    )
