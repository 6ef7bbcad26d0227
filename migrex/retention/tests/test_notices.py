"""A destruction notice travels as a signed, encrypted envelope and the provider records it."""

from __future__ import annotations

import datetime as dt

import pytest

from migrex.audit.models import AuditEntry
from migrex.exchange.models import OutboxMessage
from migrex.retention import services
from migrex.retention.models import ReceivedNotice
from migrex.retention.tests.conftest import CLOSED_AT

pytestmark = pytest.mark.django_db
BASIS = "Закон Республики Казахстан «О персональных данных и их защите», ст. 12"


def test_the_provider_records_a_destruction_notice(answered, settings, both_nodes):
    ours, _ = answered
    services.set_rule(
        agreement=ours.agreement,
        party="KZ",
        days=1,
        counted_from="case-closed",
        basis=BASIS,
        actor="admin",
    )
    settings.MIGREX_RETENTION_NOTIFY_PROVIDER = True
    act = services.run(today=CLOSED_AT.date() + dt.timedelta(days=1)).act
    message = OutboxMessage.objects.get(kind="destruction_notice")

    reply = both_nodes.receive(message)
    assert (reply.status, reply.code) == (200, "accepted")
    notice = ReceivedNotice.objects.get(message_id=message.id)
    assert (notice.sender_authority, notice.receiver_authority) == ("kz-mvd", "by-mvd")
    assert notice.act_number == act.number and notice.basis == BASIS
    assert notice.conversation_id == ours.conversation_id and len(notice.items) == 4
    assert AuditEntry.objects.filter(action="retention.notice_received").exists()
    assert both_nodes.receive(message).code == "duplicate"
    assert ReceivedNotice.objects.count() == 1


def test_a_malformed_notice_is_refused_naming_what_is_missing(agreement, both_nodes):
    payload = {"act": "KZ-1", "basis": "x", "destroyed_on": "2026-03-11"}
    reply = both_nodes.send_as_is("destruction_notice", payload)
    assert (reply.status, reply.code) == (422, "payload_invalid")
    refused = AuditEntry.objects.filter(action="message.refused").last()
    assert "payload.items" in refused.detail["detail"]
    assert not ReceivedNotice.objects.exists()
