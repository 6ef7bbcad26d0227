"""Offline delivery (docs/protocol.md §12): when the network between two nodes is down, the
envelopes pending for a peer travel as one signed, encrypted file (through diplomatic channels,
on a medium), are accepted on the other side with the checks of the inbox, and the signed
receipts travel back as a second file.

Nothing is lost if a file is lost: exported messages stay pending in the outbox until their
receipts come back (over HTTP, or in the reply file), and a message that arrives twice, once in a
package and once over HTTP, is processed once and answered with a receipt both times.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.exchange import delivery, inbox, keys, kinds, peers
from migrex.exchange.bundles import (
    MAX_PACKAGE_AGE,
    read_package,
    read_receipts,
    write_package,
    write_receipts,
)
from migrex.exchange.crypto import EnvelopeError
from migrex.exchange.envelope import digest
from migrex.exchange.models import ExportedPackage, OutboxMessage, Peer
from migrex.exchange.receipts import Receipt, verify_receipt

Status = OutboxMessage.Status


def replies_path(package: Path) -> Path:
    """Where `import` writes the replies to `package`: next to it, with `.receipts` appended."""
    return package.with_name(package.name + ".receipts")


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all, readable by this account only: it carries personal data."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


# --- the sending node -----------------------------------------------------------------------------


def pending_for(peer: Peer) -> list[OutboxMessage]:
    """Every message waiting for `peer`, in the order the worker would send them; those of a
    streamed kind (datasets), whose bodies travel over HTTP only (docs/protocol.md §8.2), wait
    for the network."""
    codes = list(peer.agreements.values_list("code", flat=True))
    streamed = [k.name for k in kinds.known() if k.streamed]
    return list(
        OutboxMessage.objects.filter(
            status=Status.PENDING, receiver_party=peer.party_id, agreement__in=codes
        )
        .exclude(kind__in=streamed)
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class Exported:
    package_id: str
    path: Path
    messages: int


def export(peer_id: str, out: Path) -> Exported | None:
    """Write the messages pending for `peer_id` into the package file `out`; None when nothing
    is pending. They stay pending: the worker keeps trying them over HTTP meanwhile."""
    peer = Peer.objects.filter(node_id=peer_id).first()
    if peer is None:
        raise LookupError(f"no peer node {peer_id!r} is configured")
    messages = pending_for(peer)
    if not messages:
        return None
    signer = keys.signing_keys()
    sealed = [delivery.seal_message(m, peer, signer) for m in messages]
    data, package = write_package(
        sealed,
        sender_node=settings.MIGREX_NODE_ID,
        receiver_node=peer.node_id,
        sender=signer,
        receiver_public=peer.jwks,
    )
    with transaction.atomic():
        ExportedPackage.objects.create(
            id=package.package_id,
            peer=peer.node_id,
            digest=package.digest,
            messages=[[str(m.id), digest(e)] for m, e in zip(messages, sealed, strict=True)],
            file_name=str(out),
        )
        record(
            Action.PACKAGE_EXPORTED,
            subject=package.package_id,
            detail={
                "peer": peer.node_id,
                "digest": package.digest,
                "messages": [str(m.id) for m in messages],
            },
        )
        _write(out, data)
    return Exported(package.package_id, out, len(messages))


@dataclass
class Settled:
    package_id: str
    outcomes: Counter = field(default_factory=Counter)  # delivered, refused, pending, settled
    lines: list[str] = field(default_factory=list)


def apply_receipts(path: Path) -> Settled:
    """Read the peer's reply file to a package this node exported, check every reply as an HTTP
    reply is checked, and settle the messages: delivered on a receipt, refused on a final
    refusal, still pending on a refusal worth retrying. Reading the same file twice changes
    nothing."""
    data = path.read_bytes()
    try:
        replies = read_receipts(
            data,
            receiver=keys.node_keys(),
            node_id=settings.MIGREX_NODE_ID,
            sender_keys=peers.sender_keys,
            now=timezone.now(),
        )
        exported = ExportedPackage.objects.filter(pk=replies.package_id).first()
        if exported is None or exported.peer != replies.sender_node:
            raise EnvelopeError(
                "receipt_mismatch",
                f"this node exported no package {replies.package_id} to {replies.sender_node}",
            )
        if replies.package_digest != exported.digest:
            raise EnvelopeError("receipt_mismatch", "the replies are about another package file")
        if len(replies.replies) != len(exported.messages):
            raise EnvelopeError(
                "receipt_mismatch",
                f"{len(replies.replies)} replies to a package of {len(exported.messages)}",
            )
    except EnvelopeError as exc:
        record(
            Action.PACKAGE_RECEIPTS_REFUSED,
            subject=str(path.name),
            detail={"code": exc.code, "detail": exc.detail, "digest": digest(data)},
        )
        raise
    peer = Peer.objects.get(node_id=exported.peer)
    settled = Settled(str(exported.pk))
    for (mid, sent_digest), token in zip(exported.messages, replies.replies, strict=True):
        outcome = _settle(mid, sent_digest, token, peer)
        settled.outcomes[outcome.split(" ", 1)[0]] += 1
        settled.lines.append(f"{mid}  {outcome}")
    exported.answered_at = exported.answered_at or timezone.now()
    exported.save(update_fields=["answered_at"])
    record(
        Action.PACKAGE_RECEIPTS,
        subject=str(exported.pk),
        detail={"peer": peer.node_id, **settled.outcomes},
    )
    return settled


def _settle(mid: str, sent_digest: str, token: str, peer: Peer) -> str:
    try:
        reply = verify_receipt(token, peer_keys=peer.jwks, message_id=mid, digest=sent_digest)
    except EnvelopeError as exc:
        return f"pending (the reply does not verify: {exc.code})"
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=mid).first()
        if message is None or message.status != Status.PENDING:
            state = message.status if message else "unknown"
            return f"settled (already {state})"
        if isinstance(reply, Receipt):
            return delivery._delivered(message, sent_digest, reply, via="package")
        if reply.code in delivery.TRANSIENT:
            OutboxMessage.objects.filter(pk=mid).update(
                last_error=f"refused in a package ({reply.code}): {reply.detail}"
            )
            return f"pending (refused: {reply.code}, worth retrying)"
        delivery._refused(message, sent_digest, reply, via="package")
        return f"refused ({reply.code}: {reply.detail})"


# --- the receiving node ---------------------------------------------------------------------------


@dataclass
class Imported:
    package_id: str
    sender_node: str
    replies_path: Path
    codes: Counter = field(default_factory=Counter)  # accepted, duplicate, or refusal codes
    lines: list[str] = field(default_factory=list)


def import_(
    path: Path, *, max_age: dt.timedelta = MAX_PACKAGE_AGE, receipts: Path | None = None
) -> Imported:
    """Open the package file at `path` with the checks of an envelope (a package that fails them
    is refused as a whole, nothing of it is applied), hand each envelope to the inbox as if it
    had been POSTed, with a clock tolerance of `max_age` for the carrying time, and write the
    signed replies to `receipts` (default: `path` + `.receipts`). Importing the same file twice
    changes nothing."""
    data = path.read_bytes()
    now = timezone.now()
    try:
        package = read_package(
            data,
            receiver=keys.node_keys(),
            node_id=settings.MIGREX_NODE_ID,
            sender_keys=peers.sender_keys,
            now=now,
            max_age=max_age,
        )
    except EnvelopeError as exc:
        record(
            Action.PACKAGE_REFUSED,
            subject=path.name,
            detail={"code": exc.code, "detail": exc.detail, "digest": digest(data)},
        )
        raise
    result = Imported(package.package_id, package.sender_node, receipts or replies_path(path))
    bodies = []
    for envelope in package.envelopes:
        reply = inbox.accept(envelope, max_skew=max_age)
        bodies.append(reply.body)
        result.codes[reply.code] += 1
        result.lines.append(f"{digest(envelope)}  {reply.code}")
    peer = Peer.objects.get(node_id=package.sender_node)
    out = write_receipts(
        bodies,
        package=package,
        node_id=settings.MIGREX_NODE_ID,
        sender=keys.signing_keys(),
        receiver_public=peer.jwks,
    )
    _write(result.replies_path, out)
    record(
        Action.PACKAGE_IMPORTED,
        subject=package.package_id,
        actor=package.sender_node,
        detail={"digest": package.digest, "created": package.created, **result.codes},
    )
    return result
