"""Receiving: open the envelope, check it against the peers and the agreement, store it and apply
it to the case in one transaction, and answer with a signed receipt or a signed refusal.

A duplicate (a message id already accepted) changes nothing. The very same bytes again get the
original receipt back, byte for byte; the same message sealed afresh (a retry after a lost
reply, or a copy that also travelled in an offline package) gets a `duplicate` receipt over the
bytes it came in, so that the sender can verify it against what it sent (docs/protocol.md §6).
A refused message leaves nothing behind but its audit entry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from migrex.agreements import dates
from migrex.agreements.models import Agreement
from migrex.agreements.selectors import profile_of
from migrex.audit.services import record
from migrex.cases.errors import Invalid
from migrex.cases.services import receive
from migrex.core.errors import MigrexError
from migrex.exchange import keys, peers
from migrex.exchange.crypto import EnvelopeError
from migrex.exchange.envelope import Opened, digest, open_
from migrex.exchange.models import InboxMessage, Peer
from migrex.exchange.receipts import sign_receipt, sign_refusal

log = logging.getLogger("migrex.inbox")


@dataclass(frozen=True)
class Reply:
    status: int  # HTTP status: 200 receipt, 422 refusal, 413 too large
    body: bytes
    code: str  # "accepted", "duplicate" or the refusal code


def accept(raw: bytes, *, max_skew=None) -> Reply:
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
            receive(
                message={
                    "id": mid,
                    "conversation_id": envelope["conversation_id"],
                    "agreement": envelope["agreement"],
                    "kind": envelope["kind"],
                    "sender_authority": envelope["sender_authority"],
                    "receiver_authority": envelope["receiver_authority"],
                    "payload": envelope["payload"],
                }
            )
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
    except _Refused as exc:
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
    peer = Peer.objects.filter(node_id=envelope["sender_node"]).first()
    if peer is None or not peer.agreements.filter(code=envelope["agreement"]).exists():
        raise _Refused(
            "unknown_sender", f"{envelope['sender_node']} is not a peer for {envelope['agreement']}"
        )
    agreement = (
        Agreement.objects.select_related("current_version")
        .filter(code=envelope["agreement"])
        .first()
    )
    if agreement is None:
        raise _Refused("unknown_agreement", f"no agreement {envelope['agreement']}")
    if not dates.is_in_force(profile_of(agreement), today):
        raise _Refused(
            "agreement_not_in_force", f"{agreement.code} is not in force on {today} (Art. 17)"
        )
    members = {a.code: a for a in agreement.authorities.all()}
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
