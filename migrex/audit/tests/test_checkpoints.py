"""Signed checkpoints: made every N entries and on demand, queued for the peers, and received
from a peer through the inbox (verified with its keys, kept, conflicts recorded)."""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from migrex.audit import checkpoints
from migrex.audit.models import AuditEntry, AuditHead, Checkpoint, PeerCheckpoint
from migrex.audit.services import record
from migrex.audit.verify import verify
from migrex.exchange import inbox, keys, kinds
from migrex.exchange.checkpoints import KIND, CheckpointPayload, receive
from migrex.exchange.crypto import EnvelopeError, generate_node_keys
from migrex.exchange.envelope import new_envelope, seal
from migrex.exchange.kinds import Received
from migrex.exchange.models import OutboxMessage


def run(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def by_node(agreement, node_keys, node_material):
    """The Belarus node as this (KZ) node knows it: a peer (conftest's `agreement`) whose keys
    the test holds."""
    return node_material["BY"][0]


def received(token: str, sender: str = "BY") -> Received:
    return Received(
        message_id=str(uuid.uuid4()),
        conversation_id=str(uuid.uuid4()),
        agreement="kz-by-2019",
        kind=KIND,
        sender_node=sender,
        sender_authority="by-mvd",
        receiver_authority="kz-mvd",
        payload=CheckpointPayload(checkpoint=token),
    )


def test_a_checkpoint_every_n_entries(node_keys, settings):
    settings.MIGREX_AUDIT_CHECKPOINT_EVERY = 3
    while AuditHead.objects.get().seq < 10:
        record("access.denied")
    assert list(Checkpoint.objects.values_list("seq", flat=True)) == [3, 6, 9]
    for cp in Checkpoint.objects.all():
        assert cp.hash == AuditEntry.objects.get(seq=cp.seq).hash
        signed = checkpoints.read(cp.token, checkpoints.own_jwks())
        assert (signed.seq, signed.hash, signed.kid) == (cp.seq, cp.hash, node_keys.signing_kid)
    assert verify().checkpoints == 3


def test_record_many_checkpoints_the_last_multiple_it_crosses(node_keys, settings):
    from migrex.audit.services import record_many

    settings.MIGREX_AUDIT_CHECKPOINT_EVERY = 5
    record_many(
        "personal_data.read", actor="kz-operator", entries=[(f"s{i}", {}) for i in range(12)]
    )
    assert AuditHead.objects.get().seq == 13  # keys.created, then twelve
    assert list(Checkpoint.objects.values_list("seq", flat=True)) == [10]
    assert verify().ok and verify().checkpoints == 1


def test_automatic_checkpoints_stay_home(by_node, settings):
    """The outbox carries what people decided to send: `migrex audit checkpoint` sends."""
    settings.MIGREX_AUDIT_CHECKPOINT_EVERY = 2
    for _ in range(5):
        record("access.denied")
    assert Checkpoint.objects.count() >= 2
    assert not OutboxMessage.objects.exists()


def test_no_keys_no_checkpoint_and_no_failure(db, settings):
    settings.MIGREX_AUDIT_CHECKPOINT_EVERY = 2
    for _ in range(5):
        record("access.denied")
    assert not Checkpoint.objects.exists()
    with pytest.raises(CommandError, match="no valid key"):
        run("checkpoint")


def test_checkpoint_command_signs_and_queues_for_each_peer(by_node):
    record("access.denied")
    out = run("checkpoint")
    cp = Checkpoint.objects.get()
    assert f"checkpoint #{cp.seq} {cp.hash}" in out and "queued for 1 peer(s)" in out
    message = OutboxMessage.objects.get(kind=KIND)
    assert message.payload == {"checkpoint": cp.token}
    assert (message.agreement, message.receiver_party) == ("kz-by-2019", "BY")
    assert message.sender_authority.startswith("kz-")
    assert message.receiver_authority.startswith("by-")
    listed = [json.loads(line) for line in run("checkpoints", "--json").splitlines()]
    assert [(c["seq"], c["hash"]) for c in listed] == [(cp.seq, cp.hash)]
    assert run("checkpoints", "--tokens").strip() == cp.token


def test_an_empty_log_has_nothing_to_sign(db):
    with pytest.raises(CommandError, match="the audit log is empty"):
        run("checkpoint")


def test_checkpoint_without_peers_or_sending(node_keys):
    assert AuditHead.objects.get().seq == 1  # keys.created
    assert run("checkpoint", "--no-send").startswith("checkpoint #1 ")
    assert run("checkpoints").startswith("#1 ")
    assert not OutboxMessage.objects.exists()


def test_the_handler_keeps_a_peers_checkpoint_once_and_records_conflicts(
    by_node, signed_checkpoint
):
    token = signed_checkpoint(by_node, 41, "a" * 64)
    receive(received(token))
    kept = PeerCheckpoint.objects.get()
    assert (kept.node, kept.seq, kept.hash, kept.token) == ("BY", 41, "a" * 64, token)
    receive(received(token))  # the same again: nothing new
    assert PeerCheckpoint.objects.count() == 1
    other = signed_checkpoint(by_node, 41, "b" * 64)
    receive(received(other))
    assert PeerCheckpoint.objects.filter(node="BY", seq=41).count() == 2
    conflict = AuditEntry.objects.get(action="audit.peer_checkpoint_conflict")
    assert conflict.subject == "BY#41" and conflict.detail["earlier"] == ["a" * 64]
    assert "CONFLICT" in run("checkpoints", "--peer", "BY")
    assert run("checkpoints", "--peer", "BY", "--tokens").split() == [token, other]


def test_the_handler_refuses_what_the_sender_did_not_sign(by_node, signed_checkpoint):
    forged = signed_checkpoint(generate_node_keys(), 5, "c" * 64)  # not BY's key
    with pytest.raises(EnvelopeError) as refused:
        receive(received(forged))
    assert refused.value.code == "unknown_sender"
    own = checkpoints.sign(5, "c" * 64)  # a checkpoint of this node (KZ), relayed by BY
    with pytest.raises(EnvelopeError):
        receive(received(own.token))
    with pytest.raises(EnvelopeError) as refused:
        receive(received("x"))
    assert refused.value.code == "malformed"
    with pytest.raises(kinds.PayloadInvalid):
        kinds.validate(KIND, {"checkpoint": "x", "more": 1})
    assert not PeerCheckpoint.objects.exists()


def test_a_checkpoint_arrives_through_the_inbox(by_node, signed_checkpoint):
    """BY seals an audit_checkpoint envelope to this node; the inbox opens it, checks the route
    and hands it to the handler the exchange registered for the kind."""
    assert kinds.get(KIND).handler is receive
    token = signed_checkpoint(by_node, 7, "d" * 64)
    envelope = new_envelope(
        agreement="kz-by-2019",
        kind=KIND,
        sender_node="BY",
        sender_authority="by-mvd",
        receiver_node="KZ",
        receiver_authority="kz-mvd",
        payload={"checkpoint": token},
    )
    raw = seal(envelope, sender=by_node, receiver_public=keys.published())
    reply = inbox.accept(raw)
    assert (reply.status, reply.code) == (200, "accepted"), reply.body
    kept = PeerCheckpoint.objects.get()
    assert (kept.node, kept.seq, str(kept.message_id)) == ("BY", 7, envelope["message_id"])
    entry = AuditEntry.objects.get(action="message.received")
    assert entry.detail["kind"] == KIND
