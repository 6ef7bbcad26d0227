"""`channel_report`: a channel record sent to the other party, on its request or without one
(Art. 4, 8), and the reports this node receives, stored as they came.

The individuals travel as Art. 6 person records of an Art. 5 category; their phones are not an
Art. 6 field and stay on this node. Legal entities are not personal data and travel whole.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from migrex.agreements import dates
from migrex.agreements.models import Agreement, Authority
from migrex.agreements.selectors import directory
from migrex.audit.services import record
from migrex.cases.errors import Invalid, error
from migrex.cases.models import Case
from migrex.cases.workflow import Side
from migrex.channels.models import CATEGORIES, ROLES, Channel
from migrex.exchange.envelope import uuid7
from migrex.exchange.inbox import handles
from migrex.exchange.models import OutboxMessage
from migrex.persons.schema import PersonData

KIND = "channel_report"
_ROLES = {code for code, _label in ROLES}
_CATEGORIES = {code for code, _label in CATEGORIES}


def payload_of(channel: Channel, *, in_reply_to: Case | None = None) -> dict:
    return {
        "article": "4",
        "in_reply_to": (in_reply_to.their_number or None) if in_reply_to else None,
        "channel": {
            "name": channel.name,
            "description": channel.description,
            "route": list(channel.route),
            "methods": channel.methods,
            "period": {
                "from": channel.active_from.isoformat() if channel.active_from else None,
                "to": channel.active_to.isoformat() if channel.active_to else None,
            },
        },
        "entities": [
            {
                "role": e.role,
                "name": e.name,
                "registration_number": e.registration_number,
                "country": e.country,
                "address": e.address,
                "phone": e.phone,
            }
            for e in channel.entities.all()
        ],
        "individuals": [
            {"role": i.role, "category": i.category, "data": i.data}
            for i in channel.individuals.all()
        ],
    }


def _refused(code: str, ru: str, en: str, article: str, field: str) -> Invalid:
    return Invalid([error(code, ru, en, article, field)])


@transaction.atomic
def send_report(
    *,
    channel: Channel,
    actor,
    agreement: Agreement,
    receiver: Authority,
    in_reply_to: Case | None = None,
) -> OutboxMessage:
    """Queue the channel for the receiving authority through the outbox (Art. 4, 8, 9.1)."""
    terms = directory().terms(agreement.code)
    own = actor.authority
    if own is None or own.code not in terms.authorities:
        raise _refused(
            "not_competent",
            "Ваш орган не является компетентным органом по этому соглашению.",
            "Your authority is not a competent authority under this agreement.",
            "2",
            "agreement",
        )
    if receiver.code not in terms.authorities or receiver.party_id == own.party_id:
        raise _refused(
            "receiver_invalid",
            "Получатель должен быть компетентным органом другой Стороны.",
            "The receiver must be a competent authority of the other party.",
            "2",
            "receiver",
        )
    if not dates.is_in_force(terms.profile, timezone.localdate()):
        raise _refused(
            "agreement_not_in_force",
            "Соглашение не вступило в силу или прекратило действие: обмен невозможен.",
            "The agreement is not in force: nothing can be exchanged under it.",
            "17",
            "agreement",
        )
    if in_reply_to is not None and (
        in_reply_to.owner_id != own.pk
        or in_reply_to.side != Side.REQUESTED
        or in_reply_to.agreement_id != agreement.pk
        or in_reply_to.requesting_authority_id != receiver.pk
    ):
        raise _refused(
            "request_mismatch",
            "Запрос, на который дан ответ, должен быть получен "
            "вашим органом от этого получателя по этому соглашению.",
            "The request "
            "answered must have come to your authority from this receiver under this "
            "agreement.",
            "8",
            "in_reply_to",
        )
    message = OutboxMessage.objects.create(
        agreement=agreement.code,
        conversation_id=in_reply_to.conversation_id if in_reply_to else uuid7(),
        kind=KIND,
        sender_authority=own.code,
        receiver_authority=receiver.code,
        receiver_party=receiver.party_id,
        payload=payload_of(channel, in_reply_to=in_reply_to),
    )
    record(
        "channels.report_sent",
        actor=actor.username,
        subject=f"channel:{channel.pk}",
        detail={
            "message": str(message.id),
            "receiver": receiver.code,
            "in_reply_to": in_reply_to.number if in_reply_to else None,
            "individuals": len(message.payload["individuals"]),
            "entities": len(message.payload["entities"]),
        },
    )
    return message


def _problems(body) -> list[str]:
    if not isinstance(body, dict) or not isinstance(body.get("channel"), dict):
        return ["no channel object (channel)"]
    found = []
    channel = body["channel"]
    if not str(channel.get("name") or "").strip():
        found.append("channel.name: the channel has no name")
    route = channel.get("route", [])
    if not isinstance(route, list) or not all(isinstance(p, str) and p.strip() for p in route):
        found.append("channel.route: must be a list of places")
    for i, e in enumerate(_list(body, "entities", found)):
        if not isinstance(e, dict) or not str(e.get("name") or "").strip():
            found.append(f"entities[{i}].name: missing")
        elif e.get("role") not in _ROLES:
            found.append(f"entities[{i}].role: unknown role {e.get('role')!r}")
    for i, p in enumerate(_list(body, "individuals", found)):
        if not isinstance(p, dict) or p.get("category") not in _CATEGORIES:
            found.append(f"individuals[{i}].category: not an Art. 5 category")
            continue
        if p.get("role") not in _ROLES:
            found.append(f"individuals[{i}].role: unknown role {p.get('role')!r}")
        extra = set(p) - {"role", "category", "data"}
        if extra:  # a phone or anything else outside the Art. 6 list
            found.append(f"individuals[{i}]: fields outside Art. 6: {', '.join(sorted(extra))}")
        try:
            PersonData.model_validate(p.get("data"))
        except ValueError as exc:
            found.append(f"individuals[{i}].data: {str(exc).splitlines()[0]} (Art. 6)")
    return found


def _list(body: dict, key: str, found: list[str]) -> list:
    value = body.get(key, [])
    if isinstance(value, list):
        return value
    found.append(f"{key}: must be a list")
    return []


@handles(KIND)
def receive(envelope: dict):
    """Store a report from the other party as it came; inside the inbox's transaction."""
    from migrex.channels.models import ReceivedReport

    if problems := _problems(envelope["payload"]):
        detail = "; ".join(problems)
        raise Invalid(
            [
                error(
                    "channel_report_invalid",
                    f"Сведения о канале незаконной миграции: {detail}.",
                    f"Illegal-migration channel report: {detail}.",
                    "4",
                    "payload",
                )
            ]
        )
    report = ReceivedReport.objects.create(
        message_id=envelope["message_id"],
        conversation_id=envelope["conversation_id"],
        agreement=envelope["agreement"],
        sender_authority=envelope["sender_authority"],
        receiver_authority=envelope["receiver_authority"],
        payload=envelope["payload"],
    )
    record(
        "channels.report_received",
        actor=envelope["sender_authority"],
        subject=envelope["message_id"],
        detail={
            "channel": report.payload["channel"]["name"],
            "individuals": len(report.payload.get("individuals", [])),
            "entities": len(report.payload.get("entities", [])),
        },
    )
    return report
