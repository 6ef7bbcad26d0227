"""Receiving: open the envelope, check it against the peers and the agreement, store it and apply
it to the case in one transaction, and answer with a signed receipt or a signed refusal. A
dataset is the exception (`_accept_streamed`): its records are stored out of sight as its body
arrives, in short transactions, and made visible with the message in a last short one.

A duplicate (a message id already accepted) changes nothing. The very same bytes again get the
original receipt back, byte for byte; the same message sealed afresh (a retry after a lost
reply, or a copy that also travelled in an offline package) gets a `duplicate` receipt over the
bytes it came in, so that the sender can verify it against what it sent (docs/protocol.md §6).
A refused message leaves nothing behind but its audit entry: no row, and no file either
(core/vault.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from migrex.audit.actions import Action
from migrex.audit.repeats import record_repeated
from migrex.audit.services import record
from migrex.core import deferred, reference, savepoints, vault
from migrex.core.dbwait import one_writer
from migrex.core.errors import Invalid, MigrexError
from migrex.core.logsafe import named, summary
from migrex.exchange import inbox_rows, keys, kinds, peers, routes, streams
from migrex.exchange.crypto import EnvelopeError, NodeKeys, b64d
from migrex.exchange.envelope import MAX_WIRE_BYTES, Opened, digest, open_
from migrex.exchange.models import InboxMessage
from migrex.exchange.receipts import sign_receipt, sign_refusal

log = logging.getLogger("migrex.inbox")


@dataclass(frozen=True)
class Reply:
    status: int  # HTTP status: 200 receipt, 422 refusal, 413 too large
    body: bytes
    code: str  # "accepted", "duplicate" or the refusal code


@dataclass(frozen=True)
class Caller:
    """Who POSTed the message (a package file has none): the client's address, since what fails
    before the sender is known is audited once per address and window (audit/repeats.py), and
    the SHA-256 of the client certificate it showed the proxy ("" none; None: it did not come
    through the proxy), held against the sender's pin (docs/protocol.md §8.4)."""

    address: str
    client_cert: str | None = None


def accept(raw: bytes, *, max_skew=None, caller: Caller | None = None) -> Reply:
    with reference.pinned():
        return _take(_arrive(raw, max_skew), caller=caller)


# A batch (docs/protocol.md §8.1): at most this many envelopes, this many bytes in all.
MAX_BATCH = 100
MAX_BATCH_BYTES = 16 * 1024 * 1024


def accept_batch(envelopes: list[bytes], *, caller: Caller | None = None) -> list[Reply]:
    """Several envelopes POSTed at once, answered in order, each exactly as if it had come
    alone: its own checks, its own savepoint (taken at its first write: core/savepoints.py),
    its own receipt or refusal. One transaction holds them all, so the batch costs one commit,
    and a failure of the database itself loses every reply of the batch together (the sender
    then retries them all; duplicates change nothing).
    What its messages write (their inbox rows, the cases its requests open with their persons
    and index rows, its audit entries) is written once, at its end (core/deferred.py): one
    insert per table, and the audit chain's head locked from then to the commit only.

    Should those rows break a constraint there (two batches opening the same conversation at
    once, or a value the rules let through and a column does not hold), no message can be told
    from the others: the batch is taken again with each message's rows written in its own
    savepoint, so that only the one that breaks it is refused.

    The envelopes are opened first, before the transaction: decrypting and verifying them holds
    no lock, and what the inbox knows of all their message ids and conversations is then asked
    in two statements for the batch (inbox_rows.asked)."""
    with reference.pinned():
        arrivals = [_arrive(raw, None) for raw in envelopes]
        try:
            return _batch(arrivals, caller, deferring=True)
        except (IntegrityError, DataError, savepoints.Unprotected) as exc:
            log.warning(
                "a batch of %d taken again message by message: %s", len(arrivals), named(exc)
            )
            return _batch(arrivals, caller, deferring=False)


def _batch(arrivals: list[_Arrival], caller: Caller | None, *, deferring: bool) -> list[Reply]:
    envelopes = [a.opened.envelope for a in arrivals if a.opened is not None]
    with (
        one_writer(),
        vault.discarded_on_failure(),
        transaction.atomic(),
        deferred.batch() if deferring else contextlib.nullcontext(),
        inbox_rows.asked(envelopes) if deferring else contextlib.nullcontext(),
    ):
        return [_take(arrival, caller=caller, lazy=deferring) for arrival in arrivals]


