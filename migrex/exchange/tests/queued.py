"""What the tests that queue messages use: an outbox row as a test writes it, and, on a real KZ
node, the scripts that queue many and count what arrived, straight looks at a node's outbox, and
fast retries."""

from __future__ import annotations

import sqlite3
import uuid

import psycopg

from migrex.exchange.models import OutboxMessage


def outbox_row(**fields) -> OutboxMessage:
    """An outbox row not yet saved: a request from kz-mvd to by-mvd with an empty payload, in a
    conversation of its own, with `fields` over these."""
    return OutboxMessage(**{
        "agreement": "kz-by-2019", "conversation_id": uuid.uuid4(), "kind": "request",
        "sender_authority": "kz-mvd", "receiver_authority": "by-mvd", "receiver_party": "BY",
        "payload": {}, **fields,
    })  # fmt: skip


FAST_RETRIES = {
    "MIGREX_DELIVERY_BACKOFF": "0.05",
    "MIGREX_DELIVERY_BACKOFF_CAP": "0.5",
    "MIGREX_DELIVERY_ATTEMPTS": "100000",
    "MIGREX_DELIVERY_LEASE": "1",
}

QUEUE = """
from django.db import transaction
from migrex.exchange import outbox
from migrex.shell.demo_signatory import signer
sign = signer("kz-signatory")  # the signatory's own key (Art. 9.3)
conversations = []
with transaction.atomic():  # information without a request, queued as sign() queues it
    for i in range(DATA):
        message = outbox.send(
            agreement="kz-by-2019", kind="spontaneous", sender="kz-mvd", receiver="by-mvd",
            payload=sign(dict(
                number=f"KZ-MVD-2026-{i + 1:06d}", kind="spontaneous",
                requesting_authority="kz-mvd", requested_authority="by-mvd",
                summary=f"Сведения № {i}", purpose="Информирование", justification="Ст. 8",
                other_information="", topics=[], confidential=True, persons=[], attachments=[],
            )),
        )
        conversations.append(str(message.conversation_id))
print(json.dumps(conversations))
"""

# The messages queued here; before them, pair() queued KZ's list of signatories (Art. 9.4).
OUTBOX = """
from django.db.models import Count
from migrex.exchange.models import OutboxMessage
queued = OutboxMessage.objects.filter(kind="spontaneous")
counts = dict(queued.values_list("status").annotate(n=Count("pk")))
failed = queued.exclude(status="delivered").values_list("last_error", flat=True)
errors = sorted({e[:200] for e in failed})
print(json.dumps({"counts": counts, "errors": errors[:5]}))
"""

RECEIVED = """
from django.db.models import Count
from migrex.cases.models import Case
from migrex.exchange.models import InboxMessage
cases = list(Case.objects.filter(side="requested").values_list("conversation_id", flat=True))
inbox = InboxMessage.objects.filter(kind="spontaneous").count()
print(json.dumps({"cases": [str(c) for c in cases], "inbox": inbox}))
"""


def pending(node) -> int:
    """Read straight from the node's database: quicker than a Python process per look."""
    query = "SELECT count(*) FROM exchange_outboxmessage WHERE status = 'pending'"
    if node.database_url:
        with psycopg.connect(node.database_url) as db:
            return db.execute(query).fetchone()[0]
    with sqlite3.connect(node.data_dir / "migrex.sqlite3", timeout=30) as db:
        return db.execute(query).fetchone()[0]


def deliver_lists(kz) -> None:
    """KZ's list of signatories, queued by pair(), delivered before anything its signatory
    signs (Art. 9.4): a list still in flight would make those messages signatory_not_listed."""
    kz.migrex("worker", "--once", "--idle", "0")
    assert pending(kz) == 0
