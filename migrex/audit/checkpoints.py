"""Signed checkpoints of the audit chain (Art. 11.4).

A checkpoint is a JWS (typ ``migrex-audit-checkpoint+jws``) signed with the node's signing key
over the RFC 8785 JSON ``{"node", "seq", "hash", "at"}``: the node vouches that its chain held
``hash`` at entry ``seq`` at time ``at``. `migrex audit verify` checks every stored checkpoint's
signature and that the chain still holds its (seq, hash), so rewriting or truncating history
before the last checkpoint is detected even if the head row was rewritten to match.

Checkpoints are made every MIGREX_AUDIT_CHECKPOINT_EVERY entries by the log's writer (in its
transaction), kept by this node only, and by `migrex audit checkpoint` (run it daily, from cron
or a systemd timer), which also publishes it to every peer node (an ``audit_checkpoint``
message, migrex/exchange/checkpoints.py), which keeps it as a PeerCheckpoint. The signing goes
through the notary the exchange installs (signing.py).

What a peer holds is out of this node's reach: `migrex audit checkpoints --peer NODE --tokens`
on the peer, handed back, and `migrex audit verify --witness FILE` here check this node's chain
against it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from migrex.audit.models import AuditHead, Checkpoint, PeerCheckpoint
from migrex.audit.signing import SignatureError, notary

TYP = "migrex-audit-checkpoint+jws"
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


def _format(when: dt.datetime) -> str:
    """RFC 3339 UTC with milliseconds and a Z, as every signed time of the protocol."""
    when = when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _parse(text: object) -> dt.datetime:
    if not isinstance(text, str) or not text.endswith("Z"):
        raise CheckpointError("at must be an RFC 3339 UTC time with a Z")
    try:
        return dt.datetime.fromisoformat(text[:-1]).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise CheckpointError(f"at: {exc}") from None


def sign(seq: int, hash_: str, *, now: dt.datetime | None = None) -> Signed:
    body = {
        "node": settings.MIGREX_NODE_ID,
        "seq": seq,
        "hash": hash_,
        "at": _format(now or timezone.now()),
    }
    token, kid = notary().sign(body, TYP)
    return Signed(body["node"], seq, hash_, _parse(body["at"]), kid, token)


def read(token: str, jwks: dict | None) -> Signed:
    """Verify `token` against the JWK Set `jwks`; what it says. SignatureError (a stable code)
    if the signature or the key does not hold, CheckpointError if the content is malformed."""
    if not isinstance(token, str):
        raise CheckpointError("a checkpoint is a JWS compact string")
    opened = notary().open(token, TYP, jwks)
    body = opened.body
    if not isinstance(body, dict) or set(body) != _FIELDS:
        raise CheckpointError(f"a checkpoint holds exactly {', '.join(sorted(_FIELDS))}")
    seq, hash_, node = body["seq"], body["hash"], body["node"]
    if type(seq) is not int or seq < 1:
        raise CheckpointError("seq must be a positive integer")
    if not isinstance(hash_, str) or len(hash_) != 64:
        raise CheckpointError("hash must be 64 hex digits")
    if not isinstance(node, str) or not node:
        raise CheckpointError("node must be a node id")
    at = _parse(body["at"])
    if not opened.valid_at(at):
        raise SignatureError("key_not_valid", f"key {opened.kid} was not valid at {body['at']}")
    return Signed(node, seq, hash_, at, opened.kid, token)


def own_jwks() -> dict:
    """Every generation of this node's keys, expired ones too: old checkpoints were signed with
    them."""
    return notary().own_keys()


@transaction.atomic
def make(seq: int | None = None, hash_: str | None = None, *, send: bool = True) -> Checkpoint:
    """Sign the chain as it stands (or at `seq`/`hash_`, from the log's writer, which holds the
    head's lock) and store the checkpoint; with `send`, publish it to the peers. LookupError if
    the node has no signing key, CheckpointError if the log is empty."""
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
        checkpoint.published_to = notary().publish(checkpoint.token)
    return checkpoint


def keep(node: str, signed: Signed, message_id: str) -> tuple[PeerCheckpoint | None, list[str]]:
    """Keep a peer's verified checkpoint: (the new row, or None if the same one is kept
    already; the hashes the peer vouched for earlier at the same number)."""
    known = PeerCheckpoint.objects.filter(node=node, seq=signed.seq)
    if known.filter(hash=signed.hash).exists():
        return None, []
    earlier = list(known.values_list("hash", flat=True))
    kept = PeerCheckpoint.objects.create(
        node=node,
        seq=signed.seq,
        hash=signed.hash,
        at=signed.at,
        kid=signed.kid,
        token=signed.token,
        message_id=message_id,
    )
    return kept, earlier


def conflicts(node: str | None = None) -> set[tuple[str, int]]:
    """(node, seq) of the peers' checkpoints that disagree with another for the same number."""
    rows = PeerCheckpoint.objects.values("node", "seq").annotate(n=Count("id")).filter(n__gt=1)
    if node:
        rows = rows.filter(node=node)
    return {(r["node"], r["seq"]) for r in rows}
