"""Every message kind is checked against its schema by the receiver before any handler runs: a
payload that does not fit is refused naming each member, and nothing is kept. The sender cannot
queue one either."""

from __future__ import annotations

import uuid

import pytest

from migrex.audit.models import AuditEntry
from migrex.core.errors import Invalid
from migrex.exchange import kinds, outbox
from migrex.exchange.models import InboxMessage, OutboxMessage

pytestmark = pytest.mark.django_db
KNOWN = [k.name for k in kinds.known()]


def queued_as_is(kind: str, payload: dict) -> OutboxMessage:
    """What a careless or hostile peer's outbox holds: a payload nobody checked."""
    message = OutboxMessage.objects.create(
        agreement="kz-by-2019",
        conversation_id=uuid.uuid4(),
        kind=kind,
        sender_authority="kz-mvd",
        receiver_authority="by-mvd",
        receiver_party="BY",
        payload=payload,
        status="delivered",
    )
    if kinds.get(kind) and kinds.get(kind).streamed:
        outbox.body_path(message.id).parent.mkdir(parents=True, exist_ok=True)
        outbox.body_path(message.id).write_bytes(b"")
    return message


@pytest.mark.parametrize("kind", KNOWN)
def test_a_payload_outside_its_schema_is_refused_naming_the_member(kind, both_nodes):
    payload = {"bogus": 1}
    if kinds.get(kind).streamed:  # the body the envelope describes must be readable to refuse it
        payload["body"] = {"format": "application/x-ndjson", "bytes": 0, "sha256": "0" * 64}
    reply = both_nodes.receive(queued_as_is(kind, payload))
    refusal = both_nodes.refusal(reply)
    assert (reply.status, refusal["code"]) == (422, "payload_invalid")
    assert "payload.bogus" in refusal["detail"]
    required = kinds.get(kind).schema.model_json_schema().get("required", [])
    if required:
        assert f"payload.{required[0]}" in refusal["detail"]
    assert not InboxMessage.objects.exists()
    assert AuditEntry.objects.filter(action="message.refused").count() == 1


def test_an_unknown_kind_is_refused(both_nodes):
    reply = both_nodes.receive(queued_as_is("gossip", {}))
    assert both_nodes.refusal(reply)["code"] == "unknown_kind"


@pytest.mark.parametrize("kind", ["refusal", "statistics", "consent_request"])
def test_the_sender_cannot_queue_a_payload_outside_the_schema(kind, officers):
    with pytest.raises(Invalid) as caught:
        outbox.send(
            agreement="kz-by-2019",
            kind=kind,
            sender="kz-mvd",
            receiver="by-mvd",
            payload={"bogus": 1},
        )
    error = caught.value.errors[0]
    assert error.code == "payload_invalid" and error.field.startswith("payload.")
    assert not OutboxMessage.objects.exists()