def accept_stream(stream, *, caller: Caller | None = None) -> Reply:
    """An envelope, a newline, and the body it describes in encrypted frames (§8.2): a dataset.
    `stream` is the request body (read, readline); the body is read as it is stored. Other
    writers of this process are not held up meanwhile: only the last transaction waits for
    them (`_accept_streamed`)."""
    head = stream.readline(MAX_WIRE_BYTES + 2).rstrip(b"\n")
    with reference.pinned():
        return _take(_arrive(head, None), body=stream, caller=caller)


def _apply(envelope: dict, body) -> kinds.Staged | None:
    """Hand the opened message to the handler its kind's app registered, its payload validated
    against the kind's schema first; a kind this node does not know is refused. A streamed
    kind's handler reads the body and stages what it stores (kinds.Staged), which is returned
    once the body proves to be the one the envelope describes, and discarded otherwise."""
    kind = kinds.get(envelope["kind"])
    if kind is None:
        raise _Refused("unknown_kind", f"this node knows no message kind {envelope['kind']!r}")
    if kind.streamed != (body is not None):
        where = "after its envelope (§8.2)" if kind.streamed else "alone, without a body"
        raise _Refused("payload_invalid", f"a {kind.name} message travels {where}")
    try:
        payload = kinds.validate(kind.name, envelope["payload"])
    except kinds.PayloadInvalid as exc:
        raise _Refused("payload_invalid", str(exc)[:1000], field=exc.field) from None
    lines = None
    if kind.streamed:
        if not payload.body.key:
            raise _Refused("payload_invalid", "payload.body.key: the body's key is missing")
        frames = streams.decrypt(b64d(payload.body.key), envelope["message_id"].encode(), body.read)
        lines = streams.Lines(frames)
    done = kind.handler(
        kinds.Received(
            message_id=envelope["message_id"],
            conversation_id=envelope["conversation_id"],
            agreement=envelope["agreement"],
            kind=kind.name,
            sender_node=envelope["sender_node"],
            sender_authority=envelope["sender_authority"],
            receiver_authority=envelope["receiver_authority"],
            payload=payload,
            body=lines,
        )
    )
    if lines is None:
        return None
    try:
        _check_body(lines, payload.body)
    except BaseException:
        done.discard()
        raise
    return done


def _check_body(lines: streams.Lines, declared) -> None:
    """The whole body was read, and it is the one the envelope describes (§8.2)."""
    for _ in lines:  # what the handler left unread still counts
        pass
    if lines.size != declared.bytes or lines.sha256.hexdigest() != declared.sha256:
        raise EnvelopeError(
            "stream_broken",
            f"the body is {lines.size} bytes with SHA-256 {lines.sha256.hexdigest()}, "
            f"the envelope says {declared.bytes} and {declared.sha256}",
        )


@dataclass(frozen=True)
class _Arrival:
    """An envelope as it came, opened (envelope.open_) or with the reason it could not be,
    refused in its turn (`_take`)."""

    now: dt.datetime  # when it came: its receipt's `received_at`
    digest: str
    signer: NodeKeys  # this node's keys that sign the reply
    opened: Opened | None = None
    error: EnvelopeError | None = None


def _arrive(raw: bytes, max_skew) -> _Arrival:
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
        return _Arrival(now, dig, signer, error=exc)
    return _Arrival(now, dig, signer, opened=opened)


