"""What the register services share: checks against the agreement, the outbox, file payloads."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import uuid

from django.conf import settings

from migrex.agreements import dates
from migrex.agreements.models import Agreement, Authority
from migrex.agreements.selectors import directory, profile_of
from migrex.cases.errors import Invalid, error
from migrex.exchange.models import OutboxMessage

# A text or a form sample travels inside its envelope, base64-encoded (docs/protocol.md §13).
MAX_FILE_BYTES = 4 * 1024 * 1024


def fail(code: str, ru: str, en: str, article: str, field: str) -> Invalid:
    return Invalid([error(code, ru, en, article, field)])


def our_party() -> str:
    return settings.MIGREX_PARTY


def require_member(agreement: Agreement, authority: Authority | None, *, field: str) -> None:
    """The authority is a competent authority under the agreement (Art. 2)."""
    if authority is None or authority.code not in directory().terms(agreement.code).authorities:
        raise fail(
            "not_competent",
            "Орган не является компетентным органом по этому соглашению.",
            "The authority is not a competent authority under this agreement.",
            "2",
            field,
        )


def require_in_force(agreement: Agreement, today: dt.date) -> None:
    """Nothing travels under an agreement that is not in force (Art. 17)."""
    if not dates.is_in_force(profile_of(agreement), today):
        raise fail(
            "agreement_not_in_force",
            f"Соглашение {agreement.code} не действует на {today:%d.%m.%Y}: обмен невозможен.",
            f"Agreement {agreement.code} is not in force on {today}: nothing can be sent.",
            "17",
            "agreement",
        )


def other_authorities(agreement: Agreement, party: str) -> list[Authority]:
    members = directory().terms(agreement.code).authorities.values()
    return sorted((a for a in members if a.party_id != party), key=lambda a: a.code)


def send_to_other_party(
    *, agreement: Agreement, kind: str, sender: Authority, payload: dict, conversation_id
) -> list[OutboxMessage]:
    """The same notice to every competent authority of the other party, under one conversation
    (the receiver keeps it once)."""
    return [
        OutboxMessage.objects.create(
            agreement=agreement.code,
            conversation_id=conversation_id,
            kind=kind,
            sender_authority=sender.code,
            receiver_authority=receiver.code,
            receiver_party=receiver.party_id,
            payload=payload,
        )
        for receiver in other_authorities(agreement, sender.party_id)
    ]


def new_conversation() -> uuid.UUID:
    return uuid.uuid4()


def file_payload(*, name: str, content_type: str, content: bytes) -> dict:
    return {
        "name": name,
        "content_type": content_type,
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": base64.b64encode(content).decode("ascii"),
    }


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
