"""The inbox's rows: what it knows of a message before it stores it, and the storing.

Before a message is taken in, one statement asks both things the inbox must know of it: whether
its id was accepted before (a duplicate, answered with the first copy's receipt) and whether
another message already bears its conversation id (one that opens a conversation must bring a
new one, docs/protocol.md §2). It asks the inbox's table and the outbox, and the rows its batch
has yet to write: in the inbox's batch the rows are written together at its end, one insert for
the batch (core/deferred.py). Two batches that carry the same message at once both find it new;
the second then fails on the unique index, at its end (exchange/inbox.accept_batch).

The statement is written by hand: it runs for every message received, and the ORM's building of
a query costs more than its execution here (bench/exchange_throughput.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from migrex.core import deferred
from migrex.exchange.models import InboxMessage, OutboxMessage


@dataclass(frozen=True)
class Seen:
    digest: str | None  # the digest of the copy accepted before; None: the id is new
    receipt: str  # the receipt that copy got
    conversation: bool  # another message bears the conversation id


def seen(mid: str, cid: str) -> Seen:
    """What is known of the message `mid` of the conversation `cid`."""
    others = False
    for row in deferred.pending(_written):
        if str(row.message_id) == mid:
            return Seen(row.digest, row.receipt, conversation=others)
        others = others or str(row.conversation_id) == cid
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


_UUID = InboxMessage._meta.get_field("message_id")
_INBOX, _OUTBOX = InboxMessage._meta.db_table, OutboxMessage._meta.db_table
_SEEN = (
    "SELECT i.digest, i.receipt, "  # noqa: S608 - table names, not input
    f"EXISTS (SELECT 1 FROM {_INBOX} WHERE conversation_id = %s AND message_id <> %s) "
    f"OR EXISTS (SELECT 1 FROM {_OUTBOX} WHERE conversation_id = %s AND id <> %s) "
    f"FROM (SELECT 1 AS one) AS one LEFT JOIN {_INBOX} AS i ON i.message_id = %s"
)