def _take(arrival: _Arrival, body=None, caller: Caller | None = None, lazy: bool = False) -> Reply:
    """The reply to an envelope that came: its receipt, once it is checked and applied, or its
    refusal. `lazy`: its savepoint is taken at its first write (core/savepoints.py)."""
    now, dig, signer, opened = arrival.now, arrival.digest, arrival.signer, arrival.opened
    if opened is None:
        exc = arrival.error
        source = caller.address if caller else ""
        return _refuse(signer, dig, now, exc.code, exc.detail, exc.message_id, source=source)
    envelope = opened.envelope
    mid = envelope["message_id"]
    if caller is not None:
        why = peers.client_certificate_refusal(envelope["sender_node"], caller.client_cert)
        if why:
            return _refuse(signer, dig, now, "client_certificate", why, mid)
    seen = inbox_rows.seen(mid, envelope["conversation_id"])
    if seen.digest is not None:  # a stream's body is not even read (§9.2 step 1)
        return _duplicate(mid, seen, signer, dig, now)
    try:
        if body is not None:
            receipt = _accept_streamed(opened, dig, signer, now, body, seen)
        else:
            if not _opens(envelope):  # it may act on a case an earlier message of its batch
                deferred.settle()  # opened, whose rows would wait for the batch's end
            # A savepoint of its own, in a batch too; the files its handler stored go with it,
            # and so does the work it deferred to the batch's end.
            own = savepoints.on_first_write() if lazy else transaction.atomic()
            with deferred.part(), vault.discarded_on_failure(), own:
                receipt = _store(opened, dig, signer, now)
                # The receiving party's calendar day, as the case services count (Art. 17).
                _check_route(envelope, timezone.localdate(now))
                _check_conversation(envelope, seen)
                _apply(envelope, None)
                _audit_received(opened, dig)
    except IntegrityError as exc:
        seen = inbox_rows.seen(mid, envelope["conversation_id"])
        if seen.digest is not None:  # stored meanwhile (twice at once: the first won)
            return _duplicate(mid, seen, signer, dig, now)
        # A constraint the rules did not foresee: a bug here, logged as one, and a refusal
        # rather than a 500 that would make the sender retry the same bytes for hours. Named
        # by class and constraint, never by its message: on PostgreSQL that quotes the key's
        # values, the person's data (core/logsafe.py).
        log.error("message %s from %s: not stored: %s", mid, envelope["sender_node"], summary(exc))
        return _refuse(signer, dig, now, "payload_invalid", f"not stored: {named(exc)}", mid)
    except Invalid as exc:  # rules of the agreement the payload breaks: the first names it
        first = exc.errors[0]
        detail = "; ".join(_where(e) for e in exc.errors)[:2000]
        return _refuse(signer, dig, now, first.code, detail, mid, first.article, _member(first))
    except MigrexError as exc:  # the route (routes.py) or the workflow (illegal_move …)
        return _refuse(signer, dig, now, exc.code, _where(exc), mid, exc.article, _member(exc))
    except _Refused as exc:
        return _refuse(signer, dig, now, exc.code, exc.detail, mid, exc.article, exc.field)
    except EnvelopeError as exc:
        return _refuse(signer, dig, now, exc.code, exc.detail, mid)
    except (AttributeError, KeyError, TypeError, ValueError, DataError) as exc:
        # What the schema and the rules let through and a handler still chokes on (a value too
        # long for its column …): a bug here, logged as one. Answering 500 would make the
        # sender retry the same bytes for hours; a signed refusal ends it and says why.
        sender = envelope["sender_node"]
        log.error("message %s from %s: payload not usable: %s", mid, sender, summary(exc))
        detail = f"the {envelope['kind']} payload cannot be applied: {named(exc)}"
        return _refuse(signer, dig, now, "payload_invalid", detail[:500], mid)
    return Reply(200, receipt, "accepted")


def _accept_streamed(opened: Opened, dig: str, signer, now, body, seen: inbox_rows.Seen) -> bytes:
    """A dataset: checked as any message is, its records staged out of sight as the body is
    read, in short transactions of the handler's (kinds.Staged), then made visible in one short
    transaction with its inbox row, receipt and audit entry. One transaction for it all would
    hold SQLite's only write lock for as long as the body takes to arrive, a minute for 150,000
    records, and every other write of the node would wait or fail meanwhile (issue 14). What
    fails on the way, the last transaction too (another copy of the message accepted first),
    discards what was staged."""
    envelope = opened.envelope
    _check_route(envelope, timezone.localdate(now))
    _check_conversation(envelope, seen)
    staged = _apply(envelope, body)
    try:
        with one_writer(), transaction.atomic():
            receipt = _store(opened, dig, signer, now)
            staged.publish()
            _audit_received(opened, dig)
    except BaseException:
        staged.discard()
        raise
    return receipt


