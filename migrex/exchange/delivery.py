"""The delivery worker: claim due outbox messages, seal them for the peer, POST them, verify the
signed receipt. At-least-once with retries, exponential backoff and jitter; the receiver's
duplicate filter makes processing exactly-once. Messages of one conversation go in order."""

from __future__ import annotations

import datetime as dt
import http.client
import logging
import random
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from migrex.audit.services import record
from migrex.exchange import keys, peers
from migrex.exchange.crypto import EnvelopeError, NodeKeys
from migrex.exchange.envelope import digest, new_envelope, seal
from migrex.exchange.models import OutboxMessage, Peer
from migrex.exchange.receipts import Receipt, Refusal, verify_receipt

log = logging.getLogger("migrex.delivery")
# Refusals worth retrying: the receiver may accept the same message later.
TRANSIENT = frozenset({"clock_skew", "unknown_sender", "no_receiver_key", "key_not_valid"})
Status = OutboxMessage.Status


def max_attempts() -> int:
    return settings.MIGREX_DELIVERY["attempts"]


_JITTER = random.Random()  # noqa: S311 - jitter, not secrets


def backoff(attempts: int, rng: random.Random = _JITTER) -> float:
    """Seconds before the next try: 2, 4, 8 … capped at 15 minutes (by default), with full
    jitter on the top half so that many senders do not retry in step."""
    base, cap = settings.MIGREX_DELIVERY["backoff"], settings.MIGREX_DELIVERY["backoff_cap"]
    ceiling = min(cap, base * 2 ** max(0, attempts - 1))
    return ceiling / 2 + rng.random() * ceiling / 2


def claim(worker: str, limit: int = 50) -> list[OutboxMessage]:
    """Take up to `limit` due messages for `worker` for one lease. SKIP LOCKED lets several workers
    share the outbox on PostgreSQL; the conditional update keeps two from taking the same row on
    any database. A message waits while an earlier one of its conversation is still pending."""
    now = timezone.now()
    earlier = OutboxMessage.objects.filter(
        conversation_id=OuterRef("conversation_id"),
        status=Status.PENDING,
        created_at__lt=OuterRef("created_at"),
    )
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    due = (
        OutboxMessage.objects.filter(free, status=Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exclude(Exists(earlier))
        .order_by("created_at", "id")
    )
    until = now + dt.timedelta(seconds=settings.MIGREX_DELIVERY["lease"])
    with transaction.atomic():
        ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
        OutboxMessage.objects.filter(free, id__in=ids).update(
            claimed_until=until, claimed_by=worker
        )
    return list(
        OutboxMessage.objects.filter(id__in=ids, claimed_by=worker, claimed_until=until).order_by(
            "created_at", "id"
        )
    )


class Http:
    """Keep-alive connections, one per peer origin."""

    def __init__(self, timeout: float = 30.0):
        self.timeout = timeout
        self._conns: dict[str, http.client.HTTPConnection] = {}

    def post(self, url: str, body: bytes) -> tuple[int, bytes]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
            conn = self._conns.get(origin)
            if conn is None:
                cls = (
                    http.client.HTTPSConnection
                    if parts.scheme == "https"
                    else http.client.HTTPConnection
                )
                conn = self._conns[origin] = cls(parts.netloc, timeout=self.timeout)
            try:
                conn.request(
                    "POST", parts.path, body=body, headers={"Content-Type": "application/jose"}
                )
                response = conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self._conns.pop(origin, None)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def seal_message(message: OutboxMessage, peer: Peer, signer: NodeKeys | None = None) -> bytes:
    """The JWE bytes that carry `message` to `peer`, sealed now (over HTTP or in a package)."""
    envelope = new_envelope(
        agreement=message.agreement,
        kind=message.kind,
        sender_node=settings.MIGREX_NODE_ID,
        sender_authority=message.sender_authority,
        receiver_node=peer.node_id,
        receiver_authority=message.receiver_authority,
        payload=message.payload,
        conversation_id=message.conversation_id,
        in_reply_to=message.in_reply_to,
        message_id=message.id,
    )
    return seal(envelope, sender=signer or keys.signing_keys(), receiver_public=peer.jwks)


def send(message: OutboxMessage, client: Http) -> str:
    """Deliver one claimed message; returns its new status."""
    try:
        peer = peers.peer_for(message.agreement, message.receiver_party)
        # Sealed afresh on every try: `created` is the sealing time the receiver checks.
        sealed = seal_message(message, peer)
        sent_digest = digest(sealed)
        status, body = client.post(peer.url.rstrip("/") + "/exchange/inbox", sealed)
        if status >= 500:
            raise OSError(f"HTTP {status} from {peer.node_id}")
        reply = verify_receipt(
            body, peer_keys=peer.jwks, message_id=str(message.id), digest=sent_digest
        )
    except (OSError, EnvelopeError, LookupError) as exc:
        return _failed(message, f"{type(exc).__name__}: {exc}")
    if isinstance(reply, Receipt):
        return _delivered(message, sent_digest, reply)
    if reply.code in TRANSIENT:
        return _failed(message, f"refused ({reply.code}): {reply.detail}")
    return _refused(message, sent_digest, reply)


def _finish(message: OutboxMessage, **fields) -> None:
    fields.update(claimed_until=None, claimed_by="")
    OutboxMessage.objects.filter(pk=message.pk).update(**fields)


@transaction.atomic
def _delivered(message, sent_digest, receipt: Receipt, *, via: str = "http") -> str:
    _finish(
        message,
        status=Status.DELIVERED,
        delivered_at=timezone.now(),
        digest=sent_digest,
        receipt=receipt.token,
        attempts=message.attempts + 1,
        last_error="",
    )
    record(
        "message.sent",
        subject=str(message.id),
        detail={
            "kind": message.kind,
            "to": message.receiver_authority,
            "digest": sent_digest,
            "receipt": receipt.status,
            "via": via,
        },
    )
    return Status.DELIVERED


@transaction.atomic
def _refused(message, sent_digest, refusal: Refusal, *, via: str = "http") -> str:
    _finish(
        message,
        status=Status.REFUSED,
        digest=sent_digest,
        receipt=refusal.token,
        attempts=message.attempts + 1,
        last_error=f"{refusal.code}: {refusal.detail}",
    )
    record(
        "message.refused_by_peer",
        subject=str(message.id),
        detail={
            "kind": message.kind,
            "code": refusal.code,
            "detail": refusal.detail,
            "via": via,
        },
    )
    return Status.REFUSED


@transaction.atomic
def _failed(message, error: str) -> str:
    attempts = message.attempts + 1
    if attempts >= max_attempts():
        _finish(message, status=Status.UNDELIVERABLE, attempts=attempts, last_error=error)
        record(
            "message.undeliverable",
            subject=str(message.id),
            detail={"kind": message.kind, "attempts": attempts, "error": error},
        )
        return Status.UNDELIVERABLE
    when = timezone.now() + dt.timedelta(seconds=backoff(attempts))
    _finish(message, attempts=attempts, next_attempt_at=when, last_error=error)
    log.warning("delivery of %s failed (%s); retry at %s", message.pk, error, when)
    return Status.PENDING


def run(worker: str, *, once: bool = False, idle: float = 0.2, stop=lambda: False) -> int:
    """Deliver until stopped (or, with `once`, until nothing is due). Returns messages handled."""
    client, handled = Http(), 0
    while not stop():
        batch = claim(worker)
        for message in batch:
            send(message, client)
        handled += len(batch)
        if not batch:
            if once:
                break
            time.sleep(idle)
    return handled
