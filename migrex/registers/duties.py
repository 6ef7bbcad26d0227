"""The Art. 9.3 duty on a dashboard: each party sends the other the list of officials authorised
to sign requests and the form samples within 45 days of the agreement's entry into force.

Our list counts as sent on the evidence only: the other party's node took it from the exchange
(its message delivered), or the administrator recorded it as handed over before it was entered
here (outside the exchange, its `exchanged_on` earlier than the day it was entered). A list that
merely exists on this node, or waits in the outbox, is not sent. Theirs counts as received when
this node holds a list of that party (it came through the exchange or was entered from paper)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from migrex.agreements import dates
from migrex.agreements.models import Agreement, SignatoryList
from migrex.agreements.selectors import profile_of, signatory_duties
from migrex.exchange.models import OutboxMessage
from migrex.registers.models import AuthorityNotice, Direction


@dataclass(frozen=True)
class Side:
    party: str
    exchanged_on: dt.date | None  # ours: when it reached the other party; theirs: sent on
    via_exchange: dt.date | None  # first list sent or received as an `authority_notice`
    state: str  # dates.SignatoryDutyState
    name: str = ""  # the party's name, as the page shows it
    queued_since: dt.date | None = None  # ours: in the outbox since, not delivered yet


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


def _ours_sent(agreement: Agreement, party: str) -> tuple[dt.date | None, dt.date | None]:
    """When our list reached the other party, and since when one waits in the outbox (both in
    this node's calendar): the first delivered message of a list sent through the exchange, or
    the day recorded for a list handed over before it was entered here."""
    sent = AuthorityNotice.objects.filter(
        agreement=agreement,
        party_id=party,
        direction=Direction.SENT,
        change=AuthorityNotice.Change.SIGNATORIES,
    ).values_list("conversation_id", flat=True)
    messages = OutboxMessage.objects.filter(conversation_id__in=list(sent))
    delivered = (
        messages.filter(status=OutboxMessage.Status.DELIVERED)
        .order_by("delivered_at")
        .values_list("delivered_at", flat=True)
        .first()
    )
    outside = [
        listing.exchanged_on
        for listing in SignatoryList.objects.filter(agreement=agreement, party_id=party)
        if listing.exchanged_on < timezone.localdate(listing.created_at)
    ]
    found = [d for d in (delivered and timezone.localdate(delivered), *outside) if d]
    pending = (
        messages.filter(status=OutboxMessage.Status.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return min(found, default=None), pending and timezone.localdate(pending)


def dashboard(today: dt.date, party: str | None = None) -> list[Row]:
    """One row per agreement of `party` (the viewer's; by default this node's) in force today
    (Art. 17): its own list, and the other party's as "theirs"."""
    ours = party or settings.MIGREX_PARTY
    rows = []
    for agreement in Agreement.objects.filter(parties=ours).select_related("current_version"):
        profile = profile_of(agreement)
        if not dates.is_in_force(profile, today):
            continue
        due = dates.signatory_list_due(profile)
        sides = []
        for duty in signatory_duties(agreement, today):
            code = duty.party.code
            direction = Direction.SENT if code == ours else Direction.RECEIVED
            via = _first_notice(agreement, code, direction)
            exchanged, queued, state = duty.exchanged_on, None, duty.state
            if code == ours:
                exchanged, queued = _ours_sent(agreement, code)
                state = dates.signatory_duty_state(due, exchanged, today)
            sides.append(
                Side(
                    code, exchanged, via, str(state), str(duty.party), None if exchanged else queued
                )
            )
        rows.append(
            Row(
                agreement=agreement,
                entry_into_force=dates.entry_into_force(profile),
                due=due,
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
