"""What anyone can POST to the inbox, failing before its sender is known, is audited once per
address and window (audit/repeats.py), the count of the rest in the next window's entry; a
refusal of a message whose sender is known stays one entry each."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings

from migrex.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


def refused() -> list[dict]:
    entries = AuditEntry.objects.filter(action="message.refused").order_by("seq")
    return list(entries.values_list("detail", flat=True))


@override_settings(MIGREX_NODE_ID="BY", MIGREX_PARTY="BY")
def test_a_hundred_garbage_posts_from_one_address_make_one_entry_a_window(both_nodes):
    attacker, other = Client(REMOTE_ADDR="192.0.2.7"), Client(REMOTE_ADDR="192.0.2.8")
    with time_machine.travel(START, tick=False) as clock:
        for n in range(100):
            body = b"not a JWE" if n % 2 else b"a.b.c.d.e"
            response = attacker.post("/exchange/inbox", body, content_type="application/jose")
            assert response.status_code == 422
        assert [d["repeats"] for d in refused()] == [
            {"source": "192.0.2.7", "window": 600, "earlier": 0}
        ]
        assert refused()[0]["code"] == "malformed"
        # Another address is another source; a batch counts with the single POSTs.
        other.post("/exchange/inbox", b"x", content_type="application/jose")
        batch = {"envelopes": ["a.b.c.d.e"] * 3}
        assert attacker.post("/exchange/inbox/batch", batch, "application/json").status_code == 200
        assert len(refused()) == 2
        clock.shift(dt.timedelta(minutes=10, seconds=1))  # the next window
        attacker.post("/exchange/inbox", b"again", content_type="application/jose")
    entries = refused()
    assert len(entries) == 3
    assert entries[-1]["repeats"] == {"source": "192.0.2.7", "window": 600, "earlier": 102}


def test_the_window_is_a_setting(both_nodes, settings):
    # All through the fixture: a decorator's override under the fixture's would be restored
    # in the wrong order and leave this node Belarusian for the tests after it.
    settings.MIGREX_NODE_ID = settings.MIGREX_PARTY = "BY"
    settings.MIGREX_AUDIT_REPEAT_WINDOW = 60
    client = Client(REMOTE_ADDR="192.0.2.9")
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(3):
            client.post("/exchange/inbox", b"x", content_type="application/jose")
            clock.shift(dt.timedelta(seconds=61))
    assert [d["repeats"]["earlier"] for d in refused()] == [0, 0, 0]


def test_a_refusal_of_a_known_sender_stays_one_entry_each(both_nodes):
    for _ in range(3):
        reply = both_nodes.send_as_is("request", {"summary": "no"})
        assert reply.code == "payload_invalid"
    entries = refused()
    assert len(entries) == 3 and not any("repeats" in d for d in entries)
