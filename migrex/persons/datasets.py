"""Datasets of persons (Art. 3, 5, 6): many Art. 6 records sent in one message, with one purpose
(Art. 11.2). The records travel as JSON Lines after the envelope, streamed in encrypted frames
(docs/protocol.md §8.2): neither node holds the whole list in memory, and the receiver stores the
records in one transaction, so a dataset arrives whole or not at all."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from migrex.agreements.selectors import directory
from migrex.audit.services import record
from migrex.cases import validation
from migrex.cases.errors import Invalid, error
from migrex.exchange import streams
from migrex.exchange.crypto import EnvelopeError
from migrex.exchange.envelope import uuid7
from migrex.exchange.models import OutboxMessage
from migrex.persons import search
from migrex.persons.models import Dataset, PersonRecord

KIND = "dataset"
FORMAT = "application/x-ndjson"
CHUNK = 2000  # records validated and written at a time
MAX_TEXT = 500


def body_path(message_id: uuid.UUID | str) -> Path:
    """Where the sender keeps a queued dataset's body until it is delivered."""
    return Path(settings.MEDIA_ROOT) / "outbox" / f"{message_id}.ndjson"


def _invalid(code: str, ru: str, en: str, field: str, article: str = "6") -> Invalid:
    return Invalid([error(code, ru, en, article, field)])


def _objects(lines: Iterable[bytes], first: int = 1) -> Iterator[list[tuple[int, object]]]:
    """(line number, parsed JSON) in chunks of CHUNK; a line that is not JSON is an error."""
    chunk: list[tuple[int, object]] = []
    for number, line in enumerate(lines, first):
        if not line.strip():
            continue
        try:
            chunk.append((number, json.loads(line)))
        except ValueError as exc:
            raise _invalid(
                "not_json",
                f"Строка {number}: не JSON ({exc}).",
                f"Line {number}: not JSON ({exc}).",
                f"line {number}",
            ) from None
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _clean(chunk: list[tuple[int, object]], category: str, profile) -> list[dict]:
    persons = [{"category": category, "data": obj} for _, obj in chunk]
    for number, obj in chunk:
        if not isinstance(obj, dict):
            raise _invalid(
                "not_an_object",
                f"Строка {number}: ожидается объект с полями статьи 6.",
                f"Line {number}: an object of Art. 6 fields is expected.",
                f"line {number}",
            )
    cleaned = validation.clean_persons(persons, profile, where=lambda i: f"line {chunk[i][0]}")
    return [p["data"] for p in cleaned]


