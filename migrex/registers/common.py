"""What the register services share: checks against the agreement, the outbox, file payloads."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import uuid

from pydantic import Field

from migrex.agreements.models import Agreement, Authority
from migrex.agreements.selectors import directory
from migrex.core.errors import Invalid, error
from migrex.exchange import outbox
from migrex.exchange.kinds import Payload
from migrex.exchange.models import OutboxMessage

# A text or a form sample travels inside its envelope, base64-encoded (docs/protocol.md §13).
MAX_FILE_BYTES = 4 * 1024 * 1024


def fail(code: str, ru: str, en: str, article: str, field: str) -> Invalid:
    return Invalid([error(code, ru, en, article, field)])


def other_authorities(agreement: Agreement, party: str) -> list[Authority]:
    members = directory().terms(agreement.code).authorities.values()
    return sorted((a for a in members if a.party_id != party), key=lambda a: a.code)


def check_route(agreement: Agreement, sender: Authority | None, today: dt.date | None) -> None:
    """The notice can travel to the other party (exchange.outbox: agreement in force, Art. 17;
    competent authorities, Art. 2; a peer node), before anything is recorded."""
    receivers = other_authorities(agreement, sender.party_id) if sender else []
    if sender is None or not receivers:
        raise fail(
            "unknown_authority",
            "Орган не является компетентным органом по этому соглашению.",
            "The authority is not a competent authority under this agreement.",
            "2",
            "authority",
        )
    for receiver in receivers:
        outbox.check_route(
            agreement.code, sender, receiver, today=today, fields={"sender": "authority"}
        )


def send_to_other_party(
    *, agreement: Agreement, kind: str, sender: Authority, payload: Payload, conversation_id
) -> list[OutboxMessage]:
    """The same notice to every competent authority of the other party, under one conversation
    (the receiver keeps it once)."""
    return [
        outbox.send(
            agreement=agreement.code,
            kind=kind,
            sender=sender,
            receiver=receiver,
            payload=payload,
            conversation_id=conversation_id,
        )
        for receiver in other_authorities(agreement, sender.party_id)
    ]


def new_conversation() -> uuid.UUID:
    return uuid.uuid4()


class FilePayload(Payload):
    """A file inside a payload (docs/protocol.md §13.6)."""

    name: str = Field(min_length=1, max_length=255)
    content_type: str = Field(max_length=100)
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    content: str = Field(description="base64 of at most 4 MB")


def file_payload(*, name: str, content_type: str, content: bytes) -> FilePayload:
    return FilePayload(
        name=name[:255],
        content_type=content_type[:100],
        sha256=hashlib.sha256(content).hexdigest(),
        content=base64.b64encode(content).decode("ascii"),
    )


def file_from_payload(item, *, article: str, field: str) -> tuple[str, str, bytes]:
    """(name, content type, content) of a file member; Invalid naming what is wrong."""

    def bad(what_ru: str, what_en: str) -> Invalid:
        return fail(
            "file_invalid",
            f"Файл ({field}): {what_ru}.",
            f"File ({field}): {what_en}.",
            article,
            field,
        )

    if not isinstance(item, dict) or not isinstance(item.get("content"), str):
        raise bad("нет содержимого (content)", "no content")
    try:
        content = base64.b64decode(item["content"], validate=True)
    except (binascii.Error, ValueError):
        raise bad("содержимое не в base64", "content is not base64") from None
    if len(content) > MAX_FILE_BYTES:
        raise bad("больше 4 МБ", "larger than 4 MB")
    if hashlib.sha256(content).hexdigest() != item.get("sha256"):
        raise bad("не совпадает SHA-256", "SHA-256 does not match")
    name = str(item.get("name") or "file")[:255]
    return name, str(item.get("content_type") or "application/octet-stream")[:100], content


def parse_date(
    value,
    *,
    code: str,
    label_ru: str,
    label_en: str,
    article: str,
    field: str,
    required: bool = True,
) -> dt.date | None:
    if value in (None, "") and not required:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise fail(
            code,
            f"{label_ru} ({field}): нужна дата в формате ГГГГ-ММ-ДД.",
            f"{label_en} ({field}): a date as YYYY-MM-DD is required.",
            article,
            field,
        ) from None
