"""Reads of cases, always through what the user may see: their own authority's copies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from migrex.accounts.roles import OPERATOR
from migrex.agreements.selectors import directory
from migrex.cases import actions, workflow
from migrex.cases.models import Case, owned_by
from migrex.cases.workflow import Side, State
from migrex.core import logcontext, prepared

DUE_SOON_DAYS = 5
# Closed cases apart by direction: those the other party sent us, and our own requests and
# information.
BOXES = ("incoming", "outgoing", "due-soon", "overdue", "closed-incoming", "closed-outgoing")
# The API also takes "closed", both directions together, as it always has.
API_BOXES = (*BOXES, "closed")


def can_draft(user) -> bool:
    return user.authority_id is not None and user.has_role(OPERATOR)


def officer(user) -> tuple:
    """What of an officer a query or a count kept for them depends on: who they are, their
    authority, whether they may still sign in, their roles (core/prepared.py, tally.py)."""
    return (user.pk, user.authority_id, user.is_active, user.roles())


def visible_cases(user) -> QuerySet[Case]:
    """Every case of the user's authority; nothing for a user without one (deny by default)."""
    if not user.is_authenticated or not user.is_active or user.authority_id is None:
        return Case.objects.none()
    return Case.objects.filter(owned_by(user.authority_id))


def case_for(user, pk: int) -> Case:
    """The case if the user may see it; 404 otherwise, so its existence is not disclosed
    (Art. 11.1). Its authorities come from the reference directory and its officers in one
    query: joined into the case's own query, nine tables took PostgreSQL longer to plan than
    the case and its officers take to read."""
    case = visible_cases(user).select_related("agreement").filter(pk=pk).first()
    if case is None:
        raise Http404
    with_authorities([case])
    ids = {getattr(case, field.attname) for field in _OFFICERS} - {None}
    _attach(case, _OFFICERS, get_user_model().objects.in_bulk(ids) if ids else {})
    logcontext.set_case(str(case))  # its registration number, on the request's log lines
    return case


_OFFICERS = (Case.author.field, Case.assignee.field, Case.signed_by.field)


def with_authorities(cases: list[Case]) -> list[Case]:
    """`cases`, each given its two authorities from the reference directory (no query): for
    cases read without select_related (core/prepared.objects)."""
    by_id = {a.pk: a for a in directory().authorities.values()}
    for case in cases:
        _attach(case, _SIDES, by_id)
    return cases


_SIDES = (Case.requesting_authority.field, Case.requested_authority.field)


def _attach(case: Case, fields, by_id: dict) -> None:
    """Each of the case's foreign keys `fields` given the object `by_id` holds for it, as
    select_related would have; one not there is read when asked for."""
    for field in fields:
        if (found := by_id.get(getattr(case, field.attname))) is not None:
            field.set_cached_value(case, found)


def box(user, name: str, today: dt.date) -> QuerySet[Case]:
    cases = visible_cases(user).select_related("requesting_authority", "requested_authority")
    open_ = cases.exclude(status__in=workflow.CLOSED)
    if name == "incoming":
        return open_.filter(side=Side.REQUESTED).order_by("due_date", "-created_at")
    if name == "outgoing":
        return open_.filter(side=Side.REQUESTER).order_by("-created_at")
    if name in ("due-soon", "overdue"):
        return deadline_band(open_, name, today).order_by("due_date", "pk")
    if name in ("closed", "closed-incoming", "closed-outgoing"):
        closed = cases.filter(status__in=workflow.CLOSED)
        if name != "closed":
            closed = closed.filter(
                side=Side.REQUESTED if name == "closed-incoming" else Side.REQUESTER
            )
        # The latest closed first; an open case has none, and on PostgreSQL, where NULL sorts
        # first in descending order, its index (migration 0013) puts them last too.
        return closed.order_by(F("closed_at").desc(nulls_last=True), "-pk")
    raise Http404


def deadline_band(cases: QuerySet[Case], band: str, today: dt.date) -> QuerySet[Case]:
    """Requests whose 30-day period (Art. 10.3) has passed ("overdue"), ends within
    DUE_SOON_DAYS ("due-soon") or later ("later"), as the boxes and their counts see them."""
    running = _running(cases.exclude(status__in=workflow.CLOSED), today)
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    if band == "overdue":
        return running.filter(due_date__lt=today)
    if band == "due-soon":
        return running.filter(due_date__gte=today, due_date__lte=soon)
    return running.filter(due_date__gt=soon)


