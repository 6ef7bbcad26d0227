"""The PostgreSQL backend's inserts (core/postgresql/compiler.py): up to `UNNEST_ABOVE` rows as
a list of VALUES, more by Django's UNNEST of one array per column; every row written as given
either way, texts with the characters an array must quote too."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from migrex.core.postgresql.compiler import UNNEST_ABOVE
from migrex.exchange.models import InboxMessage

pytestmark = pytest.mark.django_db

TRICKY = ('{"a": "b,c"}', "a\\b", "NULL", "", " lead", "Ёлкин\u2003", 'q"uote')


@pytest.fixture(autouse=True)
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the backend is PostgreSQL's")


def _rows(count: int) -> list[InboxMessage]:
    start = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
    same = {
        "sender_node": "kz",
        "agreement": "kz-by-2019",
        "kind": "request",
        "receipt": "x" * 5000,
    }
    return [
        InboxMessage(
            message_id=uuid.uuid4(),
            conversation_id=uuid.uuid4(),
            digest=f"{i:064d}",
            signed=TRICKY[i % len(TRICKY)] * (i % 3 + 1),
            received_at=start + dt.timedelta(seconds=i),
            **same,
        )
        for i in range(count)
    ]


@pytest.mark.parametrize(
    ("count", "unnest"), [(2, False), (UNNEST_ABOVE, False), (UNNEST_ABOVE + 1, True)]
)
def test_few_rows_are_inserted_as_values_and_many_by_unnest(count, unnest):
    assert connection.ops.compiler_module == "migrex.core.postgresql.compiler"
    rows = _rows(count)
    with CaptureQueriesContext(connection) as queries:
        created = InboxMessage.objects.bulk_create(rows)
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert ("UNNEST" in inserts[0]) is unnest
    assert all(row.pk for row in created)
    stored = InboxMessage.objects.order_by("received_at").values_list("digest", "signed", "receipt")
    assert list(stored) == [(r.digest, r.signed, r.receipt) for r in rows]
