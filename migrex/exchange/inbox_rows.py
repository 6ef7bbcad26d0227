"""The inbox's rows: what it knows of a message before it stores it, and the storing.

Before a message is taken in, the inbox asks two things: whether its id was accepted before (a
duplicate, answered with the first copy's receipt) and whether another message already bears its
conversation id (one that opens a conversation must bring a new one, docs/protocol.md §2). It
asks the inbox's table and the outbox, and the rows its batch has stored so far: in the inbox's
batch the rows are written together at its end, one insert for the batch (core/deferred.py).

A batch asks the database once for all its messages when it starts (`asked`), a message alone
when it comes, in the same two statements. Two batches that carry the same message at once both
find it new; the second then fails on the unique index, at its end (exchange/inbox.accept_batch)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from migrex.core import deferred
from migrex.exchange.models import InboxMessage, OutboxMessage


@dataclass(frozen=True)
class Seen:
    digest: str | None  # the digest of the copy accepted before; None: the id is new
    receipt: str  # the receipt that copy got
    conversation: bool  # another message bears the conversation id


@dataclass
class _Known:
    """What the database held of some messages when it was asked, and the rows their batch has
    written since (deferred.settle)."""

    stored: dict[str, tuple[str, str]]  # message id -> (digest, receipt)
    conversations: dict[str, set[str]]  # conversation id -> the ids of its messages
    written: list[InboxMessage] = field(default_factory=list)


_asked = threading.local()  # per thread, as Django's connections are


@contextlib.contextmanager
def asked(envelopes: list[dict]) -> Iterator[None]:
    """For the rest of the block (the inbox's batch, whose rows wait for its end), `seen`
    answers for these envelopes from what is asked now of them all."""
    _asked.batch = _ask([(e["message_id"], e["conversation_id"]) for e in envelopes])
    try:
        yield
    finally:
        _asked.batch = None


def _ask(messages: list[tuple[str, str]]) -> _Known:
    """Two statements for `messages` (message id, conversation id): which ids are stored, and
    which messages of the inbox and the outbox bear their conversation ids."""
    mids, cids = [m for m, _ in messages], [c for _, c in messages]
    stored = InboxMessage.objects.filter(message_id__in=mids)
    inbox = InboxMessage.objects.filter(conversation_id__in=cids).order_by()
    outbox = OutboxMessage.objects.filter(conversation_id__in=cids).order_by()
    known = _Known(
        stored={
            str(m): (d, r) for m, d, r in stored.values_list("message_id", "digest", "receipt")
        },
        conversations={cid: set() for cid in cids},
    )
    bearing = inbox.values_list("conversation_id", "message_id").union(
        outbox.values_list("conversation_id", "id"), all=True
    )
    for cid, mid in bearing:
        known.conversations.setdefault(str(cid), set()).add(str(mid))
    return known


def seen(mid: str, cid: str) -> Seen:
    """What is known of the message `mid` of the conversation `cid`: from its batch's rows, then
    from what its batch asked, or else asked now."""
    batch = getattr(_asked, "batch", None)
    ours = deferred.pending(_written)
    if batch is not None:
        ours = [*batch.written, *ours]
    others = False
    for row in ours:
        if str(row.message_id) == mid:
            return Seen(row.digest, row.receipt, conversation=others)
        others = others or str(row.conversation_id) == cid
    known = batch if batch is not None and cid in batch.conversations else _ask([(mid, cid)])
    digest, receipt = known.stored.get(mid, (None, ""))
    others = others or bool(known.conversations[cid] - {mid})
    return Seen(digest, receipt, conversation=others)


def store(row: InboxMessage) -> None:
    """Write `row`: at once for a message alone, at the end of its batch for one of a batch. A
    message id stored before fails on its unique index (an IntegrityError)."""
    deferred.later(_written, row)


def _written(rows: list[InboxMessage]) -> None:
    InboxMessage.objects.bulk_create(rows)
    batch = getattr(_asked, "batch", None)
    if batch is not None:
        batch.written.extend(rows)
