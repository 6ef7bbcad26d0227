"""The delivery worker: claim due outbox messages, seal them for the peer, POST them, verify the
signed receipt. At-least-once with retries, exponential backoff and jitter; the receiver's
duplicate filter makes processing exactly-once. Messages of one conversation go in order."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import logging
import random
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections, transaction
from django.utils import timezone

from migrex.audit.actions import Action
from migrex.audit.services import record, record_many
from migrex.core import reference
from migrex.core.dbwait import one_writer
from migrex.core.logsafe import summary
from migrex.exchange import heartbeat, keys, kinds, outbox, peers, streams, wakeup
from migrex.exchange.client import Http
from migrex.exchange.crypto import EnvelopeError, NodeKeys, b64e
from migrex.exchange.envelope import digest, new_envelope, seal
from migrex.exchange.inbox import MAX_BATCH, MAX_BATCH_BYTES
from migrex.exchange.models import OutboxMessage, Peer
from migrex.exchange.receipts import Receipt, Refusal, verify_receipt

log = logging.getLogger("migrex.delivery")
# Refusals worth retrying: the receiver may accept the same message later.
TRANSIENT = frozenset(
    {"clock_skew", "unknown_sender", "no_receiver_key", "key_not_valid", "client_certificate"}
)
Status = OutboxMessage.Status


def max_attempts() -> int:
    return settings.MIGREX_DELIVERY["attempts"]


# Messages a worker claims, seals and POSTs at once. Every message of a batch waits for the
# batch's receipts, and the receiver takes one batch at a time on SQLite: ten keep a message's
# wait near ten receipts' worth of work (bench/exchange_throughput.py), where fifty cost five
# times that, for one request and two commits saved per ten messages.
CLAIM = 10

_JITTER = random.Random()  # noqa: S311 - jitter, not secrets


def backoff(attempts: int, rng: random.Random = _JITTER) -> float:
    """Seconds before the next try: 2, 4, 8 … capped at 15 minutes (by default), with full
    jitter on the top half so that many senders do not retry in step."""
    base, cap = settings.MIGREX_DELIVERY["backoff"], settings.MIGREX_DELIVERY["backoff_cap"]
    ceiling = min(cap, base * 2 ** max(0, attempts - 1))
    return ceiling / 2 + rng.random() * ceiling / 2


# An earlier message of the conversation still pending, said as "not settled" so that only the
# conversation's index can find it. Said as `status = 'pending'`, PostgreSQL may look it up by
# status instead when its statistics were gathered while nothing was pending: after a burst of
# 3,000 messages queued, each candidate then read the 3,000 and a claim took 1.2 s; by the
# conversation its query takes 0.1 ms (exchange/tests/test_claim.py checks the plan).
SETTLED = [status for status in Status if status != Status.PENDING]


def claim(worker: str, limit: int = CLAIM) -> list[OutboxMessage]:
    """Take up to `limit` due messages for `worker` for one lease, oldest first. SKIP LOCKED lets
    several workers share the outbox on PostgreSQL; the update's own test that a row is free
    keeps two from taking the same row on any database. A message waits while an earlier one of
    its conversation is still pending. One statement (`_CLAIM`)."""
    now = timezone.now()
    until = now + dt.timedelta(seconds=settings.MIGREX_DELIVERY["lease"])
    params = {  # adapted by RawQuery as the ORM adapts its values (datetimes on SQLite)
        "now": now,
        "until": until,
        "worker": worker,
        "pending": Status.PENDING.value,
        "limit": limit,
        **{f"settled{i}": status.value for i, status in enumerate(SETTLED)},
    }
    skip_locked = connection.features.has_select_for_update_skip_locked
    lock = " FOR UPDATE SKIP LOCKED" if skip_locked else ""
    with _recording():
        taken = list(OutboxMessage.objects.raw(_CLAIM.format(lock=lock), params))
    return sorted(taken, key=lambda m: (m.created_at, m.pk.bytes))


# The claim in one statement of SQL. Built with the ORM it took three (the due rows locked, the
# lease written, the rows read), whose building and compiling cost the worker some 3 ms of CPU
# a claim against 0.1 ms of the database's time. In bench/exchange_throughput.py on PostgreSQL
# (3 runs each, alternated) the claim stage went from 8.9 to 2.1 ms at the median, the sender's
# CPU from 1.60 to 1.30 ms a message. RETURNING has no order, so claim() sorts; UUIDs sort
# alike as PostgreSQL's uuid and as SQLite's hexadecimal text.
_CLAIM = (  # noqa: S608
    "UPDATE {table} SET claimed_until = %(until)s, claimed_by = %(worker)s "
    "WHERE (claimed_until IS NULL OR claimed_until < %(now)s) AND id IN ("
    " SELECT due.id FROM {table} due WHERE due.status = %(pending)s"
    " AND (due.claimed_until IS NULL OR due.claimed_until < %(now)s)"
    " AND (due.next_attempt_at IS NULL OR due.next_attempt_at <= %(now)s)"
    " AND NOT EXISTS (SELECT 1 FROM {table} earlier"
    " WHERE earlier.conversation_id = due.conversation_id"
    " AND earlier.created_at < due.created_at"
    " AND earlier.status NOT IN ({settled}))"
    " ORDER BY due.created_at, due.id LIMIT %(limit)s{{lock}}) "
    "RETURNING {columns}"
).format(
    table=OutboxMessage._meta.db_table,
    settled=", ".join(f"%(settled{i})s" for i in range(len(SETTLED))),
    columns=", ".join(f.column for f in OutboxMessage._meta.concrete_fields),
)


def seal_message(
    message: OutboxMessage,
    peer: Peer,
    signer: NodeKeys | None = None,
    payload: dict | None = None,
) -> bytes:
    """The JWE bytes that carry `message` to `peer`, sealed now (over HTTP or in a package);
    `payload` replaces the stored one (a dataset's with this sending's content key)."""
    envelope = new_envelope(
        agreement=message.agreement,
        kind=message.kind,
        sender_node=settings.MIGREX_NODE_ID,
        sender_authority=message.sender_authority,
        receiver_node=peer.node_id,
        receiver_authority=message.receiver_authority,
        payload=message.payload if payload is None else payload,
        conversation_id=message.conversation_id,
        in_reply_to=message.in_reply_to,
        message_id=message.id,
    )
    return seal(envelope, sender=signer or keys.signing_keys(), receiver_public=peer.jwks)


def send(messages: list[OutboxMessage], client: Http) -> list[str]:
    """Deliver claimed messages, up to MAX_BATCH per POST to each peer (docs/protocol.md §8.1);
    returns their new statuses in order. Each is sealed afresh on every try: `created` is the
    sealing time the receiver checks. The peers, keys and agreements are those of one
    generation of the reference data for the whole batch (core/reference.pinned)."""
    with reference.pinned():
        return _send(messages, client)


def _send(messages: list[OutboxMessage], client: Http) -> list[str]:
    statuses: dict[object, str] = {}
    batches: dict[str, tuple[Peer, list[tuple[OutboxMessage, bytes]]]] = {}
    for message in messages:
        try:
            peer = peers.peer_for(message.agreement, message.receiver_party)
            if _streamed(message):
                statuses[message.pk] = _stream(message, peer, client)
                continue
            sealed = seal_message(message, peer)
        except (EnvelopeError, LookupError) as exc:
            with _recording():
                statuses[message.pk] = _failed(message, f"{type(exc).__name__}: {exc}")
            continue
        batches.setdefault(peer.node_id, (peer, []))[1].append((message, sealed))
    for peer, items in batches.values():
        for chunk in _chunks(items):
            statuses.update(_post(peer, chunk, client))
    return [statuses[m.pk] for m in messages]


def _stream(message: OutboxMessage, peer: Peer, client: Http) -> str:
    """A dataset: its envelope, then its body read from disk and encrypted a frame at a time
    under a key made for this sending (docs/protocol.md §8.2)."""
    key = streams.new_key()
    described = message.payload["body"]
    payload = {**message.payload, "body": {**described, "key": b64e(key)}}
    sealed = seal_message(message, peer, payload=payload)
    path = outbox.body_path(message.id)
    try:
        with open(path, "rb") as body:
            frames = streams.encrypt(key, str(message.id).encode(), streams.chunks_of(body))
            status, reply = client.post(
                peer.url.rstrip("/") + "/exchange/inbox/stream",
                itertools.chain([sealed + b"\n"], frames),
                "application/octet-stream",
                length=len(sealed) + 1 + streams.framed_length(described["bytes"]),
            )
        if status >= 500:
            raise OSError(f"HTTP {status} from {peer.node_id}")
        verified = verify_receipt(
            reply, peer_keys=peer.jwks, message_id=str(message.id), digest=digest(sealed)
        )
    except (OSError, EnvelopeError) as exc:
        with _recording():
            return _failed(message, f"{type(exc).__name__}: {exc}")
    with _recording():
        return _settle(message, digest(sealed), verified)


def _streamed(message: OutboxMessage) -> bool:
    kind = kinds.get(message.kind)
    return kind is not None and kind.streamed


def _chunks(items: list[tuple[OutboxMessage, bytes]]):
    chunk: list[tuple[OutboxMessage, bytes]] = []
    size = 0
    for item in items:
        if chunk and (len(chunk) == MAX_BATCH or size + len(item[1]) > MAX_BATCH_BYTES // 2):
            yield chunk
            chunk, size = [], 0
        chunk.append(item)
        size += len(item[1]) + 8
    if chunk:
        yield chunk


def _post(peer: Peer, chunk: list[tuple[OutboxMessage, bytes]], client: Http) -> dict:
    body = json.dumps({"envelopes": [sealed.decode("ascii") for _, sealed in chunk]}).encode()
    try:
        status, reply = client.post(
            peer.url.rstrip("/") + "/exchange/inbox/batch", body, "application/json"
        )
        if status != 200:
            raise OSError(f"HTTP {status} from {peer.node_id}: {reply[:200]!r}")
        replies = json.loads(reply)["replies"]
        if not isinstance(replies, list) or len(replies) != len(chunk):
            raise ValueError(f"{len(chunk)} envelopes sent, the reply is not a list of as many")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        with _recording():
            return {m.pk: _failed(m, f"{type(exc).__name__}: {exc}") for m, _ in chunk}
    outcomes = []
    for (message, sealed), item in zip(chunk, replies, strict=True):
        sent_digest = digest(sealed)
        try:
            token = item["token"]
            verified = verify_receipt(
                token, peer_keys=peer.jwks, message_id=str(message.id), digest=sent_digest
            )
        except (EnvelopeError, AttributeError, KeyError, TypeError, ValueError) as exc:
            verified = exc
        outcomes.append((message, sent_digest, verified))
    with _recording():  # one commit for the batch's bookkeeping
        delivered = [(m, d, v) for m, d, v in outcomes if isinstance(v, Receipt)]
        statuses = _delivered_all(delivered)
        statuses.update({m.pk: _settle(m, d, v) for m, d, v in outcomes if m.pk not in statuses})
        return statuses


def _delivered_all(delivered: list[tuple[OutboxMessage, str, Receipt]], via: str = "http") -> dict:
    """Each message of `delivered` delivered: its row marked by one statement for all (run for
    each row's values), their audit entries appended in order at once, the cases told at once;
    a statement or two for a batch rather than three for each message."""
    if not delivered:
        return {}
    now, pk = connection.ops.adapt_datetimefield_value(timezone.now()), OutboxMessage._meta.pk
    rows = [
        (Status.DELIVERED.value, now, sent_digest, receipt.token, m.attempts + 1,
         pk.get_db_prep_value(m.pk, connection))
        for m, sent_digest, receipt in delivered
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(_DELIVERED, rows)
    entries = [
        (str(m.id), {"kind": m.kind, "to": m.receiver_authority, "digest": sent_digest,
                     "receipt": receipt.status, "via": via})
        for m, sent_digest, receipt in delivered
    ]  # fmt: skip
    record_many(Action.MESSAGE_SENT, actor="", entries=entries)
    for message, _, _ in delivered:
        _drop_body(message)
    kinds.settle([_outcome(m, receipt.received_at, delivered=True) for m, _, receipt in delivered])
    return {m.pk: Status.DELIVERED for m, _, _ in delivered}


# The ORM's bulk_update builds a CASE expression per column and row, which cost more than the
# rest of recording a batch's deliveries; one plain statement run for each row costs a fraction.
_DELIVERED = (
    f"UPDATE {OutboxMessage._meta.db_table} SET status = %s, delivered_at = %s, "  # noqa: S608
    "digest = %s, receipt = %s, attempts = %s, last_error = '', claimed_until = NULL, "
    "claimed_by = '' WHERE id = %s"
)


@contextlib.contextmanager
def _recording():
    """A transaction of the worker's bookkeeping, behind this process's other writers to the
    same SQLite database (core/dbwait.one_writer): several sender threads then never sleep in
    SQLite's busy handler waiting for one another."""
    with one_writer(), transaction.atomic():
        yield


def _settle(message: OutboxMessage, sent_digest: str, reply) -> str:
    if isinstance(reply, Receipt):
        return _delivered(message, sent_digest, reply)
    if isinstance(reply, Refusal) and reply.code not in TRANSIENT:
        return _refused(message, sent_digest, reply)
    if isinstance(reply, Refusal):
        return _failed(message, f"refused ({reply.code}): {reply.detail}")
    return _failed(message, f"the reply does not verify: {type(reply).__name__}: {reply}")


def _finish(message: OutboxMessage, **fields) -> None:
    fields.update(claimed_until=None, claimed_by="")
    OutboxMessage.objects.filter(pk=message.pk).update(**fields)
    if fields.get("status", Status.PENDING) != Status.PENDING:
        _drop_body(message)


def _drop_body(message: OutboxMessage) -> None:
    """Sent or given up: the node keeps no second copy of what a streamed body held."""
    if _streamed(message):
        path = outbox.body_path(message.pk)
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


@transaction.atomic
def _delivered(message, sent_digest, receipt: Receipt, *, via: str = "http") -> str:
    return _delivered_all([(message, sent_digest, receipt)], via)[message.pk]


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
        Action.MESSAGE_REFUSED_BY_PEER,
        subject=str(message.id),
        detail={
            "kind": message.kind,
            "code": refusal.code,
            "detail": refusal.detail,
            "via": via,
        },
    )
    kinds.settle(
        [
            _outcome(
                message,
                refusal.received_at,
                delivered=False,
                code=refusal.code,
                article=refusal.article,
                field=refusal.field,
                detail=refusal.detail,
            )
        ]
    )
    return Status.REFUSED