def _store(opened: Opened, dig: str, signer, now) -> bytes:
    """The inbox row (inbox_rows.store) and its receipt."""
    envelope = opened.envelope
    mid = envelope["message_id"]
    receipt = sign_receipt(signer=signer, message_id=mid, digest=dig, received_at=now)
    row = InboxMessage(
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
    inbox_rows.store(row)
    return receipt


def _member(error: MigrexError) -> str | None:
    """The member of the message a rule names: `payload.persons[0].data.citizenship`."""
    field = error.field
    if not field or field.startswith("payload") or field in ENVELOPE_MEMBERS:
        return field
    return f"payload.{field}"


# The envelope's own members a refusal may name (docs/protocol.md §3).
ENVELOPE_MEMBERS = frozenset(
    {"agreement", "kind", "conversation_id", "sender_authority", "receiver_authority"}
)


def _where(error: MigrexError) -> str:
    """`at payload.persons[0].data.religion: Поле … / Field 'religion' is not … (Art. 6)`: in
    the working language first (Art. 14), for the officer who reads it on the sender's case."""
    where = f"at {_member(error)}: " if error.field else ""
    article = f" (Art. {error.article})" if error.article else ""
    return f"{where}{error.message_ru} / {error.message_en}{article}"


def _duplicate(mid: str, known: inbox_rows.Seen, signer, dig: str, now) -> Reply:
    """Nothing changes; the sender gets proof that the message had arrived."""
    record(
        Action.MESSAGE_DUPLICATE, subject=mid, detail={"digest": dig, "first_digest": known.digest}
    )
    if dig == known.digest:
        return Reply(200, known.receipt.encode(), "duplicate")
    body = sign_receipt(
        signer=signer, message_id=mid, digest=dig, received_at=now, status="duplicate"
    )
    return Reply(200, body, "duplicate")


class _Refused(Exception):
    def __init__(
        self, code: str, detail: str, article: str | None = None, field: str | None = None
    ):
        super().__init__(detail)
        self.code, self.detail, self.article, self.field = code, detail, article, field


def _opens(envelope: dict) -> bool:
    kind = kinds.get(envelope["kind"])
    return kind is not None and kind.opens


def _check_conversation(envelope: dict, seen: inbox_rows.Seen) -> None:
    """A message that opens a conversation brings a new conversation id (§2): one this node has
    already seen or used, for any message, belongs to another conversation."""
    if _opens(envelope) and seen.conversation:
        raise _Refused(
            "conversation_conflict",
            f"conversation {envelope['conversation_id']} already exists: "
            f"a {envelope['kind']} opens a new one",
            "9.1",
            "conversation_id",
        )


def _check_route(envelope: dict, today) -> None:
    """The sender is a peer trusted for this agreement, and the route holds as it would for a
    message this node sent (routes.py: agreement in force, Art. 17; competent authorities of
    the two parties, Art. 2): the sender's authority of the peer's party, the receiver's of
    this node's."""
    trust = peers.trusted().get(envelope["sender_node"])
    if trust is None or envelope["agreement"] not in trust.agreements:
        raise _Refused(
            "unknown_sender",
            f"{envelope['sender_node']} is not a peer for {envelope['agreement']}",
            field="sender_node",
        )
    route = routes.check(
        envelope["agreement"],
        envelope["sender_authority"],
        envelope["receiver_authority"],
        today=today,
        sending=False,
        fields={"sender": "sender_authority", "receiver": "receiver_authority"},
    )
    if route.sender.party_id != trust.peer.party_id:
        raise _Refused(
            "unknown_authority",
            f"{route.sender.code} is not a competent authority of {trust.peer.party_id} (Art. 2)",
            "2",
            "sender_authority",
        )
    if route.receiver.party_id != settings.MIGREX_PARTY:
        raise _Refused(
            "unknown_authority",
            f"{route.receiver.code} is not a competent authority of this node (Art. 2)",
            "2",
            "receiver_authority",
        )


def _audit_received(opened: Opened, dig: str) -> None:
    e = opened.envelope
    record(
        Action.MESSAGE_RECEIVED,
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


def _refuse(signer, dig, now, code, detail, mid, article=None, field=None, source="") -> Reply:
    """The signed refusal, audited: once each for a message whose sender is known (`mid`), once
    per source and window for what anyone can POST (audit/repeats.py)."""
    where = {"article": article, "field": field} if article or field else {}
    audited = {"code": code, "detail": detail, "digest": dig, **where}
    if mid is None and source:
        record_repeated(Action.MESSAGE_REFUSED, source=source, detail=audited)
    else:
        record(Action.MESSAGE_REFUSED, subject=mid or "", detail=audited)
    body = sign_refusal(
        signer=signer,
        digest=dig,
        received_at=now,
        code=code,
        detail=detail,
        message_id=mid,
        **where,
    )
    return Reply(413 if code == "too_large" else 422, body, code)
