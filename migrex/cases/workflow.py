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
    AWAITING_CONFIRMATION = "awaiting_confirmation"
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
# States in which the requested side's 30-day clock runs (Art. 10.3: "30 calendar days from the
# date of its receipt", with no pause in the text). Waiting for the requester's confirmation
# (Art. 9.5) is treated as waiting for its additional information (Art. 10.1): the clock runs,
# unless the agreement's profile lists the state among the deadline's pauses (deadlines.py).
CLOCK_RUNNING = frozenset(
    {
        State.RECEIVED,
        State.REGISTERED,
        State.AWAITING_INFORMATION,
        State.AWAITING_CONFIRMATION,
        State.POSTPONED,
        State.CONDITIONS_PROPOSED,
        State.AWAITING_CONFIDENTIALITY_DECISION,
    }
)
# States that interrupt the work on a case and are left back to the state the case was in before,
# kept on the case as `resume_state` while the interruption holds. The requester's confirmation
# of its request (Art. 9.5) may be asked for on receipt or during execution, and the requester's
# copy then stands in SENT or REGISTERED: asking from one state only would refuse a lawful
# question, and a waiting state per state left would double every row of the wait (withdrawal,
# notices). So one waiting state, the state left kept on each copy, and the rows that end the
# wait marked `resumes`.
INTERRUPTIONS = frozenset({State.AWAITING_CONFIRMATION})
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
    resumes: bool = False  # leads back to the state before the interruption (INTERRUPTIONS)


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


def target_of(transition: Transition, state: State, resume: str | None = None) -> State:
    """Self-loops (a notice, an assignment) keep the state; a move that `resumes` returns to
    `resume`, the state the case was in before the interruption it ends."""
    if transition.resumes:
        if not resume:
            raise RuntimeError(f"{transition.action} resumes a case that kept no state to resume")
        return State(resume)
    return transition.target or state


def resume_of(source: State, target: State, kept: str) -> str:
    """What the case keeps as the state to return to after a move from `source` to `target`:
    the state before the interruption while one holds, nothing otherwise."""
    if target not in INTERRUPTIONS:
        return ""
    return kept if source == target else source
