"""The worker's claim (exchange/delivery.claim): the oldest due messages first, a message held
while an earlier one of its conversation is still pending, and, on PostgreSQL, that earlier one
looked up by its conversation even when the statistics say nothing is pending."""

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
    inner = [n for n in scans(plan[0]["Plan"]) if n.get("Alias") == "u0"]
    assert [n.get("Index Name") for n in inner] == [by_conversation]
