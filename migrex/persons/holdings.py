"""Other personal data this node received and keeps apart from cases and datasets (a channel
report, Art. 4), which the retention run destroys under the same rules (Art. 11.5). The app
that keeps such data registers its kind here; retention, which may not import that app, finds
it here.

Such an item belongs to no case and no recorded purpose: its period runs from its receipt."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Held:
    kind: str  # the registered kind, e.g. "channel_report"
    pk: int
    agreement: str  # the agreement's code
    recipient: str  # the code of this node's authority that received it
    received_on: dt.date
    label: str  # what the act calls it (never personal data)
    conversation_id: uuid.UUID


@dataclass(frozen=True)
class HeldKind:
    held: Callable[[], Iterable[Held]]  # every item of this kind that still holds data
    destroy: Callable[[Held, str], str]  # (item, note) → SHA-256 of what was destroyed


_kinds: dict[str, HeldKind] = {}


def register(name: str, *, held, destroy) -> None:
    _kinds[name] = HeldKind(held, destroy)


def held() -> list[Held]:
    return [item for kind in _kinds.values() for item in kind.held()]


def destroy(item: Held, note: str) -> str:
    """Destroy `item` inside the caller's transaction; the SHA-256 of what it held."""
    return _kinds[item.kind].destroy(item, note)