def _text(value: object, field: str, *, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > MAX_TEXT:
        raise _invalid(
            "invalid_text",
            f"Поле «{field}» — непустой текст до {MAX_TEXT} знаков.",
            f"'{field}' must be non-empty text of at most {MAX_TEXT} characters.",
            field,
            "11.2",
        )
    return value.strip()


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
    known = directory()
    terms = known.terms(agreement)
    own, other = known.authority(sender), known.authority(receiver)
    if own.party_id != settings.MIGREX_PARTY:
        raise _invalid(
            "not_own_authority",
            f"{own.code} — орган другой Стороны.",
            f"{own.code} is not an authority of this node's party.",
            "sender",
            "2",
        )
    validation.check_parties(terms.agreement, own, other)
    validation.check_in_force(terms.agreement, timezone.localdate())
    title, purpose = _text(title, "title"), _text(purpose, "purpose")
    if category not in terms.profile.category_codes:
        raise _invalid(
            "category_not_allowed",
            f"Категория «{category}» не предусмотрена статьёй 5.",
            f"Category '{category}' is not one of Art. 5.",
            "category",
            "5",
        )
    message_id = uuid7()
    target = body_path(message_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    lines = streams.Lines([])  # the digest and size of what is written
    count = 0
    try:
        with open(partial, "wb") as out:
            for chunk in _objects(source):
                for data in _clean(chunk, category, terms.profile):
                    line = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
                    line += b"\n"
                    lines.sha256.update(line)
                    lines.size += len(line)
                    out.write(line)
                    count += 1
        if count == 0:
            raise _invalid(
                "empty_dataset", "В наборе нет записей.", "The dataset has no records.", "file"
            )
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                id=message_id,
                agreement=agreement,
                conversation_id=uuid.uuid4(),
                kind=KIND,
                sender_authority=own.code,
                receiver_authority=other.code,
                receiver_party=other.party_id,
                payload={
                    "title": title,
                    "purpose": purpose,
                    "category": category,
                    "records": count,
                    "body": {
                        "format": FORMAT,
                        "algorithm": streams.ALGORITHM,
                        "bytes": lines.size,
                        "sha256": lines.sha256.hexdigest(),
                    },
                },
            )
            record(
                "dataset.queued",
                subject=str(message_id),
                detail={"to": other.code, "records": count, "title": title},
            )
            os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return message


# --- the receiving node ------------------------------------------------------------------------


def manifest(payload: object, profile) -> dict:
    """The dataset's description in the envelope, checked before any of the body is read."""
    if not isinstance(payload, dict) or not isinstance(payload.get("body"), dict):
        raise EnvelopeError("payload_invalid", "a dataset payload describes its body")
    body = payload["body"]
    if body.get("format") != FORMAT or body.get("algorithm") != streams.ALGORITHM:
        raise EnvelopeError("payload_invalid", f"the body must be {FORMAT}, {streams.ALGORITHM}")
    for field in ("records", "bytes"):
        if not isinstance(body.get(field) if field == "bytes" else payload.get(field), int):
            raise EnvelopeError("payload_invalid", f"{field} must be an integer")
    if not isinstance(body.get("sha256"), str) or not isinstance(body.get("key"), str):
        raise EnvelopeError("payload_invalid", "the body's sha256 and key must be strings")
    if payload.get("category") not in profile.category_codes:
        raise _invalid(
            "category_not_allowed",
            f"Категория «{payload.get('category')}» не предусмотрена статьёй 5.",
            f"Category '{payload.get('category')}' is not one of Art. 5.",
            "category",
            "5",
        )
    _text(payload.get("title"), "title")
    _text(payload.get("purpose"), "purpose")
    return payload


def receive(envelope: dict, body: streams.Lines) -> Dataset:
    """Store a dataset whose body is read from `body`; inside the inbox's transaction, so that
    a bad line or a broken stream leaves nothing behind."""
    known = directory()
    terms = known.terms(envelope["agreement"])
    payload = manifest(envelope["payload"], terms.profile)
    declared = payload["body"]
    dataset = Dataset.objects.create(
        message_id=envelope["message_id"],
        conversation_id=envelope["conversation_id"],
        agreement=terms.agreement,
        provider=known.authority(envelope["sender_authority"]),
        recipient=known.authority(envelope["receiver_authority"]),
        title=payload["title"].strip(),
        purpose=payload["purpose"].strip(),
        category=payload["category"],
        records=payload["records"],
        size=declared["bytes"],
        sha256=declared["sha256"],
        received_at=timezone.now(),
    )
    count = 0
    for chunk in _objects(body):
        rows = _clean(chunk, payload["category"], terms.profile)
        created = PersonRecord.objects.bulk_create(
            PersonRecord(dataset=dataset, position=number, data=data)
            for (number, _), data in zip(chunk, rows, strict=True)
        )
        search.index_records(created, dataset.recipient_id)
        count += len(rows)
    if body.size != declared["bytes"] or body.sha256.hexdigest() != declared["sha256"]:
        raise EnvelopeError(
            "stream_broken",
            f"the body is {body.size} bytes with SHA-256 {body.sha256.hexdigest()}, "
            f"the envelope says {declared['bytes']} and {declared['sha256']}",
        )
    if count != payload["records"]:
        raise EnvelopeError(
            "payload_invalid", f"{count} records arrived, the envelope says {payload['records']}"
        )
    return dataset
