"""Notices of destruction between the parties: this node tells a provider that it destroyed the
data the provider had passed (a node setting, MIGREX_RETENTION_NOTIFY_PROVIDER: Art. 11.5 leaves
destruction to each state's law and asks for no notice), and records the notices it receives."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from migrex.audit.services import record
from migrex.cases.errors import Invalid, error
from migrex.exchange.inbox import handles
from migrex.exchange.models import OutboxMessage

KIND = "destruction_notice"


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
    return OutboxMessage.objects.create(
        agreement=holding.agreement.code,
        conversation_id=conversation,
        kind=KIND,
        sender_authority=own.code,
        receiver_authority=provider.code,
        receiver_party=provider.party_id,
        payload={
            "act": the_act.number,
            "destroyed_on": timezone.localdate(the_act.made_at).isoformat(),
            "article": "11.5",
            "basis": rule.basis,
            "period": {"days": rule.days, "months": rule.months, "from": rule.counted_from},
            "reference": reference,
            "items": [
                {"kind": s.kind, "item_kind": s.item_kind, "count": s.count, "sha256": s.sha256}
                for s in stones
            ],
        },
    )


def _invalid(what: str) -> Invalid:
    return Invalid(
        [
            error(
                "notice_invalid",
                f"Уведомление об уничтожении: {what}.",
                f"Destruction notice: {what}.",
                "11.5",
                "payload",
            )
        ]
    )


@handles(KIND)
def receive(envelope: dict):
    """Record a notice from the other party; inside the inbox's transaction."""
    from migrex.retention.models import ReceivedNotice

    body = envelope["payload"]
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise _invalid("нет списка уничтоженных элементов (items)")
    if not str(body.get("act", "")).strip() or not str(body.get("basis", "")).strip():
        raise _invalid("нет номера акта (act) или правового основания (basis)")
    try:
        destroyed_on = dt.date.fromisoformat(str(body.get("destroyed_on")))
    except ValueError:
        raise _invalid("дата уничтожения (destroyed_on) не в формате ГГГГ-ММ-ДД") from None
    notice = ReceivedNotice.objects.create(
        message_id=envelope["message_id"],
        conversation_id=envelope["conversation_id"],
        agreement=envelope["agreement"],
        sender_authority=envelope["sender_authority"],
        receiver_authority=envelope["receiver_authority"],
        act_number=str(body["act"])[:40],
        destroyed_on=destroyed_on,
        basis=str(body["basis"]),
        items=body["items"],
    )
    record(
        "retention.notice_received",
        actor=envelope["sender_authority"],
        subject=envelope["message_id"],
        detail={"act": notice.act_number, "items": len(notice.items)},
    )
    return notice
