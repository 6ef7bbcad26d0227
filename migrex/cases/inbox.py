"""What the other party's messages of the request workflow do here (registered with the exchange
for every kind of actions.KINDS): a `request` or `spontaneous` opens the requested side's copy of
the case; every other kind is the other side's move on the case of the same conversation, made
through services.transition() with the actor PEER. Runs inside the inbox's transaction: a message
refused here leaves nothing behind."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from migrex.agreements.models import Authority
from migrex.agreements.selectors import directory
from migrex.cases import rules, services, signatures, validation
from migrex.cases.errors import IllegalMove
from migrex.cases.messages import AttachmentPayload, RequestPayload
from migrex.cases.models import Attachment, Case, owned_by
from migrex.cases.services import Peer
from migrex.cases.workflow import Kind, Side, State
from migrex.core import vault
from migrex.exchange.kinds import Received


@transaction.atomic(savepoint=False)  # in the inbox's savepoint for the message: no second one
def receive(message: Received) -> Case:
    known = directory()
    sender = known.authority(message.sender_authority)
    receiver = known.authority(message.receiver_authority)
    peer = Peer(authority=sender, message_id=uuid.UUID(message.message_id))
    if message.kind in ("request", "spontaneous"):
        return _open(message, message.payload, sender, receiver, peer)
    case = Case.objects.filter(owned_by(receiver.pk), conversation_id=message.conversation_id)
    case = case.first() or _forwarded_from(receiver, message.conversation_id)
    if case is None:
        raise IllegalMove(
            code="unknown_conversation",
            message_ru="Сообщение относится к неизвестной переписке.",
            message_en="The message belongs to no known conversation.",
            article="9.1",
            field="conversation_id",
        )
    data = message.payload.model_dump(mode="json")
    return services.transition(case=case, action=message.kind, actor=peer, data=data)


def _forwarded_from(receiver: Authority, conversation_id: str) -> Case | None:
    """The case `receiver` forwarded to another competent authority of this node (Art. 2), for a
    message the requester addressed to it before it learnt of the forwarding."""
    return Case.objects.filter(
        conversation_id=conversation_id,
        side=Side.REQUESTED,
        events__action="forward",
        events__data__from=receiver.code,
    ).first()


def _open(
    message: Received, body: RequestPayload, sender: Authority, receiver: Authority, peer: Peer
) -> Case:
    """The requested side's copy of a request or of information without a request, once the
    request keeps the agreement's rules (rules.request, as its sender ran them) in a
    conversation of its own."""
    terms = directory().terms(message.agreement)
    rules.check(message.kind, terms.profile, body.model_dump(mode="json"))
    # A conversation id this node has seen or used is refused before (exchange/inbox.py).
    signed = signatures.verified(terms.agreement, body, sender)  # Art. 9.3
    tz = validation.party_timezone(receiver.party)
    now = timezone.now()
    received_on = timezone.localtime(now, tz).date()  # Art. 10.3: receiving party
    kind = Kind.SPONTANEOUS if message.kind == "spontaneous" else Kind.REQUEST
    case = Case(
        conversation_id=message.conversation_id,
        side=Side.REQUESTED,
        kind=kind,
        status=State.RECEIVED,
        agreement=terms.agreement,
        their_number=body.number,
        requesting_authority=sender,
        requested_authority=receiver,
        owner=receiver,
        summary=body.summary,
        purpose=body.purpose,
        justification=body.justification,
        other_information=body.other_information,
        topics=body.topics,
        confidential=body.confidential,
        signatory_name=body.signatory.name,
        signatory_position=body.signatory.position,
        signed_at=body.signatory.signed_at,
        received_on=received_on,
        due_date=validation.due_date(terms.profile, received_on) if kind == Kind.REQUEST else None,
        news_at=now,  # its opening entry's, news to its officers (services.opened)
    )
    persons = [p.model_dump() for p in body.persons]
    stored = [_stored(case, item) for item in body.attachments]
    services.opened(case, peer, persons=persons, signed=signed, attachments=stored)
    return case


def _stored(case: Case, item: AttachmentPayload) -> Attachment:
    """The attachment's row, not yet saved (services.opened saves it with its case), and its
    content sealed in the vault: a file the inbox removes should the message be refused, or its
    batch fail (core/vault.discarded_on_failure)."""
    # rules.attachments refused a bad one already; checked again should that rule change
    content = validation.received_file(item.model_dump())
    attachment = Attachment(
        case=case, kind=item.kind, name=item.name, content_type=item.content_type
    )
    vault.store(attachment, content)  # ciphertext on disk, a key of its own (Art. 11.4)
    return attachment