def _running(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    # Both copies show the clock: the requested side's and, once registered, the requester's;
    # a request lawfully postponed is not pressed while the postponement holds (Art. 10.2).
    return cases.filter(
        kind=workflow.Kind.REQUEST, status__in=workflow.CLOCK_RUNNING, due_date__isnull=False
    ).exclude(_postponement_holds(today))


# A postponement holds (Art. 10.2) while the case is postponed until a date not yet passed, or on
# a condition not yet lifted (the requested side resumes execution when it is). The same rule
# twice, next to each other: as a filter for the lists and on one case for its clock.
def _postponement_holds(today: dt.date) -> Q:
    waits = Q(postponed_until__gte=today) | ~Q(postponement_condition="")
    return Q(status=State.POSTPONED) & waits


def postponement_holds(case: Case, today: dt.date) -> bool:
    if case.status != State.POSTPONED:
        return False
    return bool(case.postponement_condition) or (
        case.postponed_until is not None and case.postponed_until >= today
    )


@dataclass(frozen=True)
class Clock:
    """Where a request stands against the 30-day deadline (Art. 10.3)."""

    due: dt.date | None
    days_left: int | None
    state: str  # "none", "running", "due-soon", "overdue", "postponed", "stopped"
    until: dt.date | None = None  # a postponement that holds (Art. 10.2): until when,
    condition: str = ""  # or on what condition

    @property
    def label_ru(self) -> str:
        if self.state == "none":
            return "срок не установлен"
        if self.state == "stopped":
            return f"срок {self.due:%d.%m.%Y}, исполнение завершено"
        if self.state == "postponed":
            until = f" до {self.until:%d.%m.%Y}" if self.until else ""
            condition = f": {self.condition}" if self.condition else ""
            return f"отсрочено{until}{condition} (срок {self.due:%d.%m.%Y})"
        if self.days_left < 0:
            return f"просрочен на {-self.days_left} дн. (срок {self.due:%d.%m.%Y})"
        return f"осталось {self.days_left} дн. (срок {self.due:%d.%m.%Y})"

    @property
    def label_en(self) -> str:
        if self.state == "none":
            return "no deadline"
        if self.state == "stopped":
            return f"due {self.due}, closed"
        if self.state == "postponed":
            until = f" until {self.until}" if self.until else ""
            condition = f": {self.condition}" if self.condition else ""
            return f"postponed{until}{condition} (due {self.due})"
        if self.days_left < 0:
            return f"overdue by {-self.days_left} days (due {self.due})"
        return f"{self.days_left} days left (due {self.due})"


def clock(case: Case, today: dt.date) -> Clock:
    if case.due_date is None:
        return Clock(None, None, "none")
    if case.status not in workflow.CLOCK_RUNNING:
        return Clock(case.due_date, None, "stopped")
    left = (case.due_date - today).days
    if postponement_holds(case, today):
        return Clock(
            case.due_date, left, "postponed", case.postponed_until, case.postponement_condition
        )
    state = "overdue" if left < 0 else "due-soon" if left <= DUE_SOON_DAYS else "running"
    return Clock(case.due_date, left, state)


def counts(user, today: dt.date) -> dict[str, int]:
    """The size of every box (the navigation shows them on every page), from the covering
    index on (owner, status, side, kind, due_date, …): the cases grouped by status, side and
    kind, a few dozen rows; the requests whose deadline is near or past, by ranges of that
    index; the few postponements that hold (Art. 10.2) apart. Grouping by where the deadline
    falls as well would sort every row. The SQL is compiled once per authority and day
    (core/prepared.py)."""
    found = dict.fromkeys(BOXES, 0)
    key = ("boxes", *officer(user), today)
    grouped = prepared.rows(
        key,
        lambda: (
            visible_cases(user)
            .values_list("status", "side", "kind")
            .annotate(n=Count("*"))  # COUNT(*) and the index's order: PostgreSQL then groups
            .order_by("status", "side", "kind")  # while scanning the index, not the table
        ),
    )
    postponed = False
    for status, side, _kind, n in grouped:
        postponed = postponed or status == State.POSTPONED
        closed = status in workflow.CLOSED
        box = ("closed-" if closed else "") + ("incoming" if side == Side.REQUESTED else "outgoing")
        found[box] += n
    overdue, soon, held_overdue, held_soon = prepared.counts(
        key, lambda: _deadline_counts(user, today)
    )
    found["overdue"], found["due-soon"] = overdue, soon
    if postponed:  # those postponements that hold were counted: take them back out
        found["overdue"] -= held_overdue
        found["due-soon"] -= held_soon
    return found


def _deadline_counts(user, today: dt.date) -> list[QuerySet[Case]]:
    """Requests overdue and due soon (by ranges of the covering index); the same two whose
    postponement holds."""
    near = visible_cases(user).filter(
        status__in=workflow.CLOCK_RUNNING,
        side__in=[Side.REQUESTED, Side.REQUESTER],  # both: named, so the index is searched
        kind=workflow.Kind.REQUEST,
    )
    overdue = near.filter(due_date__lt=today)
    soon = near.filter(due_date__gte=today, due_date__lte=today + dt.timedelta(DUE_SOON_DAYS))
    held = _postponement_holds(today)
    return [overdue, soon, overdue.filter(held), soon.filter(held)]


def moves_for(user, case: Case) -> list[workflow.Transition]:
    """The moves this user can make on this case now (for buttons; transition() re-checks)."""
    if user.authority_id != case.own_authority_id:
        return []
    return [
        t
        for t in actions.local_moves(case.side, case.kind, State(case.status))
        if any(user.has_role(role) for role in t.actors)
        and not (t.action == "sign" and user.pk == case.author_id)
        and not (t.action in ("submit", "discard") and user.pk != case.author_id)
    ]


def overdue_on_node(today: dt.date) -> dict[str, int]:
    """Requests past their 30-day period (Art. 10.3) on the whole node, every authority's, by
    side: the operators' view (metrics), not an officer's."""
    open_ = Case.objects.exclude(status__in=workflow.CLOSED)
    rows = _running(open_, today).filter(due_date__lt=today).values("side")
    return {row["side"]: row["n"] for row in rows.annotate(n=Count("pk")).order_by()}
