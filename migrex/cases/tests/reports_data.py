"""The known cases the reports' tests count (test_reports, test_reports_browser): each figure
of cases/reports.py checked against cases set down by hand."""

from __future__ import annotations

import datetime as dt

from migrex.agreements.models import Authority
from migrex.cases.models import Case
from migrex.cases.workflow import Kind, Side, State

TODAY = dt.date(2026, 5, 20)
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
URL = "/reports/"


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def moment(text: str | None) -> dt.datetime | None:
    """A day at 09:00 UTC, or the given hour ("2026-02-14T20")."""
    if text is None:
        return None
    date, _, hour = text.partition("T")
    return at(date, int(hour or 9))


OUT, IN = Side.REQUESTER, Side.REQUESTED


def add(agreement, side, status, *, ours="kz-mvd", theirs="by-mvd", **fields) -> Case:
    """One copy of a request held by `ours`, with only the metadata a report reads."""
    a = {code: Authority.objects.get(code=code) for code in (ours, theirs)}
    requesting, requested = (ours, theirs) if side == OUT else (theirs, ours)
    received = fields.get("received_on")
    if received and "due_date" not in fields:
        fields["due_date"] = received + dt.timedelta(days=30)  # Art. 10.3
    return Case.objects.create(
        side=side,
        kind=fields.pop("kind", Kind.REQUEST),
        status=status,
        agreement=agreement,
        requesting_authority=a[requesting],
        requested_authority=a[requested],
        owner=a[ours],
        **fields,
    )


# KZ-MVD's copies: (side, state, signed, received, closed, other fields). Outgoing requests are
# dated by their signature in the KZ calendar and answered in the BY one; incoming requests are
# dated by receipt and answered in the KZ calendar.
KNOWN = [
    # outgoing, sent in the first quarter of 2026
    (OUT, State.ANSWERED, "2026-01-09", "2026-01-10", "2026-01-20", {}),  # 10 days, in time
    (OUT, State.ANSWERED, "2026-01-31", "2026-02-01", "2026-03-10", {}),  # 37 days, late
    (OUT, State.REFUSED, "2026-02-28", "2026-03-01", "2026-03-05", {}),  # 4 days, in time
    (OUT, State.REGISTERED, "2026-03-19", "2026-03-20", None, {}),  # open, past 19.04
    (OUT, State.WITHDRAWN, "2026-01-04", "2026-01-05", "2026-01-07", {}),
    # 31.12.2025 20:00 UTC is 01.01.2026 01:00 in Almaty: sent in the quarter
    (OUT, State.ANSWERED, "2025-12-31T20", "2026-01-03", "2026-01-13", {}),  # 10 days
    (
        OUT,
        State.ANSWERED_PARTIALLY,
        "2026-02-09",
        "2026-02-10",
        "2026-02-20",
        {"theirs": "by-border"},
    ),
    # incoming, received in the quarter; 14.02 20:00 UTC is 15.02 in Almaty: the 31st day, late
    (IN, State.ANSWERED, None, "2026-01-15", "2026-02-14T20", {}),
    (IN, State.ANSWERED, None, "2026-02-01", "2026-02-03", {}),  # 2 days
    (IN, State.POSTPONED, None, "2026-03-01", None, {"postponed_until": day("2099-01-01")}),
    (IN, State.POSTPONED, None, "2026-03-02", None, {"postponed_until": day("2026-04-30")}),
    (IN, State.REGISTERED, None, "2026-03-31", None, {}),  # overdue
    # after the quarter: in the deadline report only (on 20.05.2026)
    (OUT, State.ANSWERED, "2026-04-01", "2026-04-02", "2026-04-03", {}),
    (OUT, State.REGISTERED, "2026-04-25", "2026-04-26", None, {}),  # 6 days left
    (OUT, State.SENT, "2026-04-20", "2026-04-21", None, {}),  # due tomorrow
    (IN, State.RECEIVED, None, "2026-04-02", None, {}),  # overdue
    (IN, State.REGISTERED, None, "2026-04-25", None, {}),  # 5 days left
    (IN, State.REGISTERED, None, "2026-05-11", None, {}),  # 21 days left
    # never counted for KZ-MVD: information without a request, a draft, another authority's
    # copy, the other party's copy
    (OUT, State.DELIVERED, "2026-02-01", "2026-02-02", None, {"kind": Kind.SPONTANEOUS}),
    (OUT, State.DRAFT, None, None, None, {}),
    (IN, State.REGISTERED, None, "2026-02-02", None, {"ours": "kz-labour", "theirs": "by-border"}),
    (OUT, State.SENT, "2026-02-02", "2026-02-03", None, {"ours": "by-mvd", "theirs": "kz-mvd"}),
]


def make_known(agreement) -> None:
    """The known set of requests (KNOWN) under `agreement`."""
    for side, status, signed, received, closed, extra in KNOWN:
        add(
            agreement,
            side,
            status,
            signed_at=moment(signed),
            received_on=day(received) if received else None,
            closed_at=moment(closed),
            **extra,
        )
