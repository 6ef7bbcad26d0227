"""What supervisors see of the exchange: their authority's outgoing messages by status, the ones
that need a person (undeliverable, refused by the peer, still retrying), and a way to send an
undeliverable message again once the cause is fixed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q

from migrex.agreements.models import Authority
from migrex.agreements.selectors import directory
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core.errors import MigrexError
from migrex.core.web import Link
from migrex.exchange import kinds
from migrex.exchange.models import OutboxMessage

Status = OutboxMessage.Status
NEEDS_A_PERSON = Q(status__in=[Status.UNDELIVERABLE, Status.REFUSED]) | Q(
    status=Status.PENDING, attempts__gt=0
)


# The apps whose conversations have a page (the cases app): each finds, among conversation ids
# of an authority, those that are its own, as {conversation id: Link}.
_linkers: list[Callable[[set, int], dict]] = []


def links_conversations(finder: Callable[[set, int], dict]) -> None:
    """Register a finder of conversation pages (in the app's ready())."""
    if finder not in _linkers:
        _linkers.append(finder)


@dataclass(frozen=True)
class Row:
    message: OutboxMessage
    link: Link | None

    @property
    def kind(self) -> str:
        return kinds.label(self.message.kind)

    @property
    def receiver(self):
        known = directory().authorities.get(self.message.receiver_authority)
        return known or self.message.receiver_authority


def mine(user):
    """The messages the officer's authority sent; its code read in the same statement."""
    code = Authority.objects.filter(pk=user.authority_id).values("code")
    return OutboxMessage.objects.filter(sender_authority__in=code)


def summary(user) -> dict[str, int]:
    counts = dict(mine(user).values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in Status.values}


def undeliverable(user) -> int:
    return mine(user).filter(status=Status.UNDELIVERABLE).count()


def attention(user, limit: int = 200) -> list[Row]:
    messages = list(mine(user).filter(NEEDS_A_PERSON).order_by("-created_at")[:limit])
    found: dict = {}
    for finder in _linkers:
        found.update(finder({m.conversation_id for m in messages}, user.authority_id))
    return [Row(m, found.get(m.conversation_id)) for m in messages]


@transaction.atomic
def requeue(user, message_id) -> OutboxMessage:
    """Deliver an undeliverable message again, from its first attempt."""
    try:
        message_id = uuid.UUID(str(message_id))
    except ValueError:
        raise MigrexError(
            code="message_id_invalid",
            message_ru="Сообщение не указано: нужен его идентификатор.",
            message_en="No message given: its identifier is needed.",
            field="message",
        ) from None
    message = mine(user).select_for_update().filter(pk=message_id).first()
    if message is None or message.status != Status.UNDELIVERABLE:
        raise MigrexError(
            code="not_undeliverable",
            message_ru="Повторно отправляется только недоставленное сообщение.",
            message_en="Only an undeliverable message can be sent again.",
        )
    previous = message.last_error
    message.status, message.attempts, message.next_attempt_at = Status.PENDING, 0, None
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    record(
        Action.MESSAGE_REQUEUED,
        actor=user.username,
        subject=str(message.pk),
        detail={"kind": message.kind, "last_error": previous},
    )
    return message