def _outcome(message: OutboxMessage, at, **reply) -> kinds.Outcome:
    return kinds.Outcome(
        message_id=str(message.id),
        conversation_id=str(message.conversation_id),
        kind=message.kind,
        at=at,
        **reply,
    )


@transaction.atomic
def _failed(message, error: str) -> str:
    attempts = message.attempts + 1
    if attempts >= max_attempts():
        _finish(message, status=Status.UNDELIVERABLE, attempts=attempts, last_error=error)
        record(
            Action.MESSAGE_UNDELIVERABLE,
            subject=str(message.id),
            detail={"kind": message.kind, "attempts": attempts, "error": error},
        )
        return Status.UNDELIVERABLE
    when = timezone.now() + dt.timedelta(seconds=backoff(attempts))
    _finish(message, attempts=attempts, next_attempt_at=when, last_error=error)
    log.warning("delivery of %s failed (%s); retry at %s", message.pk, error, when)
    return Status.PENDING


def run(
    worker: str,
    *,
    once: bool = False,
    idle: float = 0.2,
    stop=lambda: False,
    each_round: Callable[[], None] | None = None,
) -> int:
    """Deliver until stopped (or, with `once`, until nothing is due); `each_round` runs before
    every round (the daily retention job). Returns the messages handled.

    Never stops on its own: a database that is locked, restarting or unreachable is logged and
    tried again after 0.5, 1, 2 … seconds (up to `database_backoff_cap`). While nothing is due
    it waits `idle` seconds, doubling up to `idle_max`, or until a message is queued (wakeup.py).
    Each round beats the worker's heartbeat (at most every few seconds: heartbeat.py)."""
    client, handled, pause, outage = Http(), 0, idle, 0
    heart = heartbeat.Heart(worker)
    waiter = wakeup.Waiter()
    cap = settings.MIGREX_DELIVERY["database_backoff_cap"]
    try:
        while not stop():
            try:
                heart.beat()
                if each_round is not None:
                    each_round()
                batch = claim(worker)
                if batch:
                    send(batch, client)
            except (OperationalError, InterfaceError) as exc:
                outage += 1
                delay = min(cap, 0.5 * 2 ** (outage - 1))
                # Quoted: these errors name the server, a lock or a transaction, not values.
                log.warning("database unavailable (%s); trying again in %.1f s", exc, delay)
                connections.close_all()  # a fresh connection next time
                _sleep(delay, stop)
                continue
            except Exception as exc:  # a fault of one round must not stop delivery: logged, retried
                if once:  # a single pass (tests, the demo): the fault is the answer
                    raise
                # Named, not quoted: a database error's message may quote a message's values.
                log.error("delivery round failed (%s); trying again in %.1f s", summary(exc), cap)
                _sleep(cap, stop)
                continue
            if outage:
                log.warning("database available again after %d attempt(s)", outage)
                outage = 0
            handled += len(batch)
            if batch:
                pause = idle
            elif once:
                break
            elif waiter.wait(pause):
                pause = idle
            else:
                pause = min(settings.MIGREX_DELIVERY["idle_max"], max(pause, 0.05) * 2)
    finally:
        waiter.close()
    return handled


def _sleep(seconds: float, stop) -> None:
    """Sleep, but not past a request to stop."""
    until = time.monotonic() + seconds
    while not stop() and time.monotonic() < until:
        time.sleep(min(0.2, until - time.monotonic()))
