"""`channel_report`: a channel record sent to the other party, on its request or without one
(Art. 4, 8), and the reports this node receives, stored as they came.

The individuals travel as Art. 6 person records of an Art. 5 category; their phones are not an
Art. 6 field and stay on this node. Legal entities are not personal data and travel whole.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from pydantic import Field, ValidationError

from migrex.agreements.models import Agreement, Authority
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.cases.models import Case
from migrex.cases.workflow import Side
from migrex.channels.models import CATEGORIES, ROLES, Channel, ReceivedReport
from migrex.core.errors import invalid
from migrex.exchange import outbox
from migrex.exchange.kinds import Payload, Received
from migrex.exchange.models import OutboxMessage
from migrex.persons.schema import PersonData

KIND = "channel_report"
LABEL = _("report on an illegal-migration channel")
Role = Literal[tuple(code for code, _label in ROLES)]  # type: ignore[valid-type]
Category = Literal[tuple(code for code, _label in CATEGORIES)]  # type: ignore[valid-type]


class Period(Payload):
    start: dt.date | None = Field(None, alias="from")
    end: dt.date | None = Field(None, alias="to")


class ChannelPayload(Payload):
    name: str = Field(min_length=1, max_length=300, pattern=r"\S")
    description: str = ""
    route: list[str] = Field(default_factory=list, description="places or countries, in order")
    methods: str = Field("", description="methods of obtaining visas and documents (Art. 4)")
    period: Period = Field(default_factory=Period)


class EntityPayload(Payload):
    role: Role
    name: str = Field(min_length=1, max_length=500, pattern=r"\S")
    registration_number: str = ""
    country: str = ""
    address: str = ""
    phone: str = ""


class IndividualPayload(Payload):
    """A person with a role and nothing else: a phone is not an Art. 6 field."""

    role: Role
    category: Category
    data: dict


class ChannelReport(Payload):
    article: Literal["4"] = "4"
    in_reply_to: str | None = Field(None, description="the requester's number of the request")
    channel: ChannelPayload
    entities: list[EntityPayload] = Field(default_factory=list)
    individuals: list[IndividualPayload] = Field(default_factory=list)


def payload_of(channel: Channel, *, in_reply_to: Case | None = None) -> ChannelReport:
    return ChannelReport(
        in_reply_to=(in_reply_to.their_number or None) if in_reply_to else None,
        channel=ChannelPayload(
            name=channel.name,
            description=channel.description,
            route=list(channel.route),
            methods=channel.methods,
            period=Period(start=channel.active_from, end=channel.active_to),
        ),
        entities=[
            EntityPayload(
                role=e.role,
                name=e.name,
                registration_number=e.registration_number,
                country=e.country,
                address=e.address,
                phone=e.phone,
            )
            for e in channel.entities.all()
        ],
        individuals=[
            IndividualPayload(role=i.role, category=i.category, data=i.data)
            for i in channel.individuals.all()
        ],
    )


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
    own = actor.authority
    if in_reply_to is not None and (
        in_reply_to.owner_id != own.pk
        or in_reply_to.side != Side.REQUESTED
        or in_reply_to.agreement_id != agreement.pk
        or in_reply_to.requesting_authority_id != receiver.pk
    ):
        raise invalid(
            "request_mismatch",
            "Запрос, на который дан ответ, должен быть получен "
            "вашим органом от этого получателя по этому соглашению.",
            "The request answered must have come to your authority from this receiver under "
            "this agreement.",
            "8",
            "in_reply_to",
        )
    message = outbox.send(
        agreement=agreement.code,
        kind=KIND,
        sender=own,
        receiver=receiver,
        payload=payload_of(channel, in_reply_to=in_reply_to),
        conversation_id=in_reply_to.conversation_id if in_reply_to else None,
    )
    record(
        Action.CHANNELS_REPORT_SENT,
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


def _problems(report: ChannelReport) -> list[str]:
    """What the schema cannot say: every individual's record is of the Art. 6 form."""
    found = []
    for i, person in enumerate(report.individuals):
        try:
            PersonData.model_validate(person.data)
        except ValidationError as exc:
            found.append(f"individuals[{i}].data: {str(exc).splitlines()[0]} (Art. 6)")
    if any(not place.strip() for place in report.channel.route):
        found.append("channel.route: must be a list of places")
    return found


def receive(message: Received) -> ReceivedReport:
    """Store a report from the other party as it came; inside the inbox's transaction."""
    report: ChannelReport = message.payload
    if problems := _problems(report):
        detail = "; ".join(problems)
        raise invalid(
            "channel_report_invalid",
            f"Сведения о канале незаконной миграции: {detail}.",
            f"Illegal-migration channel report: {detail}.",
            "4",
            "payload",
        )
    kept = ReceivedReport.objects.create(
        message_id=message.message_id,
        conversation_id=message.conversation_id,
        agreement=message.agreement,
        sender_authority=message.sender_authority,
        receiver_authority=message.receiver_authority,
        payload=report.model_dump(mode="json", by_alias=True),
    )
    record(
        Action.CHANNELS_REPORT_RECEIVED,
        actor=message.sender_authority,
        subject=message.message_id,
        detail={  # never the channel's name: destruction erases it from the report (Art. 11.5)
            "individuals": len(report.individuals),
            "entities": len(report.entities),
        },
    )
    return kept
