"""The audit log's checkpoints and the node's keys (docs/protocol.md §13.5): the notary the audit
log signs its checkpoints with (audit/signing.py), their publication to the peer nodes as
`audit_checkpoint` messages, and the keeping of those the peers send."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils import timezone
from pydantic import Field

from migrex.agreements import dates
from migrex.agreements.selectors import directory
from migrex.audit import checkpoints
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.audit.signing import Opened, SignatureError
from migrex.exchange import keys, kinds, outbox, peers
from migrex.exchange.crypto import EnvelopeError, public_jwks
from migrex.exchange.receipts import canonicalize, parse_jws, sign_jws, valid_at, verify_jws

KIND = "audit_checkpoint"


class CheckpointPayload(kinds.Payload):
    checkpoint: str = Field(description="JWS compact, typ migrex-audit-checkpoint+jws")


class NodeNotary:
    """Signs with the node's current signing key, verifies against a JWK Set."""

    def sign(self, body: dict, typ: str) -> tuple[str, str]:
        signer = keys.signing_keys()
        return sign_jws(canonicalize(body), signer, typ), signer.signing_kid

    def open(self, token: str, typ: str, jwks: dict | None) -> Opened:
        try:
            header, payload = parse_jws(token)
            _, jwk = verify_jws(token, header, jwks, typ=typ)
        except EnvelopeError as exc:
            raise SignatureError(exc.code, exc.detail) from None
        try:
            body = json.loads(payload)
        except ValueError as exc:
            raise checkpoints.CheckpointError(f"undecodable checkpoint: {exc}") from None
        return Opened(body, header["kid"], lambda when: valid_at(jwk, when))

    def own_keys(self) -> dict:
        return public_jwks(keys.node_keys())

    def publish(self, token: str) -> int:
        return len(publish(token))


def publish(token: str) -> list:
    """One `audit_checkpoint` message per peer node. A message needs an agreement in force and
    competent authorities of both parties: the first agreement (by code) the peer is trusted for
    that is in force today, and the first authority (by code) of each party under it; the
    checkpoint speaks for the node, whichever authorities carry it."""
    today = timezone.localdate()
    sent = []
    for trust in peers.trusted().values():
        if trust.peer.party_id == settings.MIGREX_PARTY:
            continue  # this node itself
        route = _route(trust, today)
        if route is not None:
            agreement, sender, receiver = route
            sent.append(
                outbox.send(
                    agreement=agreement,
                    kind=KIND,
                    sender=sender,
                    receiver=receiver,
                    payload=CheckpointPayload(checkpoint=token),
                )
            )
    return sent


def _route(trust: peers.Trusted, today):
    known = directory()
    for code in sorted(trust.agreements):
        terms = known.agreements.get(code)
        if terms is None or not dates.is_in_force(terms.profile, today):
            continue
        members = sorted(terms.authorities.values(), key=lambda a: a.code)
        own = [a for a in members if a.party_id == settings.MIGREX_PARTY]
        theirs = [a for a in members if a.party_id == trust.peer.party_id]
        if own and theirs:
            return code, own[0], theirs[0]
    return None


def receive(message: kinds.Received) -> None:
    """Verify a peer's checkpoint with the sender node's keys and keep it. The same checkpoint
    again changes nothing; another hash for a number already vouched for is kept too, and
    recorded as `audit.peer_checkpoint_conflict`: the peer's history was rewritten (or its keys
    are in other hands)."""
    node = message.sender_node
    try:
        signed = checkpoints.read(message.payload.checkpoint, peers.sender_keys(node))
    except SignatureError as exc:
        raise EnvelopeError(exc.code, exc.detail) from None
    except checkpoints.CheckpointError as exc:
        raise EnvelopeError("payload_invalid", str(exc)) from None
    if signed.node != node:
        raise EnvelopeError("payload_invalid", f"a checkpoint of {signed.node} sent by {node}")
    kept, earlier = checkpoints.keep(node, signed, message.message_id)
    if kept is not None and earlier:
        record(
            Action.AUDIT_PEER_CHECKPOINT_CONFLICT,
            actor=node,
            subject=f"{node}#{signed.seq}",
            detail={"seq": signed.seq, "hash": signed.hash, "earlier": earlier},
        )
