"""The inbox's rows: what it knows of a message before it stores it, and the storing.

Before a message is taken in, the inbox asks two things: whether its id was accepted before (a
duplicate, answered with the first copy's receipt) and whether another message already bears its
conversation id (one that opens a conversation must bring a new one, docs/protocol.md §2). It
asks the inbox's table and the outbox, and the rows its batch has stored so far: in the inbox's
batch the rows are written together at its end, one insert for the batch (core/deferred.py).

A batch asks the database once for all its messages when it starts (`asked`); a message alone,
in one statement of its own. Two batches that carry the same message at once both find it new;
the second then fails on the unique index, at its end (exchange/inbox.accept_batch)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection

from migrex.core import deferred
from migrex.exchange.models import InboxMessage, OutboxMessage


@dataclass(frozen=True)
class Seen:
    digest: str | None  # the digest of the copy accepted before; None: the id is new
    receipt: str  # the receipt that copy got
    conversation: bool  # another message bears the conversation id


@dataclass
class _Batch:
    """What the database held of a batch's messages when the batch started, and the rows the
    batch has written since (deferred.settle)."""

    stored: dict[str, tuple[str, str]]  # message id -> (digest, receipt)
    conversations: dict[str, set[str]]  # conversation id -> the ids of its messages
    written: list[InboxMessage] = field(default_factory=list)


_asked = threading.local()  # per thread, as Django's connections are


@contextlib.contextmanager
def asked(envelopes: list[dict]) -> Iterator[None]:
    """For the rest of the block (the inbox's batch, whose rows wait for its end), `seen`
    answers for these envelopes from what two statements ask now of them all."""
    mids = [e["message_id"] for e in envelopes]
    cids = [e["conversation_id"] for e in envelopes]
    stored = InboxMessage.objects.filter(message_id__in=mids)
    inbox = InboxMessage.objects.filter(conversation_id__in=cids)
    outbox = OutboxMessage.objects.filter(conversation_id__in=cids)
    batch = _Batch(
        stored={
            str(m): (d, r) for m, d, r in stored.values_list("message_id", "digest", "receipt")
        },
        conversations={cid: set() for cid in cids},
    )
    bearing = (
        inbox.order_by()
        .values_list("conversation_id", "message_id")
        .union(outbox.order_by().values_list("conversation_id", "id"), all=True)
    )
    for cid, mid in bearing:
        batch.conversations.setdefault(str(cid), set()).add(str(mid))
    _asked.batch = batch
    try:
        yield
    finally:
        _asked.batch = None


def seen(mid: str, cid: str) -> Seen:
    """What is known of the message `mid` of the conversation `cid`."""
    batch = getattr(_asked, "batch", None)
    ours = deferred.pending(_written)
    if batch is not None:
        ours = [*batch.written, *ours]
    others = False
    for row in ours:
        if str(row.message_id) == mid:
            return Seen(row.digest, row.receipt, conversation=others)
        others = others or str(row.conversation_id) == cid
    if batch is not None and cid in batch.conversations:
        digest, receipt = batch.stored.get(mid, (None, ""))
        others = others or bool(batch.conversations[cid] - {mid})
        return Seen(digest, receipt, conversation=others)
    m, c = (_UUID.get_db_prep_value(value, connection) for value in (mid, cid))
    with connection.cursor() as cursor:
        cursor.execute(_SEEN, [c, m, c, m, m])
        digest, receipt, conversation = cursor.fetchone()
    return Seen(digest, receipt or "", conversation=others or bool(conversation))


def store(row: InboxMessage) -> None:
    """Write `row`: at once for a message alone, at the end of its batch for one of a batch. A
    message id stored before fails on its unique index (an IntegrityError)."""
    deferred.later(_written, row)


def _written(rows: list[InboxMessage]) -> None:
    InboxMessage.objects.bulk_create(rows)
    batch = getattr(_asked, "batch", None)
    if batch is not None:
        batch.written.extend(rows)


# A message alone: one statement on both indexes rather than ORM queries, since it runs for
# every message received and the ORM's building of a query costs more than its execution here.
_UUID = InboxMessage._meta.get_field("message_id")
_INBOX, _OUTBOX = InboxMessage._meta.db_table, OutboxMessage._meta.db_table
_SEEN = (
    "SELECT i.digest, i.receipt, "  # noqa: S608 - table names, not input
    f"EXISTS (SELECT 1 FROM {_INBOX} WHERE conversation_id = %s AND message_id <> %s) "
    f"OR EXISTS (SELECT 1 FROM {_OUTBOX} WHERE conversation_id = %s AND id <> %s) "
    f"FROM (SELECT 1 AS one) AS one LEFT JOIN {_INBOX} AS i ON i.message_id = %s"
)
