"""Notices of destruction between the parties: this node tells a provider that it destroyed the
data the provider had passed (a node setting, MIGREX_RETENTION_NOTIFY_PROVIDER: Art. 11.5 leaves
destruction to each state's law and asks for no notice), and records the notices it receives."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import Field

from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core.errors import invalid
from migrex.exchange import outbox
from migrex.exchange.kinds import Payload, Received
from migrex.exchange.models import OutboxMessage
from migrex.retention.models import ReceivedNotice

KIND = "destruction_notice"
LABEL = _("notice of destruction")


class Period(Payload):
    days: int | None = None
    months: int | None = None
    counted_from: Literal["case-closed", "purpose-ended"] = Field(alias="from")


ITEM_KINDS = ("case_person", "attachment", "dataset_records")  # what a notice tells


class Item(Payload):
    kind: Literal["case_person", "attachment", "dataset_records"]
    item_kind: str = ""
    count: int = Field(ge=0)
    sha256: str = Field(pattern="^[0-9a-f]{64}$")


class DestructionNotice(Payload):
    act: str = Field(min_length=1, max_length=40, pattern=r"\S")
    destroyed_on: dt.date
    article: Literal["11.5"] = "11.5"
    basis: str = Field(min_length=1, pattern=r"\S")
    period: Period
    reference: dict[str, str]
    items: list[Item]


def send(holding, stones, the_act) -> OutboxMessage:
    """One notice per case or dataset, to the authority that provided its data."""
    if holding.case is not None:
        case = holding.case
        own, provider, conversation = case.owner, case.other_authority, case.conversation_id
        reference = {"case": case.number, "their_number": case.their_number}
    else:
        ds = holding.dataset
        own, provider, conversation = ds.recipient, ds.provider, ds.conversation_id
        reference = {"dataset": str(ds.message_id), "title": ds.title}
    rule = holding.rule
    return outbox.send(
        agreement=holding.agreement.code,
        kind=KIND,
        sender=own,
        receiver=provider,
        payload=DestructionNotice(
            act=the_act.number,
            destroyed_on=timezone.localdate(the_act.made_at),
            basis=rule.basis,
            period=Period(days=rule.days, months=rule.months, counted_from=rule.counted_from),
            reference=reference,
            items=[
                Item(kind=s.kind, item_kind=s.item_kind, count=s.count, sha256=s.sha256)
                for s in stones
            ],
        ),
        conversation_id=conversation,
    )


def receive(message: Received) -> ReceivedNotice:
    """Record a notice from the other party; inside the inbox's transaction."""
    body: DestructionNotice = message.payload
    if not body.items:
        raise invalid(
            "notice_invalid",
            "Уведомление об уничтожении: нет списка уничтоженных элементов (items).",
            "Destruction notice: no items destroyed.",
            "11.5",
            "payload.items",
        )
    notice = ReceivedNotice.objects.create(
        message_id=message.message_id,
        conversation_id=message.conversation_id,
        agreement=message.agreement,
        sender_authority=message.sender_authority,
        receiver_authority=message.receiver_authority,
        act_number=body.act,
        destroyed_on=body.destroyed_on,
        basis=body.basis,
        items=[item.model_dump(mode="json") for item in body.items],
    )
    record(
        Action.RETENTION_NOTICE_RECEIVED,
        actor=message.sender_authority,
        subject=message.message_id,
        detail={"act": notice.act_number, "items": len(notice.items)},
    )
    return notice
