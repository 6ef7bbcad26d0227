"""Reports per agreement and period: how the requests between the authorities fare against the
30-day period of execution (Art. 10.3), counted in the database from the cases alone.

No personal data and no free text is read: only states, dates and authorities (metadata). Every
figure is an aggregate the database computes (conditional counts, dates converted in SQL); the
few rows that come back (one per pair of authorities and direction, one per number of days to
reply, one per deadline bucket) are summed here.

What is counted, for the requests (Art. 8.1, 9) of one agreement:
- the cohort of the period: outgoing requests signed and sent in it (the requester's calendar),
  incoming requests received in it (Art. 10.3: the date the 30 days run from);
- answered: executed in full or in part (Art. 10.3, 10.4); refused: refused in full (Art. 10.4);
- overdue: not closed today and past the end of the 30 days (Art. 10.3), unless a postponement
  holds (Art. 10.2); an outgoing request the other party has not yet registered counts as well;
- days to reply: from the date of receipt to the day of the answer or refusal, in the requested
  party's calendar;
- replied in time: the answer or refusal came no later than the last day of the period of
  Art. 10.3 (30 calendar days from the day after receipt; longer only where the agreement's
  profile pauses the period, which the Kazakhstan–Belarus agreement does not). Its share is
  taken of the requests whose outcome against the period is known: replied, or still open past
  the period. Requests withdrawn or discarded are in no share.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case as DbCase
from django.db.models import Count, DurationField, F, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate

from migrex.accounts.roles import AUDITOR, SUPERVISOR, administers, holds, of_an_authority
from migrex.agreements.models import Agreement, Authority
from migrex.cases.models import Case
from migrex.cases.workflow import CLOSED, Kind, Side, State

ANSWERED = (State.ANSWERED, State.ANSWERED_PARTIALLY)  # Art. 10.3, 10.4 (refused in part)
REPLIED = (*ANSWERED, State.REFUSED)
DROPPED = (State.WITHDRAWN, State.DISCARDED)

# The deadline report's buckets, by days left to the end of the period (Art. 10.3); the
# reminders fall 10, 5 and 1 days before it.
OVERDUE, DAYS_0_1, DAYS_2_5, DAYS_6_10, DAYS_11_PLUS, POSTPONED = (
    "overdue",
    "0-1",
    "2-5",
    "6-10",
    "11+",
    "postponed",
)
BUCKETS = (OVERDUE, DAYS_0_1, DAYS_2_5, DAYS_6_10, DAYS_11_PLUS, POSTPONED)


def may_see(user) -> bool:
    """Supervisors and auditors of a competent authority, and the node's administrators.

    The figures carry no personal data, but they are the authority's own record of its work:
    supervisors answer for it, auditors check it (Art. 11.4), administrators run the node. A
    signatory signs (Art. 9.3) and an operator executes: neither needs the figures for that, so
    they are denied (deny by default), unless they also hold one of the roles above."""
    if administers(user):
        return True
    return of_an_authority(user) and holds(user, SUPERVISOR, AUDITOR)


def scope(user) -> Q:
    """The copies the user's figures count: an administrator's, every authority's of this node;
    anyone else's, their own authority's."""
    if administers(user):
        return Q(owner__party_id=settings.MIGREX_PARTY)
    return Q(owner_id=user.authority_id)


def agreements_for(user) -> QuerySet[Agreement]:
    if administers(user):
        return Agreement.objects.filter(parties=settings.MIGREX_PARTY).order_by("title_ru")
    return Agreement.objects.filter(authorities=user.authority_id).order_by("title_ru")


@dataclass
class Figures:
    """One line of the report: a pair of authorities in one direction, or a total."""

    requests: int = 0  # sent (outgoing) or received (incoming) in the period
    answered: int = 0
    refused: int = 0
    dropped: int = 0  # withdrawn or discarded
    overdue: int = 0
    judged: int = 0  # replied, or open past the period: the base of the share in time
    in_time: int = 0
    days: Counter = field(default_factory=Counter)  # days to reply → number of replies

    @property
    def open(self) -> int:
        return self.requests - self.answered - self.refused - self.dropped

    @property
    def median_days(self) -> Decimal | None:
        """The median of the days to reply, from the histogram (a half when it falls between
        two replies)."""
        total = sum(self.days.values())
        if not total:
            return None
        middle = ((total - 1) // 2, total // 2)  # the one or two replies in the middle
        found, seen = [], 0
        for days in sorted(self.days):
            seen += self.days[days]
            while len(found) < 2 and seen > middle[len(found)]:
                found.append(days)
        return Decimal(found[0] + found[1]) / 2

    @property
    def in_time_percent(self) -> Decimal | None:
        if not self.judged:
            return None
        share = Decimal(self.in_time * 100) / self.judged
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def add(self, other: Figures) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.days.update(other.days)


COUNTS = ("requests", "answered", "refused", "dropped", "overdue", "judged", "in_time")


@dataclass
class Line:
    side: Side  # REQUESTER: our outgoing requests; REQUESTED: the incoming ones
    ours: Authority
    theirs: Authority
    figures: Figures


@dataclass
class Report:
    agreement: Agreement
    start: dt.date
    end: dt.date
    today: dt.date
    lines: list[Line]
    totals: dict[Side, Figures]
    deadlines: dict[Side, dict[str, int]]


def report(user, agreement: Agreement, start: dt.date, end: dt.date, today: dt.date) -> Report:
    """The figures of `agreement` for requests of the period `start`–`end` (both included), and
    the open requests by the days left to their deadline today. Three queries on the cases."""
    cases = Case.objects.filter(scope(user), agreement=agreement, kind=Kind.REQUEST)
    ours = settings.MIGREX_PARTY if administers(user) else user.authority.party_id
    lines = _lines(cases, agreement, ours, start, end, today)
    totals = {side: Figures() for side in Side}
    for line in lines:
        totals[line.side].add(line.figures)
    return Report(agreement, start, end, today, lines, totals, _deadlines(cases, today))


def _replied_on(zones: dict[str, ZoneInfo], ours: str) -> DbCase:
    """The day a request closed in the requested party's calendar (Art. 10.3): ours for the
    incoming requests, the other party's for the outgoing ones (of which there is one under a
    bilateral agreement, so that no join is needed)."""
    others = [party for party in zones if party != ours] or [ours]
    return DbCase(
        When(side=Side.REQUESTED, then=TruncDate("closed_at", tzinfo=zones[ours])),
        *(
            When(
                requested_authority__party_id=party,
                then=TruncDate("closed_at", tzinfo=zones[party]),
            )
            for party in others[:-1]
        ),
        default=TruncDate("closed_at", tzinfo=zones[others[-1]]),
    )


def _lines(cases, agreement, ours: str, start, end, today) -> list[Line]:
    zones = {p.code: ZoneInfo(p.timezone) for p in agreement.parties.all()}
    zones.setdefault(ours, ZoneInfo(settings.TIME_ZONE))
    # Sent: when the requester's signatory signed it (the request leaves on signature), within
    # the days of the period in our calendar: compared as instants, so the index serves it.
    first = dt.datetime.combine(start, dt.time(), tzinfo=zones[ours])
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zones[ours])
    dated = cases.filter(
        Q(side=Side.REQUESTER, signed_at__gte=first, signed_at__lt=after)
        | Q(side=Side.REQUESTED, received_on__range=(start, end))
    ).annotate(replied_on=_replied_on(zones, ours))
    keys = ("side", "requesting_authority_id", "requested_authority_id")
    open_ = ~Q(status__in=CLOSED)
    past = open_ & Q(due_date__lt=today) & _not_held(today)
    replied = Q(status__in=REPLIED, closed_at__isnull=False, received_on__isnull=False)
    # One pass: grouped by pair of authorities and by days to reply (none for the requests not
    # replied to), so the rows are a histogram the median is read from.
    days = DbCase(
        When(replied, then=F("replied_on") - F("received_on")),
        output_field=DurationField(),
    )
    rows = (
        dated.annotate(days=days)
        .order_by()
        .values(*keys, "days")
        .annotate(
            requests=Count("pk"),
            answered=Count("pk", filter=Q(status__in=ANSWERED)),
            refused=Count("pk", filter=Q(status=State.REFUSED)),
            dropped=Count("pk", filter=Q(status__in=DROPPED)),
            overdue=Count("pk", filter=past),
            judged=Count("pk", filter=replied | past),
            in_time=Count("pk", filter=replied & Q(replied_on__lte=F("due_date"))),
            replies=Count("pk", filter=replied),
        )
    )
    found: dict[tuple, Figures] = {}
    for row in rows:
        figures = found.setdefault(tuple(row[k] for k in keys), Figures())
        figures.add(Figures(**{name: row[name] for name in COUNTS}))
        if row["days"] is not None:
            figures.days[row["days"].days] += row["replies"]
    names = Authority.objects.in_bulk({a for key in found for a in key[1:]})
    lines = []
    for (side, requesting, requested), figures in found.items():
        outgoing = side == Side.REQUESTER
        mine, theirs = (requesting, requested) if outgoing else (requested, requesting)
        lines.append(Line(Side(side), names[mine], names[theirs], figures))
    lines.sort(key=lambda line: (line.side != Side.REQUESTER, line.ours.code, line.theirs.code))
    return lines


# A postponement holds (Art. 10.2) while the case is postponed until a date not yet passed, or
# on a condition not yet lifted: selectors.postponement_holds, written here both ways without a
# negation, so that an empty date counts as "not holding" in SQL as it does there.
def _held(today: dt.date) -> Q:
    waits = Q(postponed_until__gte=today) | ~Q(postponement_condition="")
    return Q(status=State.POSTPONED) & waits


def _not_held(today: dt.date) -> Q:
    lapsed = Q(postponed_until__isnull=True) | Q(postponed_until__lt=today)
    return ~Q(status=State.POSTPONED) | (Q(postponement_condition="") & lapsed)


def _deadlines(cases, today: dt.date) -> dict[Side, dict[str, int]]:
    """Open requests by the days left to the end of their period (Art. 10.3), today."""

    def day(n: int) -> dt.date:
        return today + dt.timedelta(days=n)

    bucket = DbCase(
        When(_held(today), then=Value(POSTPONED)),
        When(due_date__lt=today, then=Value(OVERDUE)),
        When(due_date__lte=day(1), then=Value(DAYS_0_1)),
        When(due_date__lte=day(5), then=Value(DAYS_2_5)),
        When(due_date__lte=day(10), then=Value(DAYS_6_10)),
        default=Value(DAYS_11_PLUS),
    )
    rows = (
        cases.exclude(status__in=CLOSED)
        .filter(due_date__isnull=False)
        .annotate(bucket=bucket)
        .order_by()
        .values("side", "bucket")
        .annotate(n=Count("pk"))
    )
    found = {side: dict.fromkeys(BUCKETS, 0) for side in Side}
    for row in rows:
        found[Side(row["side"])][row["bucket"]] += row["n"]
    return found
