"""Other personal data this node received and keeps apart from cases and datasets (a channel
report, Art. 4), which the retention run destroys under the same rules (Art. 11.5). The app
that keeps such data registers its kind here; retention, which may not import that app, finds
it here.

Such an item belongs to no case and no recorded purpose: its period runs from its receipt.

The consents asked about a case's or a dataset's data (consents.py) go with that data: their
free texts (what for, the provider's reasons) may name the person, so retention erases them
too, and forgets the messages that carried them (each consent's conversation is its `ref`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from migrex.persons.models import Consent


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


# What marks a text erased: the start of every act's note (cases.destruction.NOTE, which this
# floor cannot import; retention checks that the two agree).
ERASED = "Сведения уничтожены, акт № "
CONSENT_TEXTS = ("purpose", "reason")


def consents(sources) -> QuerySet[Consent]:
    """The consents asked about the data of `sources` (cases' conversations, datasets' ids)."""
    return Consent.objects.filter(source__in=list(sources))


def unerased_consents() -> Q:
    """Consents whose texts are still there (for a filter of Consent)."""
    return ~Q(purpose__startswith=ERASED) | (~Q(reason="") & ~Q(reason__startswith=ERASED))


def erase_consents(sources, note: str) -> list[tuple[Consent, str]]:
    """Replace the free texts of the consents about `sources` by `note`, inside the caller's
    transaction; each consent changed, with the SHA-256 of the texts it held."""
    done = []
    for consent in consents(sources).filter(unerased_consents()).select_for_update().order_by("pk"):
        before = [getattr(consent, name) for name in CONSENT_TEXTS]
        text = json.dumps(before, ensure_ascii=False, separators=(",", ":"))
        consent.purpose = note
        consent.reason = note if consent.reason else ""
        consent.save(update_fields=list(CONSENT_TEXTS))
        done.append((consent, hashlib.sha256(text.encode()).hexdigest()))
    return done


def conversations(ids) -> list:
    """`ids` and the conversations of the consents about them."""
    ids = list(ids)
    return ids + list(consents(ids).values_list("ref", flat=True).distinct())
