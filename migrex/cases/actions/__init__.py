"""Every move of the request workflow, declared once with everything about it: from which states
to which, who makes it, the article, what it checks, what the history keeps, the form the officer
fills in, the message it sends and how that message is built, and how it reads in Russian (the
strings are English msgids translated in migrex/locale, Art. 14).

A move the other side makes reaches this node as a message of the same name (actor PEER): its
declaration carries the payload schema the receiver validates it against (messages.py).
"""

from __future__ import annotations

from migrex.cases import rules
from migrex.cases.actions.base import DANGER, PRIMARY, Action, Form
from migrex.cases.actions.requested import REQUESTED
from migrex.cases.actions.requester import REQUESTER
from migrex.cases.workflow import Table

__all__ = ["DANGER", "PRIMARY", "Action", "Form", "find", "get", "local_moves"]

ACTIONS: tuple[Action, ...] = REQUESTER + REQUESTED
BY_NAME: dict[str, Action] = {a.name: a for a in ACTIONS}
# Every row of every move, as one table (workflow.Table) for lookups.
TABLE = Table(t for a in ACTIONS for t in a.rows)
TRANSITIONS = TABLE.transitions
find = TABLE.find
local_moves = TABLE.local_moves
# The message kinds of the workflow: the moves of the other side, applied here as they arrive.
KINDS = tuple(a for a in ACTIONS if a.schema is not None)


def get(name: str) -> Action | None:
    return BY_NAME.get(name)


def _consistent() -> None:
    """Every message a move sends is a move the other side applies, with a schema and a
    builder: checked at import, so a declaration missing one fails at once."""
    for a in ACTIONS:
        for t in a.rows:
            if t.emits and (a.payload is None or BY_NAME.get(t.emits) is None):
                raise RuntimeError(f"{a.name} sends {t.emits} without a builder or a receiver")
            if t.emits and BY_NAME[t.emits].schema is None:
                raise RuntimeError(f"{t.emits} has no payload schema")
            if t.emits and t.emits not in rules.RULES:
                raise RuntimeError(f"{t.emits} has no rule (cases/rules.py)")
        if a.schema is not None and a.message is None:
            raise RuntimeError(f"the message {a.name} has no name for the supervisors' page")


_consistent()
