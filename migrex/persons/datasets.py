"""Datasets of persons (Art. 3, 5, 6): many Art. 6 records sent in one message, with one purpose
(Art. 11.2). The records travel as JSON Lines after the envelope, streamed in encrypted frames
(docs/protocol.md §8.2): neither node holds the whole list in memory, and the receiver stores the
records a chunk at a time out of sight, then makes them visible at once (persons/staging.py), so
a dataset arrives whole or not at all."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from pydantic import Field

from migrex.agreements.selectors import directory
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core.errors import invalid
from migrex.exchange import outbox
from migrex.exchange.kinds import Payload, Received, StreamedBody
from migrex.exchange.models import OutboxMessage
from migrex.exchange.streams import Lines
from migrex.persons import staging
from migrex.persons.rules import clean_persons

KIND = "dataset"
LABEL = _("dataset of persons")
FORMAT = "application/x-ndjson"
CHUNK = 2000  # records validated and written at a time
MAX_TEXT = 500


class DatasetPayload(Payload):
    """The envelope's description of a dataset; its records follow in the body."""

    title: str = Field(min_length=1, max_length=MAX_TEXT)
    purpose: str = Field(min_length=1, max_length=MAX_TEXT, description="Art. 11.2")
    category: str = Field(description="the Art. 5 category of every person listed")
    records: int = Field(ge=1)
    body: StreamedBody


def _objects(lines: Iterable[bytes], first: int = 1) -> Iterator[list[tuple[int, object]]]:
    """(line number, parsed JSON) in chunks of CHUNK; a line that is not JSON is an error."""
    chunk: list[tuple[int, object]] = []
    for number, line in enumerate(lines, first):
        if not line.strip():
            continue
        try:
            chunk.append((number, json.loads(line)))
        except ValueError as exc:
            raise invalid(
                "not_json",
                f"Строка {number}: не JSON ({exc}).",
                f"Line {number}: not JSON ({exc}).",
                "6",
                f"line {number}",
            ) from None
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _clean(chunk: list[tuple[int, object]], category: str, profile) -> list[dict]:
    for number, obj in chunk:
        if not isinstance(obj, dict):
            raise invalid(
                "not_an_object",
                f"Строка {number}: ожидается объект с полями статьи 6.",
                f"Line {number}: an object of Art. 6 fields is expected.",
                "6",
                f"line {number}",
            )
    persons = [{"category": category, "data": obj} for _, obj in chunk]
    cleaned = clean_persons(persons, profile, where=lambda i: f"line {chunk[i][0]}")
    return [p["data"] for p in cleaned]


def _text(value: str, field: str) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if not value or len(value) > MAX_TEXT:
        raise invalid(
            "invalid_text",
            f"Поле «{field}» — непустой текст до {MAX_TEXT} знаков.",
            f"'{field}' must be non-empty text of at most {MAX_TEXT} characters.",
            "11.2",
            field,
        )
    return value


def _category(category: str, profile) -> None:
    if category not in profile.category_codes:
        raise invalid(
            "category_not_allowed",
            f"Категория «{category}» не предусмотрена статьёй 5.",
            f"Category '{category}' is not one of Art. 5.",
            "5",
            "category",
        )


# --- the sending node --------------------------------------------------------------------------


def queue(
    source: BinaryIO,
    *,
    agreement: str,
    sender: str,
    receiver: str,
    title: str,
    purpose: str,
    category: str,
) -> OutboxMessage:
    """Validate the JSON Lines of `source` (one Art. 6 record per line) and queue them for the
    other party as one dataset message. Nothing is queued if any line is wrong: the error names
    the line and the field."""
    route = outbox.check_route(agreement, sender, receiver)
    if route.sender.party_id != settings.MIGREX_PARTY:
        raise invalid(
            "not_own_authority",
            f"{route.sender.code} — орган другой Стороны.",
            f"{route.sender.code} is not an authority of this node's party.",
            "2",
            "sender",
        )
    title, purpose = _text(title, "title"), _text(purpose, "purpose")
    _category(category, route.terms.profile)
    spool = outbox.spool_path()
    lines = Lines([])  # the digest and size of what is written
    count = 0
    try:
        with open(spool, "wb") as out:
            for chunk in _objects(source):
                for data in _clean(chunk, category, route.terms.profile):
                    line = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
                    line += b"\n"
                    lines.sha256.update(line)
                    lines.size += len(line)
                    out.write(line)
                    count += 1
        if count == 0:
            raise invalid(
                "empty_dataset", "В наборе нет записей.", "The dataset has no records.", "6", "file"
            )
        with transaction.atomic():
            message = outbox.send(
                agreement=agreement,
                kind=KIND,
                sender=route.sender,
                receiver=route.receiver,
                payload=DatasetPayload(
                    title=title,
                    purpose=purpose,
                    category=category,
                    records=count,
                    body=StreamedBody(
                        format=FORMAT, bytes=lines.size, sha256=lines.sha256.hexdigest()
                    ),
                ),
                body=spool,
            )
            record(
                Action.DATASET_QUEUED,
                subject=str(message.id),
                detail={"to": route.receiver.code, "records": count, "title": title},
            )
    finally:
        spool.unlink(missing_ok=True)
    return message


# --- the receiving node ------------------------------------------------------------------------


def receive(message: Received) -> staging.Staging:
    """Store a dataset whose records are read from its body, a chunk at a time and out of every
    reader's sight (persons/staging.py); the inbox publishes it once the body is verified. A bad
    line or a broken stream leaves nothing behind."""
    known = directory()
    terms = known.terms(message.agreement)
    payload: DatasetPayload = message.payload
    _category(payload.category, terms.profile)
    fields = {
        "message_id": message.message_id,
        "conversation_id": message.conversation_id,
        "agreement": terms.agreement,
        "provider": known.authority(message.sender_authority),
        "recipient": known.authority(message.receiver_authority),
        "title": _text(payload.title, "title"),
        "purpose": _text(payload.purpose, "purpose"),
        "category": payload.category,
        "records": payload.records,
        "size": payload.body.bytes,
        "sha256": payload.body.sha256,
    }
    staging.sweep()  # what receivers killed mid-stream left, long enough ago
    staged = staging.Staging(**fields)
    try:
        for chunk in _objects(message.body):
            rows = _clean(chunk, payload.category, terms.profile)
            staged.add([(line, data) for (line, _obj), data in zip(chunk, rows, strict=True)])
        if staged.count != payload.records:
            raise invalid(
                "record_count",
                f"Получено записей: {staged.count}, в конверте указано {payload.records}.",
                f"{staged.count} records arrived, the envelope says {payload.records}.",
                "6",
                "payload.records",
            )
    except BaseException:
        staged.discard()
        raise
    return staged
