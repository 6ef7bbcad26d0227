"""The request workflow as data: every allowed move of a case, who may make it, and the article.

Pure module (no Django). A case exists on each side of a conversation: the requester's copy and the
requested side's copy move through the same states, driven on each side by local officers and by the
messages the other side sends. A local move that the other side must learn of names the message kind
it emits; the other side applies that message as the move of the same name with the actor PEER.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    REQUESTER = "requester"  # the copy of the authority that asks (or sends information)
    REQUESTED = "requested"  # the copy of the authority that is asked (or receives information)


class Kind(StrEnum):
    REQUEST = "request"  # Art. 8 para 1, Art. 9
    SPONTANEOUS = "spontaneous"  # Art. 8 para 2: information sent without a request


class State(StrEnum):
    DRAFT = "draft"
    AWAITING_SIGNATURE = "awaiting_signature"
    SENT = "sent"
    RECEIVED = "received"
    REGISTERED = "registered"
    AWAITING_INFORMATION = "awaiting_information"
    POSTPONED = "postponed"
    CONDITIONS_PROPOSED = "conditions_proposed"
    AWAITING_CONFIDENTIALITY_DECISION = "awaiting_confidentiality_decision"
    ANSWERED = "answered"
    ANSWERED_PARTIALLY = "answered_partially"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    DISCARDED = "discarded"
    DELIVERED = "delivered"  # spontaneous information, acknowledged by the receiver


CLOSED = frozenset(
    {
        State.ANSWERED,
        State.ANSWERED_PARTIALLY,
        State.REFUSED,
        State.WITHDRAWN,
        State.DISCARDED,
        State.DELIVERED,
    }
)
# States in which the requested side's 30-day clock runs (Art. 10.3).
CLOCK_RUNNING = frozenset(
    {
        State.RECEIVED,
        State.REGISTERED,
        State.AWAITING_INFORMATION,
        State.POSTPONED,
        State.CONDITIONS_PROPOSED,
        State.AWAITING_CONFIDENTIALITY_DECISION,
    }
)
# Requests still open on both sides once sent: where a withdrawal or a doubt can still arrive.
OPEN_SENT = (
    State.SENT,
    State.RECEIVED,
    State.REGISTERED,
    State.AWAITING_INFORMATION,
    State.POSTPONED,
    State.CONDITIONS_PROPOSED,
    State.AWAITING_CONFIDENTIALITY_DECISION,
)

# Actors: officer roles, or the other party's node.
OPERATOR, SIGNATORY, SUPERVISOR = "operator", "signatory", "supervisor"
PEER = "peer"


@dataclass(frozen=True)
class Transition:
    side: Side
    source: State | None  # None: the move creates the case
    action: str
    target: State
    actors: frozenset[str]
    article: str
    emits: str | None = None  # message kind sent to the other side, applied there as `emits`
    kinds: frozenset[Kind] = frozenset({Kind.REQUEST})


def _t(side, sources, action, target, actors, article, emits=None, kinds=(Kind.REQUEST,)):
    sources = sources if isinstance(sources, tuple) else (sources,)
    return [
        Transition(side, s, action, target, frozenset(actors), article, emits, frozenset(kinds))
        for s in sources
    ]


R, Q = Side.REQUESTER, Side.REQUESTED
S = State
BOTH = (Kind.REQUEST, Kind.SPONTANEOUS)
_AFTER_REGISTRATION = (
    S.REGISTERED,
    S.AWAITING_INFORMATION,
    S.POSTPONED,
    S.CONDITIONS_PROPOSED,
    S.AWAITING_CONFIDENTIALITY_DECISION,
)

TRANSITIONS: tuple[Transition, ...] = tuple(
    # --- the requester's copy: written, signed and sent (Art. 9.1–9.3)
    _t(R, S.DRAFT, "submit", S.AWAITING_SIGNATURE, {OPERATOR}, "9.3", kinds=BOTH)
    + _t(R, S.DRAFT, "discard", S.DISCARDED, {OPERATOR}, "9.1", kinds=BOTH)
    + _t(R, S.AWAITING_SIGNATURE, "return", S.DRAFT, {SIGNATORY}, "9.3", kinds=BOTH)
    + _t(R, S.AWAITING_SIGNATURE, "sign", S.SENT, {SIGNATORY}, "9.3", "request")
    + _t(
        R,
        S.AWAITING_SIGNATURE,
        "sign",
        S.SENT,
        {SIGNATORY},
        "8",
        "spontaneous",
        (Kind.SPONTANEOUS,),
    )
    + _t(R, S.SENT, "acknowledged", S.DELIVERED, {PEER}, "8", kinds=(Kind.SPONTANEOUS,))
    # ... what the requested side tells it
    + _t(R, S.SENT, "registered", S.REGISTERED, {PEER}, "10.1")
    + _t(R, S.REGISTERED, "information_requested", S.AWAITING_INFORMATION, {PEER}, "10.1")
    + _t(R, _AFTER_REGISTRATION, "obstacle", None, {PEER}, "10.1")
    + _t(R, S.REGISTERED, "postponed", S.POSTPONED, {PEER}, "10.2")
    + _t(R, S.POSTPONED, "resumed", S.REGISTERED, {PEER}, "10.2")
    + _t(R, S.REGISTERED, "conditions", S.CONDITIONS_PROPOSED, {PEER}, "10.2")
    + _t(
        R,
        S.REGISTERED,
        "confidentiality_impossible",
        S.AWAITING_CONFIDENTIALITY_DECISION,
        {PEER},
        "11.1",
    )
    + _t(R, S.REGISTERED, "answer", S.ANSWERED, {PEER}, "10.3")
    + _t(R, S.REGISTERED, "partial_answer", S.ANSWERED_PARTIALLY, {PEER}, "10.4")
    + _t(R, S.REGISTERED, "refusal", S.REFUSED, {PEER}, "10.4")
    # ... and what it decides
    + _t(
        R,
        S.AWAITING_INFORMATION,
        "provide_information",
        S.REGISTERED,
        {OPERATOR},
        "10.1",
        "information",
    )
    + _t(
        R,
        S.CONDITIONS_PROPOSED,
        "accept_conditions",
        S.REGISTERED,
        {SIGNATORY, SUPERVISOR},
        "10.2",
        "conditions_accepted",
    )
    + _t(
        R,
        S.CONDITIONS_PROPOSED,
        "decline_conditions",
        S.WITHDRAWN,
        {SIGNATORY, SUPERVISOR},
        "10.2",
        "conditions_declined",
    )
    + _t(
        R,
        S.AWAITING_CONFIDENTIALITY_DECISION,
        "proceed",
        S.REGISTERED,
        {SIGNATORY, SUPERVISOR},
        "11.1",
        "proceed",
    )
    + _t(
        R,
        (S.SENT, *_AFTER_REGISTRATION),
        "withdraw",
        S.WITHDRAWN,
        {SIGNATORY, SUPERVISOR},
        "8",
        "withdrawal",
    )
    # --- the requested side's copy (Art. 10, 11.1)
    + _t(Q, None, "request", S.RECEIVED, {PEER}, "9.1")
    + _t(Q, None, "spontaneous", S.RECEIVED, {PEER}, "8", kinds=(Kind.SPONTANEOUS,))
    + _t(
        Q,
        S.RECEIVED,
        "acknowledge",
        S.DELIVERED,
        {OPERATOR, SUPERVISOR},
        "8",
        "acknowledged",
        (Kind.SPONTANEOUS,),
    )
    + _t(Q, S.RECEIVED, "register", S.REGISTERED, {OPERATOR, SUPERVISOR}, "10.1", "registered")
    + _t(Q, _AFTER_REGISTRATION, "assign", None, {SUPERVISOR}, "10.1")
    + _t(
        Q,
        S.REGISTERED,
        "request_information",
        S.AWAITING_INFORMATION,
        {OPERATOR, SUPERVISOR},
        "10.1",
        "information_requested",
    )
    + _t(Q, S.AWAITING_INFORMATION, "information", S.REGISTERED, {PEER}, "10.1")
    + _t(
        Q, _AFTER_REGISTRATION, "notify_obstacle", None, {OPERATOR, SUPERVISOR}, "10.1", "obstacle"
    )
    + _t(Q, S.REGISTERED, "postpone", S.POSTPONED, {SUPERVISOR}, "10.2", "postponed")
    + _t(Q, S.POSTPONED, "resume", S.REGISTERED, {SUPERVISOR}, "10.2", "resumed")
    + _t(
        Q, S.REGISTERED, "set_conditions", S.CONDITIONS_PROPOSED, {SUPERVISOR}, "10.2", "conditions"
    )
    + _t(Q, S.CONDITIONS_PROPOSED, "conditions_accepted", S.REGISTERED, {PEER}, "10.2")
    + _t(Q, S.CONDITIONS_PROPOSED, "conditions_declined", S.WITHDRAWN, {PEER}, "10.2")
    + _t(
        Q,
        S.REGISTERED,
        "notify_confidentiality",
        S.AWAITING_CONFIDENTIALITY_DECISION,
        {SUPERVISOR},
        "11.1",
        "confidentiality_impossible",
    )
    + _t(Q, S.AWAITING_CONFIDENTIALITY_DECISION, "proceed", S.REGISTERED, {PEER}, "11.1")
    + _t(Q, S.REGISTERED, "reply", S.ANSWERED, {OPERATOR, SUPERVISOR}, "10.3", "answer")
    + _t(
        Q,
        S.REGISTERED,
        "reply_partially",
        S.ANSWERED_PARTIALLY,
        {SUPERVISOR, SIGNATORY},
        "10.4",
        "partial_answer",
    )
    + _t(Q, S.REGISTERED, "refuse", S.REFUSED, {SUPERVISOR, SIGNATORY}, "10.4", "refusal")
    + _t(Q, (S.RECEIVED, *_AFTER_REGISTRATION), "withdrawal", S.WITHDRAWN, {PEER}, "8")
    # --- either side may doubt a message and ask for confirmation (Art. 9.5)
    + _t(
        R,
        (S.SENT, *_AFTER_REGISTRATION),
        "ask_confirmation",
        None,
        {OPERATOR, SUPERVISOR},
        "9.5",
        "confirmation_request",
    )
    + _t(
        Q,
        (S.RECEIVED, *_AFTER_REGISTRATION),
        "ask_confirmation",
        None,
        {OPERATOR, SUPERVISOR},
        "9.5",
        "confirmation_request",
    )
    + _t(R, (S.SENT, *_AFTER_REGISTRATION), "confirmation_request", None, {PEER}, "9.5")
    + _t(Q, (S.RECEIVED, *_AFTER_REGISTRATION), "confirmation_request", None, {PEER}, "9.5")
    + _t(
        R,
        (S.SENT, *_AFTER_REGISTRATION),
        "confirm",
        None,
        {SIGNATORY, SUPERVISOR},
        "9.5",
        "confirmation",
    )
    + _t(
        Q,
        (S.RECEIVED, *_AFTER_REGISTRATION),
        "confirm",
        None,
        {SIGNATORY, SUPERVISOR},
        "9.5",
        "confirmation",
    )
    + _t(R, (S.SENT, *_AFTER_REGISTRATION), "confirmation", None, {PEER}, "9.5")
    + _t(Q, (S.RECEIVED, *_AFTER_REGISTRATION), "confirmation", None, {PEER}, "9.5")
)

_INDEX: dict[tuple[Side, Kind, State | None, str], Transition] = {}
for _tr in TRANSITIONS:
    for _kind in _tr.kinds:
        _key = (_tr.side, _kind, _tr.source, _tr.action)
        if _key in _INDEX:
            raise RuntimeError(f"duplicate transition {_key}")
        _INDEX[_key] = _tr


def find(side: Side, kind: Kind, state: State | None, action: str) -> Transition | None:
    """The move `action` from `state`, or None when the table does not allow it."""
    return _INDEX.get((Side(side), Kind(kind), State(state) if state else None, action))


def local_moves(side: Side, kind: Kind, state: State) -> list[Transition]:
    """The moves officers (not the peer) can make from `state`, in table order."""
    return [
        t
        for t in TRANSITIONS
        if t.side == side and kind in t.kinds and t.source == state and PEER not in t.actors
    ]


def target_of(transition: Transition, state: State) -> State:
    """Self-loops (a notice, an assignment, a confirmation) keep the state."""
    return transition.target or state
