"""The payloads of the request workflow's messages (docs/protocol.md §13.1), one schema each kind
uses, and how a move builds the one it sends.

`request` and `spontaneous` carry the whole request (Art. 9.2) with its persons (Art. 5, 6),
attachments and signatory (Art. 9.3); `registered` the requested side's number and dates
(Art. 10.1, 10.3); `postponed` its reason and term (Art. 10.2); `confirmation` the question it
answers and its signatory (Art. 9.5, 9.3); `forwarded` the authority now holding the request
(Art. 2); every other kind the written part of the move, with the refusal grounds of `refusal`
and `partial_answer` (Art. 10.4), the persons an answer provides, and the files attached to a
question, to the information given in reply, to an answer or to a refusal.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Literal

from pydantic import Field

from migrex.cases.errors import AttachmentUnreadable
from migrex.cases.models import Attachment, Case
from migrex.cases.validation import (
    MAX_ATTACHMENTS,
    MAX_CONDITION,
    MAX_MOVE_TEXT,
    MAX_PERSONS,
    MAX_TEXT,
)
from migrex.core import vault
from migrex.exchange.kinds import Payload
from migrex.persons.schema import Person


class AttachmentPayload(Payload):
    name: str = Field(min_length=1, max_length=255, pattern=r"^[^\r\n]*$")  # no line breaks
    kind: Literal["document", "photo", "fingerprint_card"]
    content_type: str = Field(max_length=100, pattern=r"^[^\r\n]*$")
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    content: str = Field(description="the file in base64 (RFC 4648 §4)")


class Signatory(Payload):
    name: str = Field(max_length=300)
    position: str = Field(max_length=300)
    signed_at: dt.datetime
    key_id: str = Field(
        "", max_length=64, description="RFC 7638 thumbprint of the signatory's key (Art. 9.3)"
    )
    signature: str = Field(
        "",
        max_length=1024,
        description="The signatory's detached JWS over the request's canonical content "
        "(docs/protocol.md §13.1, the request's signature); a request without one is refused",
    )


class RequestPayload(Payload):
    """`request` (Art. 9) and `spontaneous` (Art. 8)."""

    number: str = Field(max_length=64)
    kind: Literal["request", "spontaneous"]
    requesting_authority: str
    requested_authority: str
    summary: str = Field(max_length=MAX_TEXT["summary"])
    purpose: str = Field(max_length=MAX_TEXT["purpose"])
    justification: str = Field(max_length=MAX_TEXT["justification"])
    other_information: str = Field(max_length=MAX_TEXT["other_information"])
    topics: list[str] = Field(max_length=50)
    confidential: bool
    persons: list[Person] = Field(max_length=MAX_PERSONS)
    attachments: list[AttachmentPayload] = Field(max_length=MAX_ATTACHMENTS)
    signatory: Signatory


class RegisteredPayload(Payload):
    """`registered`: the requested side's number and its 30-day period (Art. 10.1, 10.3)."""

    number: str = Field(max_length=64)
    received_on: dt.date
    due_date: dt.date


class TextPayload(Payload):
    """Every other kind: the written part of the move, and any persons it provides."""

    text: str = Field("", max_length=MAX_MOVE_TEXT)
    persons: list[Person] = Field(default_factory=list, max_length=MAX_PERSONS)


class FilesPayload(TextPayload):
    """`information_requested`, `information` and `answer`: the written part, the persons, and
    the files attached to it (rules.attachments holds them to a request's limits)."""

    attachments: list[AttachmentPayload] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class RefusalPayload(FilesPayload):
    """`refusal` and `partial_answer`: the grounds of the agreement's list (Art. 10.4); the
    reasons are `text`."""

    grounds: list[str] = Field(max_length=50)


class PostponedPayload(Payload):
    """`postponed`: the reason (`text`), and until when or on what condition execution waits, at
    least one of the two (Art. 10.2; rules.postponed)."""

    text: str = Field("", max_length=MAX_MOVE_TEXT)
    until: dt.date | None = None
    condition: str = Field("", max_length=MAX_CONDITION)


class ConfirmationPayload(Payload):
    """`confirmation`: the requester confirms its request (Art. 9.5), in reply to the question
    (`in_reply_to`: the message id of the `confirmation_request`), signed by an authorised
    person as the request is (Art. 9.3)."""

    text: str = Field("", max_length=MAX_MOVE_TEXT)
    in_reply_to: uuid.UUID
    signatory: Signatory


class ForwardedPayload(Payload):
    """`forwarded`: the request went to another competent authority of the requested party
    (Art. 2), which executes it from now on."""

    authority: str = Field(min_length=1, max_length=64)
    text: str = Field("", max_length=MAX_MOVE_TEXT)


def request(case: Case, event, data: dict, *, files: bool = True) -> RequestPayload:
    """What `sign` sends: the request as signed (`data`: the signature `sign` made; without
    `files`, the attachments without their content, which the signature covers by digest)."""
    return RequestPayload(
        number=case.number,
        kind=case.kind,
        requesting_authority=case.requesting_authority.code,
        requested_authority=case.requested_authority.code,
        summary=case.summary,
        purpose=case.purpose,
        justification=case.justification,
        other_information=case.other_information,
        topics=case.topics,
        confidential=case.confidential,
        persons=[Person(category=p.category, data=p.data) for p in case.persons.filter(event=None)],
        attachments=[_attachment(a, files) for a in case.attachments.filter(event=None)],
        signatory=Signatory(
            name=case.signatory_name,
            position=case.signatory_position,
            signed_at=case.signed_at,
            key_id=data.get("key_id", ""),
            signature=data.get("signature", ""),
        ),
    )


def registered(case: Case, event, data: dict) -> RegisteredPayload:
    return RegisteredPayload(
        number=case.number, received_on=case.received_on, due_date=case.due_date
    )


def text(case: Case, event, data: dict) -> TextPayload:
    return TextPayload(text=data.get("text", ""), persons=data.get("persons") or [])


def with_files(case: Case, event, data: dict) -> FilesPayload:
    return FilesPayload(
        text=data.get("text", ""), persons=data.get("persons") or [], attachments=_files(event)
    )


def refusal(case: Case, event, data: dict) -> RefusalPayload:
    return RefusalPayload(
        text=data.get("text", ""),
        grounds=list(data.get("grounds") or []),
        persons=data.get("persons") or [],
        attachments=_files(event),
    )


def _files(event) -> list[AttachmentPayload]:
    """The files stored with the move's history entry (services.transition)."""
    return [] if event is None else [_attachment(a) for a in event.attachments.all()]


def postponed(case: Case, event, data: dict) -> PostponedPayload:
    return PostponedPayload(
        text=data.get("text", ""),
        until=data.get("until") or None,
        condition=data.get("condition", ""),
    )


def confirmation(case: Case, event, data: dict) -> ConfirmationPayload:
    return ConfirmationPayload(
        text=data.get("text", ""),
        in_reply_to=data["in_reply_to"],
        signatory=Signatory(**data["signatory"]),
    )


def forwarded(case: Case, event, data: dict) -> ForwardedPayload:
    return ForwardedPayload(authority=data["authority"], text=data.get("text", ""))


def _attachment(a: Attachment, files: bool = True) -> AttachmentPayload:
    try:
        content = vault.read(a) if files else b""  # the envelope encrypts it again for the peer
    except vault.Unreadable as exc:
        raise AttachmentUnreadable(attachment=a, reason=str(exc)) from exc
    return AttachmentPayload(
        name=a.name,
        kind=a.kind,
        content_type=a.content_type,
        sha256=a.sha256,
        content=base64.b64encode(content).decode("ascii"),
    )
