"""What needs an officer now: the sections of the start page (shell/views.py `home`), the count
the navigation shows, and the news of a case since the officer last opened it (the unread mark).

A case needs an officer when it stands where the workflow's table (actions.py) gives one of the
officer's roles the move that is due next: the request to sign (Art. 9.3) or to confirm
(Art. 9.5), the request to register (Art. 10.1) or to answer (Art. 10.3), the other party's
question to answer (Art. 10.1, 10.2, 11.1). The roles are read from the table, never restated
here. Reads only, always through selectors.visible_cases (the officer's own authority's copies).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from migrex.accounts.roles import WORKING, holds, sees_personal_data, supervises
from migrex.cases import actions, selectors, tally, workflow
from migrex.cases.models import Case, CaseEvent, CaseSeen
from migrex.cases.workflow import Kind, Side, State
from migrex.core import prepared
from migrex.persons.models import Consent

SHOWN = 10  # cases listed per section; the count says how many there are


@dataclass(frozen=True)
class Due:
    """A move due on a case: a copy of `side` and `kind` standing in `state` waits for
    `action` by one of the roles the table names as its actors."""

    side: Side
    kind: Kind
    state: State
    action: str

    @property
    def roles(self) -> frozenset[str]:
        move = actions.find(self.side, self.kind, self.state, self.action)
        if move is None:  # a declaration changed: fail at import, not on a page
            raise RuntimeError(f"no move {self.action} from {self.state} ({self.side})")
        return move.actors

    def q(self) -> Q:
        return Q(side=self.side, kind=self.kind, status=self.state)


R, QD = Side.REQUESTER, Side.REQUESTED
REQUEST, SPONTANEOUS = Kind.REQUEST, Kind.SPONTANEOUS

# The sections of moves due, in the order the start page shows them.
DUE: dict[str, tuple[Due, ...]] = {
    "sign": (
        Due(R, REQUEST, State.AWAITING_SIGNATURE, "sign"),  # Art. 9.3
        Due(R, SPONTANEOUS, State.AWAITING_SIGNATURE, "sign"),  # Art. 8, 9.3
        Due(R, REQUEST, State.AWAITING_CONFIRMATION, "confirm"),  # Art. 9.5, signed as 9.3
    ),
    "register": (
        Due(QD, REQUEST, State.RECEIVED, "register"),  # Art. 10.1
        Due(QD, SPONTANEOUS, State.RECEIVED, "acknowledge"),  # Art. 8
    ),
    "answer": (Due(QD, REQUEST, State.REGISTERED, "reply"),),  # Art. 10.3
    "asked": (
        Due(R, REQUEST, State.AWAITING_INFORMATION, "provide_information"),  # Art. 10.1
        Due(R, REQUEST, State.CONDITIONS_PROPOSED, "accept_conditions"),  # Art. 10.2
        Due(R, REQUEST, State.AWAITING_CONFIDENTIALITY_DECISION, "proceed"),  # Art. 11.1
    ),
}


def _consistent() -> None:
    """Every move named above is in the table: checked at import, not on a page."""
    for dues in DUE.values():
        for due in dues:
            if not due.roles:  # raises itself when the move is missing
                raise RuntimeError(f"{due.action} has no actors")


_consistent()
SECTIONS = ("sign", "register", "answer", "asked", "news", "consents", "deadline")
ANSWER = DUE["answer"][0]


def _may(user, due: Due) -> bool:
    return holds(user, *due.roles)


def _executes_any(user) -> bool:
    """The officer may assign the requested side's cases to others (a supervisor, by the
    table): every case is theirs to see to; an operator's are those assigned to them or to
    nobody yet (Art. 10.1)."""
    assign = actions.find(QD, REQUEST, State.REGISTERED, "assign")
    return assign is not None and holds(user, *assign.actors)


def _theirs(user) -> Q:
    if _executes_any(user):
        return Q()
    return Q(assignee=user) | Q(assignee__isnull=True)


# --- news: what happened on a case since the officer last opened it ------------------------------


def _newsworthy(user) -> Q:
    """An event is news to `user` when the other party made it (a message that came in, a
    refusal of its node) or when it changed the state and was not the user's own move."""
    others = ~Q(from_state=F("to_state")) & ~Q(actor=user)
    return Q(direction="in") | others


def news_events(user) -> QuerySet[CaseEvent]:
    """Events of the outer case (OuterRef "pk") that are news to `user`: none of their opening
    of the case came at or after them."""
    seen_after = CaseSeen.objects.filter(case=OuterRef("case"), user=user, at__gte=OuterRef("at"))
    return CaseEvent.objects.filter(_newsworthy(user), case=OuterRef("pk")).exclude(
        Exists(seen_after)
    )


