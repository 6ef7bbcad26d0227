"""What supervisors see of the exchange: their authority's outgoing messages by status, the ones
that need a person (undeliverable, refused by the peer, still retrying), and a way to send an
undeliverable message again once the cause is fixed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from migrex.agreements.selectors import directory
from migrex.audit.services import record
from migrex.cases.models import Case
from migrex.core.errors import MigrexError
from migrex.exchange.models import OutboxMessage

Status = OutboxMessage.Status
NEEDS_A_PERSON = Q(status__in=[Status.UNDELIVERABLE, Status.REFUSED]) | Q(
    status=Status.PENDING, attempts__gt=0
)


# What each message kind tells the other party: the `emits` of cases/workflow.py, datasets, and
# the kinds with an inbox handler of their own (retention/notices.py, audit/checkpoints.py,
# persons/consents.py). docs/protocol.md §13 lists them with their payloads.
KINDS = {
    "request": _("request"),
    "spontaneous": _("information without a request"),
    "acknowledged": _("acknowledgement of receipt"),
    "registered": _("notice of registration"),
    "information_requested": _("request for additional information"),
    "information": _("additional information"),
    "postponed": _("notice of postponement"),
    "resumed": _("notice of resumption"),
    "obstacle": _("notice of an obstacle"),
    "conditions": _("proposed conditions"),
    "conditions_accepted": _("conditions accepted"),
    "conditions_declined": _("conditions declined"),
    "confidentiality_impossible": _("confidentiality cannot be kept"),
    "proceed": _("decision to proceed"),
    "partial_answer": _("partial answer"),
    "answer": _("answer"),
    "refusal": _("refusal"),
    "withdrawal": _("withdrawal of the request"),
    "confirmation_request": _("request to confirm"),
    "confirmation": _("confirmation"),
    "dataset": _("dataset of persons"),
    "consent_request": _("request for consent"),
    "consent_decision": _("decision on consent"),
    "destruction_notice": _("notice of destruction"),
    "statistics": _("statistical information"),
    "legislation_notice": _("notice of a change in legislation"),
    "authority_notice": _("notice of a change of authorities or signatories"),
    "audit_checkpoint": _("audit checkpoint"),
    "channel_report": _("report on an illegal-migration channel"),
}


@dataclass(frozen=True)
class Row:
    message: OutboxMessage
    case: Case | None

    @property
    def kind(self) -> str:
        return str(KINDS.get(self.message.kind, self.message.kind))

    @property
    def receiver(self):
        known = directory().authorities.get(self.message.receiver_authority)
        return known or self.message.receiver_authority


def mine(user):
    return OutboxMessage.objects.filter(sender_authority=user.authority.code)


def summary(user) -> dict[str, int]:
    counts = dict(mine(user).values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in Status.values}


def undeliverable(user) -> int:
    return mine(user).filter(status=Status.UNDELIVERABLE).count()


def attention(user, limit: int = 200) -> list[Row]:
    messages = list(mine(user).filter(NEEDS_A_PERSON).order_by("-created_at")[:limit])
    cases = {
        c.conversation_id: c
        for c in Case.objects.filter(
            conversation_id__in={m.conversation_id for m in messages},
            owner=user.authority,
        )
    }
    return [Row(m, cases.get(m.conversation_id)) for m in messages]


@transaction.atomic
def requeue(user, message_id) -> OutboxMessage:
    """Deliver an undeliverable message again, from its first attempt."""
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
        "message.requeued",
        actor=user.username,
        subject=str(message.pk),
        detail={"kind": message.kind, "last_error": previous},
    )
    return message
