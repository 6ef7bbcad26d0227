"""The one way into the exchange: `send()` queues a message for the other party in the caller's
transaction, after checking its route (routes.py) and its payload against its kind's schema
(kinds.py). The delivery worker (delivery.py) takes it from there.

A streamed kind (a dataset) also hands over its body, a file the caller wrote in the spool
(`spool_path()`): the outbox keeps it until the message is delivered or given up."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel

from migrex.agreements.models import Authority
from migrex.core.errors import Invalid, invalid
from migrex.exchange import kinds, routes
from migrex.exchange.envelope import uuid7
from migrex.exchange.models import InboxMessage, OutboxMessage


def body_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "outbox"


def body_path(message_id: uuid.UUID | str) -> Path:
    """Where a queued message's body waits until it is delivered."""
    return body_dir() / f"{message_id}.body"


def spool_path() -> Path:
    """A fresh file for a body being written, beside where the outbox will keep it."""
    body_dir().mkdir(parents=True, exist_ok=True)
    return body_dir() / f"{uuid.uuid4().hex}.part"


def _code(authority: Authority | str) -> str:
    return authority if isinstance(authority, str) else authority.code


def check_route(
    agreement: str,
    sender: Authority | str,
    receiver: Authority | str,
    *,
    peer: bool = True,
    fields: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> routes.Route:
    """The route a message would take today (routes.py), before it is worth preparing: a draft
    of a request checks it without the peer (`peer=False`), a dataset before its file is read.
    Invalid with the rule's error (its code, article and field) if it cannot travel."""
    try:
        return routes.check(
            agreement,
            _code(sender),
            _code(receiver),
            today=today or timezone.localdate(),
            sending=peer,
            fields=fields,
        )
    except routes.RouteError as exc:
        raise Invalid([exc]) from None


def send(
    *,
    agreement: str,
    kind: str,
    sender: Authority | str,
    receiver: Authority | str,
    payload: BaseModel | dict,
    conversation_id: uuid.UUID | str | None = None,
    body: Path | None = None,
    fields: dict[str, str] | None = None,
) -> OutboxMessage:
    """Queue one message. Invalid if it cannot travel (the route's rule, its article and the
    field, `fields` renaming them for the caller's form) or if the payload does not fit the
    kind's schema. A message that opens no conversation of its own stands in one
    named after itself."""
    route = check_route(agreement, sender, receiver, fields=fields)
    try:
        data = kinds.validate(kind, payload)
    except kinds.PayloadInvalid as exc:
        raise invalid(
            "payload_invalid",
            f"Содержание сообщения не соответствует схеме: {exc}.",
            f"The message does not fit its schema: {exc}.",
            field=exc.field,
        ) from None
    if kinds.get(kind).streamed != (body is not None):
        raise ValueError(f"a {kind} message {'needs' if body is None else 'takes no'} body")
    message_id = uuid7()
    with transaction.atomic(savepoint=False):
        message = OutboxMessage.objects.create(
            id=message_id,
            agreement=agreement,
            conversation_id=conversation_id or message_id,
            kind=kind,
            sender_authority=_code(sender),
            receiver_authority=_code(receiver),
            receiver_party=route.receiver.party_id,
            payload=data.model_dump(mode="json", by_alias=True),
        )
        if body is not None:
            os.replace(body, body_path(message_id))
    return message


def sent(message_id: uuid.UUID | str, *, kind: str, sender: Authority | str) -> bool:
    """Whether `sender` sent the message `message_id` of `kind` (from this node)."""
    return OutboxMessage.objects.filter(
        pk=message_id, kind=kind, sender_authority=_code(sender)
    ).exists()


@dataclass(frozen=True)
class Forgotten:
    """One stored copy of a message whose content was destroyed."""

    message_id: str
    kind: str
    direction: str  # "out": this node sent it; "in": this node received it


def forget(conversation_ids, note: str, *, before: dt.datetime | None = None) -> list[Forgotten]:
    """Destroy what this node kept of the messages of `conversation_ids` (Art. 11.5), inside
    the caller's transaction: an outgoing message's payload becomes ``{"destroyed": note}`` and
    its body file (a dataset's) is removed; a received message's signed envelope (the inner JWS,
    whose payload is readable) keeps only its header and signature (``header..signature``, the
    detached form of RFC 7515 appendix F). A message still pending is left: it has not been sent.

    What proof remains: each message's id, kind, parties and times; the SHA-256 digest of the
    bytes sent or received (`digest`), and the receipt the receiver signed over that digest,
    which still verifies; the sender's signature, which verifies against the content if anyone
    still holds it. The content itself cannot be recovered from any of these.

    `before` limits it to the messages queued or received by then: what a destruction made at
    that time should have forgotten, not what the conversation carried afterwards (a notice of
    that destruction, say)."""
    ids = list(conversation_ids)
    done = []
    sent_ = OutboxMessage.objects.select_for_update().filter(conversation_id__in=ids)
    received = InboxMessage.objects.select_for_update().filter(conversation_id__in=ids)
    if before is not None:
        sent_ = sent_.filter(created_at__lte=before)
        received = received.filter(received_at__lte=before)
    for message in sent_.exclude(status=OutboxMessage.Status.PENDING).order_by("created_at"):
        if isinstance(message.payload, dict) and set(message.payload) == {"destroyed"}:
            continue  # forgotten already, by this destruction or an earlier one
        message.payload = {"destroyed": note}
        message.last_error = ""
        message.save(update_fields=["payload", "last_error"])
        path = body_path(message.pk)
        transaction.on_commit(lambda path=path: path.unlink(missing_ok=True))
        done.append(Forgotten(str(message.pk), message.kind, "out"))
    for message in received.order_by("received_at"):
        parts = message.signed.split(".")
        if len(parts) == 3 and parts[1] == "":
            continue  # forgotten already
        message.signed = f"{parts[0]}..{parts[-1]}" if len(parts) == 3 else ""
        message.save(update_fields=["signed"])
        done.append(Forgotten(str(message.message_id), message.kind, "in"))
    return done
