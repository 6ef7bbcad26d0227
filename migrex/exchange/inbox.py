"""Receiving: open the envelope, check it against the peers and the agreement, store it and apply
it to the case in one transaction, and answer with a signed receipt or a signed refusal.

A duplicate (a message id already accepted) changes nothing. The very same bytes again get the
original receipt back, byte for byte; the same message sealed afresh (a retry after a lost
reply, or a copy that also travelled in an offline package) gets a `duplicate` receipt over the
bytes it came in, so that the sender can verify it against what it sent (docs/protocol.md §6).
A refused message leaves nothing behind but its audit entry.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from migrex.agreements import dates
from migrex.agreements.selectors import directory
from migrex.audit.services import record
from migrex.cases.errors import Invalid
from migrex.cases.services import receive
from migrex.core import reference
from migrex.core.errors import MigrexError
from migrex.exchange import keys, peers, streams
from migrex.exchange.crypto import EnvelopeError, b64d
from migrex.exchange.envelope import MAX_WIRE_BYTES, Opened, digest, open_
from migrex.exchange.models import InboxMessage
from migrex.exchange.receipts import sign_receipt, sign_refusal
from migrex.persons import datasets

log = logging.getLogger("migrex.inbox")


@dataclass(frozen=True)
class Reply:
    status: int  # HTTP status: 200 receipt, 422 refusal, 413 too large
    body: bytes
    code: str  # "accepted", "duplicate" or the refusal code


def accept(raw: bytes, *, max_skew=None) -> Reply:
    with reference.pinned():
        return _accept(raw, max_skew)


# A batch (docs/protocol.md §8.1): at most this many envelopes, this many bytes in all.
MAX_BATCH = 100
MAX_BATCH_BYTES = 16 * 1024 * 1024


def accept_batch(envelopes: list[bytes]) -> list[Reply]:
    """Several envelopes POSTed at once, answered in order, each exactly as if it had come
    alone: its own checks, its own savepoint, its own receipt or refusal. One transaction holds
    them all, so the batch costs one commit, and a failure of the database itself loses every
    reply of the batch together (the sender then retries them all; duplicates change nothing)."""
    with _one_writer(), reference.pinned(), transaction.atomic():
        return [_accept(raw, None) for raw in envelopes]


_sqlite_writer = threading.Lock()


@contextlib.contextmanager
def _one_writer():
    """SQLite takes one writer at a time, and a writer that finds the database locked sleeps in
    SQLite's busy handler for up to 100 ms at a go; threads of this process queue here instead
    and start the moment the previous batch commits. PostgreSQL needs no such queue."""
    if connection.vendor != "sqlite":
        yield
        return
    with _sqlite_writer:
        yield


def accept_stream(stream) -> Reply:
    """An envelope, a newline, and the body it describes in encrypted frames (§8.2): a dataset.
    `stream` is the request body (read, readline); the body is read as it is stored."""
    head = stream.readline(MAX_WIRE_BYTES + 2).rstrip(b"\n")
    with _one_writer(), reference.pinned():
        return _accept(head, None, body=stream)


# Message kinds applied by a service other than the case workflow: kind → handler(envelope).
# Handlers run inside the transaction that stores the message; an exception refuses it.
_handlers: dict[str, Callable[[dict], object]] = {}


def handles(kind: str):
    """Register the function that applies received messages of `kind` (import its module in
    the app's ready())."""

    def register(handler: Callable[[dict], object]):
        _handlers[kind] = handler
        return handler

    return register


def _apply(envelope: dict, body) -> None:
    """Hand the opened message to the service that owns its kind."""
    streamed = envelope["kind"] == datasets.KIND
    if streamed != (body is not None):
        where = "after its envelope (§8.2)" if streamed else "alone, without a body"
        raise _Refused("payload_invalid", f"a {envelope['kind']} message travels {where}")
    if streamed:
        key = b64d(datasets.manifest(envelope["payload"], _profile(envelope))["body"]["key"])
        aad = envelope["message_id"].encode()
        datasets.receive(envelope, streams.Lines(streams.decrypt(key, aad, body.read)))
        return
    if envelope["kind"] in _handlers:
        _handlers[envelope["kind"]](envelope)
        return
    receive(
        message={
            "id": envelope["message_id"],
            "conversation_id": envelope["conversation_id"],
            "agreement": envelope["agreement"],
            "kind": envelope["kind"],
            "sender_authority": envelope["sender_authority"],
            "receiver_authority": envelope["receiver_authority"],
            "payload": envelope["payload"],
        }
    )


def _profile(envelope: dict):
    return directory().terms(envelope["agreement"]).profile


def _accept(raw: bytes, max_skew, body=None) -> Reply:
    now = timezone.now()
    dig = digest(raw)
    generations = keys.node_keys()
    signer = keys.signing_keys(now, generations)
    options = {"max_skew": max_skew} if max_skew else {}
    try:
        opened = open_(
            raw,
            receiver=generations,
            node_id=settings.MIGREX_NODE_ID,
            sender_keys=peers.sender_keys,
            now=now,
            **options,
        )
    except EnvelopeError as exc:
        return _refuse(signer, dig, now, exc.code, exc.detail, exc.message_id)
    envelope = opened.envelope
    mid = envelope["message_id"]
    known = InboxMessage.objects.filter(message_id=mid).only("digest", "receipt").first()
    if known is not None:
        return _duplicate(known, signer, dig, now)
    try:
        # The receiving party's calendar day, as the case services count (Art. 17).
        _check_route(envelope, timezone.localdate(now))
        with transaction.atomic():
            receipt = sign_receipt(signer=signer, message_id=mid, digest=dig, received_at=now)
            InboxMessage.objects.create(
                message_id=mid,
                conversation_id=envelope["conversation_id"],
                sender_node=envelope["sender_node"],
                agreement=envelope["agreement"],
                kind=envelope["kind"],
                digest=dig,
                signed=opened.signed,
                receipt=receipt.decode(),
                received_at=now,
            )
            _apply(envelope, body)
            _audit_received(opened, dig)
    except IntegrityError:
        # The same message id arrived twice at once; the first one won.
        known = InboxMessage.objects.filter(message_id=mid).only("digest", "receipt").first()
        if known is None:
            raise
        return _duplicate(known, signer, dig, now)
    except Invalid as exc:
        detail = "; ".join(f"{e.field}: {e.message_en} (Art. {e.article})" for e in exc.errors)
        return _refuse(signer, dig, now, "payload_invalid", detail, mid)
    except MigrexError as exc:
        return _refuse(signer, dig, now, exc.code, f"{exc.message_en} (Art. {exc.article})", mid)
    except (_Refused, EnvelopeError) as exc:
        return _refuse(signer, dig, now, exc.code, exc.detail, mid)
    except (AttributeError, KeyError, TypeError, ValueError, DataError) as exc:
        # A payload of the wrong shape (a list where an object belongs, a string too long for
        # its column …) that the case services choke on. Answering 500 would make the sender
        # retry the same bytes for hours; a signed refusal ends it and says why.
        log.exception("message %s from %s: payload not usable", mid, envelope["sender_node"])
        detail = f"the {envelope['kind']} payload cannot be applied: {type(exc).__name__}: {exc}"
        return _refuse(signer, dig, now, "payload_invalid", detail[:500], mid)
    return Reply(200, receipt, "accepted")


def _duplicate(known: InboxMessage, signer, dig: str, now) -> Reply:
    """Nothing changes; the sender gets proof that the message had arrived."""
    mid = str(known.message_id)
    record("message.duplicate", subject=mid, detail={"digest": dig, "first_digest": known.digest})
    if dig == known.digest:
        return Reply(200, known.receipt.encode(), "duplicate")
    body = sign_receipt(
        signer=signer, message_id=mid, digest=dig, received_at=now, status="duplicate"
    )
    return Reply(200, body, "duplicate")


class _Refused(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def _check_route(envelope: dict, today) -> None:
    """The sender is a peer trusted for this agreement, the agreement is in force (Art. 17), and
    both authorities are competent authorities of the right parties (Art. 2)."""
    trust = peers.trusted().get(envelope["sender_node"])
    if trust is None or envelope["agreement"] not in trust.agreements:
        raise _Refused(
            "unknown_sender", f"{envelope['sender_node']} is not a peer for {envelope['agreement']}"
        )
    peer = trust.peer
    terms = directory().agreements.get(envelope["agreement"])
    if terms is None:
        raise _Refused("unknown_agreement", f"no agreement {envelope['agreement']}")
    agreement = terms.agreement
    if not dates.is_in_force(terms.profile, today):
        raise _Refused(
            "agreement_not_in_force", f"{agreement.code} is not in force on {today} (Art. 17)"
        )
    members = terms.authorities
    sender = members.get(envelope["sender_authority"])
    receiver = members.get(envelope["receiver_authority"])
    if sender is None or sender.party_id != peer.party_id:
        raise _Refused(
            "unknown_authority",
            f"{envelope['sender_authority']} is not a competent authority of "
            f"{peer.party_id} under {agreement.code} (Art. 2)",
        )
    if receiver is None or receiver.party_id != settings.MIGREX_PARTY:
        raise _Refused(
            "unknown_authority",
            f"{envelope['receiver_authority']} is not a competent authority of "
            f"this node under {agreement.code} (Art. 2)",
        )


def _audit_received(opened: Opened, dig: str) -> None:
    e = opened.envelope
    record(
        "message.received",
        actor=e["sender_node"],
        subject=e["message_id"],
        detail={
            "kind": e["kind"],
            "agreement": e["agreement"],
            "digest": dig,
            "conversation": e["conversation_id"],
            "key": opened.kid,  # the sender's signing key: which generation, during a rotation
        },
    )


def _refuse(signer, dig, now, code, detail, mid) -> Reply:
    record(
        "message.refused", subject=mid or "", detail={"code": code, "detail": detail, "digest": dig}
    )
    body = sign_refusal(
        signer=signer, digest=dig, received_at=now, code=code, detail=detail, message_id=mid
    )
    return Reply(413 if code == "too_large" else 422, body, code)
