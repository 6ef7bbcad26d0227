"""Signed checkpoints of the audit chain, and their exchange with the peers.

A checkpoint is a JWS (typ ``migrex-audit-checkpoint+jws``) signed with the node's signing key
over the RFC 8785 JSON ``{"node", "seq", "hash", "at"}``: the node vouches that its chain held
``hash`` at entry ``seq`` at time ``at``. `migrex audit verify` checks every stored checkpoint's
signature and that the chain still holds its (seq, hash), so rewriting or truncating history
before the last checkpoint is detected even if the head row was rewritten to match.

Checkpoints are made every MIGREX_AUDIT_CHECKPOINT_EVERY entries by record() (in the writer's
transaction), kept by this node only, and by `migrex audit checkpoint` (run it daily, from cron or
a systemd timer), which also queues it for every peer node as an outbox message of kind
``audit_checkpoint`` (payload ``{"checkpoint": <JWS>}``); the peer verifies it with this node's
published keys and keeps it (PeerCheckpoint). The automatic ones are not sent: the outbox carries
what officers and operators decided to send, and nothing in the middle of their traffic.

What a peer holds is out of this node's reach: `migrex audit checkpoints --peer NODE --tokens`
on the peer, handed back, and `migrex audit verify --witness FILE` here check this node's chain
against it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from migrex.audit.models import AuditHead, Checkpoint, PeerCheckpoint
from migrex.audit.services import record

TYP = "migrex-audit-checkpoint+jws"
KIND = "audit_checkpoint"
_FIELDS = frozenset({"node", "seq", "hash", "at"})


@dataclass(frozen=True)
class Signed:
    """What a verified checkpoint says."""

    node: str
    seq: int
    hash: str
    at: dt.datetime
    kid: str
    token: str


class CheckpointError(ValueError):
    pass


def sign(seq: int, hash_: str, *, now: dt.datetime | None = None, signer=None) -> Signed:
    from migrex.exchange import keys
    from migrex.exchange.receipts import canonicalize, format_time, parse_time, sign_jws

    now = now or timezone.now()
    signer = signer or keys.signing_keys(now)
    body = {"node": settings.MIGREX_NODE_ID, "seq": seq, "hash": hash_, "at": format_time(now)}
    token = sign_jws(canonicalize(body), signer, TYP)
    return Signed(body["node"], seq, hash_, parse_time(body["at"]), signer.signing_kid, token)


def read(token: str, jwks: dict | None) -> Signed:
    """Verify `token` against the JWK Set `jwks`; what it says. EnvelopeError (a stable code)
    if the signature or the key does not hold, CheckpointError if the content is malformed."""
    from migrex.exchange.crypto import EnvelopeError
    from migrex.exchange.receipts import parse_jws, parse_time, valid_at, verify_jws

    if not isinstance(token, str):
        raise CheckpointError("a checkpoint is a JWS compact string")
    header, payload = parse_jws(token)
    _, jwk = verify_jws(token, header, jwks, typ=TYP)
    try:
        body = json.loads(payload)
    except ValueError as exc:
        raise CheckpointError(f"undecodable checkpoint: {exc}") from exc
    if not isinstance(body, dict) or set(body) != _FIELDS:
        raise CheckpointError(f"a checkpoint holds exactly {', '.join(sorted(_FIELDS))}")
    seq, hash_, node = body["seq"], body["hash"], body["node"]
    if type(seq) is not int or seq < 1:
        raise CheckpointError("seq must be a positive integer")
    if not isinstance(hash_, str) or len(hash_) != 64:
        raise CheckpointError("hash must be 64 hex digits")
    if not isinstance(node, str) or not node:
        raise CheckpointError("node must be a node id")
    at = parse_time(body["at"])
    if not valid_at(jwk, at):
        raise EnvelopeError("key_not_valid", f"key {header['kid']} was not valid at {body['at']}")
    return Signed(node, seq, hash_, at, header["kid"], token)


def own_jwks() -> dict:
    """Every generation of this node's keys, expired ones too: old checkpoints were signed with
    them. Taken from the private keys (decrypted with the node's passphrase), not from a public
    column someone with access to the database could have swapped."""
    from migrex.exchange import keys
    from migrex.exchange.crypto import public_jwks

    return public_jwks(keys.node_keys())


@transaction.atomic
def make(seq: int | None = None, hash_: str | None = None, *, send: bool = True) -> Checkpoint:
    """Sign the chain as it stands (or at `seq`/`hash_`, from record(), which holds the head's
    lock) and store the checkpoint; with `send`, queue it for every peer. LookupError if the node
    has no signing key, CheckpointError if the log is empty."""
    if seq is None:
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None or head.seq == 0:
            raise CheckpointError("the audit log is empty: nothing to sign")
        seq, hash_ = head.seq, head.hash
    signed = sign(seq, hash_)
    checkpoint = Checkpoint.objects.create(
        seq=signed.seq, hash=signed.hash, at=signed.at, kid=signed.kid, token=signed.token
    )
    if send:
        queue(checkpoint)
    return checkpoint


def queue(checkpoint: Checkpoint) -> list:
    """One outbox message per peer node. A message needs an agreement in force and competent
    authorities of both parties (docs/protocol.md): the first agreement (by code) the peer is
    trusted for that is in force today, and the first authority (by code) of each party under
    it; the checkpoint speaks for the node, whichever authorities carry it."""
    from migrex.agreements import dates
    from migrex.agreements.selectors import directory
    from migrex.exchange import peers
    from migrex.exchange.envelope import uuid7
    from migrex.exchange.models import OutboxMessage

    today = timezone.localdate()
    sent = []
    for trust in peers.trusted().values():
        route = _route(directory(), trust, today, dates)
        if route is None:
            continue
        agreement, sender, receiver = route
        sent.append(
            OutboxMessage.objects.create(
                agreement=agreement,
                conversation_id=uuid7(),
                kind=KIND,
                sender_authority=sender.code,
                receiver_authority=receiver.code,
                receiver_party=receiver.party_id,
                payload={"checkpoint": checkpoint.token},
            )
        )
    return sent


def _route(directory, trust, today, dates):
    for code in sorted(trust.agreements):
        terms = directory.agreements.get(code)
        if terms is None or not dates.is_in_force(terms.profile, today):
            continue
        members = sorted(terms.authorities.values(), key=lambda a: a.code)
        own = [a for a in members if a.party_id == settings.MIGREX_PARTY]
        theirs = [a for a in members if a.party_id == trust.peer.party_id]
        if own and theirs:
            return code, own[0], theirs[0]
    return None


def receive(envelope: dict) -> PeerCheckpoint | None:
    """The inbox handler of `audit_checkpoint`: verify the checkpoint with the sender's keys and
    keep it. The same checkpoint again changes nothing; another hash for a number already
    vouched for is kept too, and recorded as `audit.peer_checkpoint_conflict`: the peer's
    history was rewritten (or its keys are in other hands)."""
    from migrex.exchange import peers
    from migrex.exchange.crypto import EnvelopeError

    node = envelope["sender_node"]
    payload = envelope["payload"]
    if set(payload) != {"checkpoint"}:
        raise CheckpointError("an audit_checkpoint payload holds exactly 'checkpoint'")
    signed = read(payload["checkpoint"], peers.sender_keys(node))
    if signed.node != node:
        raise EnvelopeError("payload_invalid", f"a checkpoint of {signed.node} sent by {node}")
    known = PeerCheckpoint.objects.filter(node=node, seq=signed.seq)
    if known.filter(hash=signed.hash).exists():
        return None
    conflict = list(known.values_list("hash", flat=True))
    kept = PeerCheckpoint.objects.create(
        node=node,
        seq=signed.seq,
        hash=signed.hash,
        at=signed.at,
        kid=signed.kid,
        token=signed.token,
        message_id=envelope["message_id"],
    )
    if conflict:
        record(
            "audit.peer_checkpoint_conflict",
            actor=node,
            subject=f"{node}#{signed.seq}",
            detail={"seq": signed.seq, "hash": signed.hash, "earlier": conflict},
        )
    return kept


def conflicts(node: str | None = None) -> set[tuple[str, int]]:
    """(node, seq) of the peers' checkpoints that disagree with another for the same number."""
    from django.db.models import Count

    rows = PeerCheckpoint.objects.values("node", "seq").annotate(n=Count("id")).filter(n__gt=1)
    if node:
        rows = rows.filter(node=node)
    return {(r["node"], r["seq"]) for r in rows}