def has_news(user) -> Q:
    """Whether anything happened on a case since `user` last opened it (a case never opened:
    whether anything happened at all), from the case's latest news (models.record_news) and the
    officer's last opening: two columns and one index lookup. Only when that latest news was
    the officer's own move are the events read, as an earlier one may be someone else's."""
    seen = CaseSeen.objects.filter(case=OuterRef("pk"), user=user, at__gte=OuterRef("news_at"))
    unseen = Q(news_at__isnull=False) & ~Q(Exists(seen))
    return unseen & (~Q(news_by=user) | Q(Exists(news_events(user))))


def with_news(user, cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases`, each with `news`: whether anything happened on it since `user` last opened it."""
    return cases.annotate(news=ExpressionWrapper(has_news(user), output_field=BooleanField()))


def _concerns(user) -> Q:
    """The cases whose news the start page tells the officer: those they wrote, signed, execute
    or have opened before: a union of four index lookups (an OR of them would
    read every case)."""
    opened = CaseSeen.objects.filter(user=user).order_by().values("case")
    mine = [Case.objects.filter(**{f: user}).order_by().values("pk") for f in _MINE]
    return Q(pk__in=opened.union(*mine))


_MINE = ("author", "signed_by", "assignee")


def opened(user, case: Case) -> None:
    """Record that `user` opened `case` now (one statement: an upsert on the officer's row)."""
    CaseSeen.objects.bulk_create(
        [CaseSeen(case=case, user=user, at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "case"],
        update_fields=["at"],
    )


# --- the sections -----------------------------------------------------------------------------


def _deadline_band(today: dt.date) -> Q:
    """Requests this authority must answer whose 30-day period ends within
    selectors.DUE_SOON_DAYS days or has passed (Art. 10.3), postponed or not."""
    soon = today + dt.timedelta(days=selectors.DUE_SOON_DAYS)
    return Q(
        side=QD,
        kind=REQUEST,
        status__in=workflow.CLOCK_RUNNING,
        due_date__isnull=False,
        due_date__lte=soon,
    )


def _sections(user, today: dt.date) -> dict[str, Q]:
    """As section_filters, with the deadline's section before the postponements that hold
    are taken out of it (total counts those apart)."""
    found: dict[str, Q] = {}
    for name, dues in DUE.items():
        mine = [due for due in dues if _may(user, due)]
        if not mine:
            continue
        q = Q()
        for due in mine:
            q |= due.q() & (~Q(author=user) if due.action == "sign" else Q())  # Art. 9.3
        found[name] = q & _theirs(user) if name == "answer" else q
    if holds(user, *WORKING):
        found["news"] = _concerns(user) & has_news(user)
    if _may(user, ANSWER):
        found["deadline"] = _deadline_band(today) & _theirs(user)
    return found


def section_filters(user, today: dt.date) -> dict[str, Q]:
    """The case sections that concern `user`, each as a filter on their visible cases; a
    section none of the user's roles acts in is absent. The deadline's section leaves out the
    requests whose postponement holds (Art. 10.2)."""
    return _held_out(_sections(user, today), today)


def _held_out(found: dict[str, Q], today: dt.date) -> dict[str, Q]:
    if "deadline" in found:
        found = {**found, "deadline": found["deadline"] & ~selectors._postponement_holds(today)}
    return found


def consents_due(user) -> QuerySet[Consent] | None:
    """Consents the other party asked of the user's authority, awaiting its decision
    (Art. 11.2, 11.3): a supervisor's to decide; None for others."""
    if user.authority_id is None or not sees_personal_data(user) or not supervises(user):
        return None
    return Consent.objects.filter(
        side=Consent.Side.PROVIDER, provider_id=user.authority_id, status=Consent.Status.REQUESTED
    )


def _any(filters) -> Q:
    found = Q()
    for q in filters:
        found |= q
    return found


def total(user, today: dt.date) -> int:
    """How many cases need `user` (each once, in however many sections). The consents are
    counted apart, by the navigation, which counts them already. Up to three counts, each on
    indexes: the cases where a move is due or the deadline is near, from the covering index;
    less those only the deadline named whose postponement holds (a few rows); plus those with
    news that are in no other section (the officer's cases only). The navigation asks on every
    page, so their SQL is compiled once per officer and day (core/prepared.py)."""
    return _due(user, today) + _news(user, today)


def _key(name: str, user, today: dt.date) -> tuple:
    return (name, *selectors.officer(user), today)


def _due(user, today: dt.date) -> int:
    """total's cases where a move is due or the deadline is near: no news counted."""
    due, held = prepared.counts(_key("due", user, today), lambda: _total_queries(user, today)[:2])
    return due - held


def _news(user, today: dt.date) -> int:
    """total's cases with news for the officer that are in no other section."""
    return prepared.counts(_key("news", user, today), lambda: _total_queries(user, today)[2:])[0]


def counts(request, today: dt.date) -> tuple[dict[str, int], int]:
    """The navigation's numbers: the officer's box sizes (selectors.counts) and how many cases
    need them (total), kept until the authority's cases or their news change (tally.py), and
    read once per request (an unfiltered box's pager takes its size from them too)."""
    memo = getattr(request, "_migrex_counts", None)
    if memo is None or memo[0] != today:
        user = request.user
        now = tally.tokens(user)
        boxes, due = tally.kept(
            user,
            now,
            ("navigation", today),
            lambda: (selectors.counts(user, today), _due(user, today)),
        )
        news = tally.kept(user, now, ("news", today), lambda: _news(user, today), news=True)
        memo = request._migrex_counts = (today, (boxes, due + news))
    return memo[1]


def _total_queries(user, today: dt.date) -> list[QuerySet[Case]]:
    """total's three counts (none where a section is absent)."""
    loose = _sections(user, today)
    news = loose.pop("news", None)
    visible = selectors.visible_cases(user)
    found = [visible.filter(_any(loose.values())) if loose else Case.objects.none()]
    held = Case.objects.none()
    if "deadline" in loose:
        held = visible.filter(loose["deadline"] & selectors._postponement_holds(today))
        others = [q for name, q in loose.items() if name != "deadline"]
        held = held.exclude(_any(others)) if others else held
    found.append(held)
    if news is None:
        return [*found, Case.objects.none()]
    exact = _held_out(loose, today)
    news_only = visible.filter(news)
    return [*found, news_only.exclude(_any(exact.values())) if exact else news_only]


@dataclass
class Section:
    name: str
    count: int
    cases: list[Case]  # each with `news` (bool) and `latest` (the action of its latest news)
    consents: list[Consent] | None = None


def sections(user, today: dt.date) -> list[Section]:
    """The start page: the sections that concern `user`, each with up to SHOWN cases (the ones
    waiting longest first, the deadline's nearest first), in SECTIONS order. Their counts and
    first cases are kept until the authority's cases change (tally.py); one query then reads
    those cases with their news, its SQL compiled once per officer and set of cases."""
    found: dict[str, Section] = {}
    now = tally.tokens(user)
    counted = tally.kept(user, now, ("sections", today), lambda: _counted(user, today, news=False))
    counted += tally.kept(
        user, now, ("sections", "news", today), lambda: _counted(user, today, news=True), news=True
    )
    if counted:
        ids = tuple(sorted({pk for _name, _n, first in counted for pk in first}))
        key = ("start", *selectors.officer(user), ids)
        listed = selectors.with_authorities(prepared.objects(Case, key, lambda: _listed(user, ids)))
        by_pk = {c.pk: c for c in listed}
        for name, n, first in counted:
            found[name] = Section(name, n, [by_pk[pk] for pk in first if pk in by_pk])
    asked = consents_due(user)
    if asked is not None:
        listed = list(asked.select_related("requester").order_by("created_at")[:SHOWN])
        found["consents"] = Section("consents", asked.count(), [], listed)
    return [found[name] for name in SECTIONS if name in found]


def _listed(user, ids: tuple[int, ...]) -> QuerySet[Case]:
    """The start page's cases, each with its news and the action of its latest news."""
    latest = news_events(user).order_by("-at", "-id").values("action")[:1]
    listed = with_news(user, selectors.visible_cases(user).filter(pk__in=ids))
    return listed.annotate(latest=Subquery(latest))


def _counted(user, today: dt.date, *, news: bool) -> tuple[tuple[str, int, tuple[int, ...]], ...]:
    """Each section's name, count and the ids of its first SHOWN cases: the section of news, or
    every other. Each on its indexes with SQL compiled once per officer and day
    (core/prepared.py)."""
    filters = section_filters(user, today)
    names = [name for name in filters if (name == "news") == news]
    if not names:
        return ()
    visible = selectors.visible_cases(user)
    key = (*_key("sections", user, today), news)
    counted = prepared.counts(key, lambda: [visible.filter(filters[n]) for n in names])
    first = {n: prepared.rows((*key, n), _first(visible, filters, n)) for n in names}
    return tuple(
        (name, n, tuple(pk for (pk,) in first[name]))
        for name, n in zip(names, counted, strict=True)
    )


def _first(visible: QuerySet[Case], filters: dict[str, Q], name: str):
    """What builds the ids of a section's first SHOWN cases, in the order it lists them."""
    order = ("due_date", "updated_at") if name == "deadline" else ("updated_at",)
    return lambda: visible.filter(filters[name]).order_by(*order, "pk").values_list("pk")[:SHOWN]
