"""The vocabulary of the request workflow: sides, kinds, states, and the table of moves.

Pure module (no Django). A case exists on each side of a conversation: the requester's copy and the
requested side's copy move through the same states, driven on each side by local officers and by the
messages the other side sends. A local move that the other side must learn of names the message kind
it emits; the other side applies that message as the move of the same name with the actor PEER.

The moves themselves are declared, each with everything about it, in actions.py.
"""

from __future__ import annotations

from collections.abc import Iterable
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
# Actors: officer roles, or the other party's node.
PEER = "peer"


@dataclass(frozen=True)
class Transition:
    """One row of the table: from `source` (None: the move creates the case), `action` leads to
    `target` (None: the state stays), made by `actors` (roles, or PEER), under `article`."""

    side: Side
    source: State | None
    action: str
    target: State | None
    actors: frozenset[str]
    article: str
    emits: str | None = None  # message kind sent to the other side, applied there as `emits`
    kinds: frozenset[Kind] = frozenset({Kind.REQUEST})


class Table:
    """The moves, looked up by (side, kind of case, state, action)."""

    def __init__(self, transitions: Iterable[Transition]):
        self.transitions = tuple(transitions)
        self._index: dict[tuple[Side, Kind, State | None, str], Transition] = {}
        for t in self.transitions:
            for kind in t.kinds:
                key = (t.side, kind, t.source, t.action)
                if key in self._index:
                    raise RuntimeError(f"duplicate transition {key}")
                self._index[key] = t

    def find(self, side: Side, kind: Kind, state: State | None, action: str) -> Transition | None:
        """The move `action` from `state`, or None when the table does not allow it."""
        return self._index.get((Side(side), Kind(kind), State(state) if state else None, action))

    def local_moves(self, side: Side, kind: Kind, state: State) -> list[Transition]:
        """The moves officers (not the peer) can make from `state`, in table order."""
        return [
            t
            for t in self.transitions
            if t.side == side and kind in t.kinds and t.source == state and PEER not in t.actors
        ]


def target_of(transition: Transition, state: State) -> State:
    """Self-loops (a notice, an assignment, a confirmation) keep the state."""
    return transition.target or state
