"""The worker's claim (exchange/delivery.claim, one statement of SQL): the oldest due messages
first, a message held while an earlier one of its conversation is still pending, and, on
PostgreSQL, that earlier one looked up by its conversation even when the statistics say nothing
is pending."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from migrex.exchange.delivery import claim
from migrex.exchange.models import OutboxMessage
from migrex.exchange.tests.queued import outbox_row

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def queued(conversation=None, **fields) -> OutboxMessage:
    made = outbox_row(conversation_id=conversation or uuid.uuid4(), **fields)
    made.save()
    return made


def test_a_message_waits_while_an_earlier_one_of_its_conversation_is_pending():
    conversation = uuid.uuid4()
    later = timezone.now() + dt.timedelta(hours=1)
    first = queued(conversation, next_attempt_at=later)  # pending, retried in an hour
    second = queued(conversation)
    other = queued()
    assert [m.pk for m in claim("w1")] == [other.pk]
    assert claim("w2") == []  # the second still waits for the first
    OutboxMessage.objects.filter(pk=first.pk).update(status=Status.DELIVERED)
    assert [m.pk for m in claim("w3")] == [second.pk]


def test_the_oldest_due_free_messages_are_taken_for_one_lease_as_stored():
    now = timezone.now()
    rows = [queued(payload={"n": n, "text": "«Ёж»"}) for n in range(4)]
    for n, row in enumerate(rows):  # stored out of order: the claim orders by creation
        OutboxMessage.objects.filter(pk=row.pk).update(created_at=now - dt.timedelta(minutes=n))
    leased = queued(claimed_by="w0", claimed_until=now + dt.timedelta(minutes=5))
    lapsed = queued(claimed_by="w0", claimed_until=now - dt.timedelta(seconds=1))
    queued(next_attempt_at=now + dt.timedelta(minutes=5))  # not yet due
    queued(status=Status.DELIVERED)
    OutboxMessage.objects.filter(pk=lapsed.pk).update(created_at=now - dt.timedelta(hours=1))
    taken = claim("w1", limit=4)
    assert [m.pk for m in taken] == [lapsed.pk, rows[3].pk, rows[2].pk, rows[1].pk]
    assert taken[1].payload == {"n": 3, "text": "«Ёж»"}
    assert taken[1].conversation_id == rows[3].conversation_id
    stored = OutboxMessage.objects.get(pk=rows[3].pk)
    assert stored.claimed_by == "w1" and stored.claimed_until > now
    assert taken[1].claimed_until == stored.claimed_until
    assert [m.pk for m in claim("w2")] == [rows[0].pk]  # the rest held, leased or not due
    assert OutboxMessage.objects.get(pk=leased.pk).claimed_by == "w0"


@pytest.mark.parametrize("settled", [Status.REFUSED, Status.UNDELIVERABLE])
def test_an_earlier_message_settled_without_delivery_holds_nothing_up(settled):
    conversation = uuid.uuid4()
    queued(conversation, status=settled)
    after = queued(conversation)
    assert [m.pk for m in claim("w1")] == [after.pk]


def test_the_earlier_message_is_looked_up_by_its_conversation_whatever_the_statistics():
    """Statistics gathered while nothing was pending, then a burst queued: looked up by status,
    each candidate's earlier message meant reading every pending row (1.2 s a claim for 3,000)."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    OutboxMessage.objects.bulk_create(outbox_row(status=Status.DELIVERED) for _ in range(5000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE exchange_outboxmessage")
    OutboxMessage.objects.bulk_create(outbox_row() for _ in range(1000))
    with CaptureQueriesContext(connection) as queries:
        assert len(claim("w1")) == 10
    [sql] = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def scans(node):
        yield node
        for child in node.get("Plans", ()):
            yield from scans(child)

    by_conversation = next(
        index.name for index in OutboxMessage._meta.indexes if index.fields[0] == "conversation_id"
    )
    inner = [n for n in scans(plan[0]["Plan"]) if n.get("Alias") == "earlier"]
    assert [n.get("Index Name") for n in inner] == [by_conversation]
