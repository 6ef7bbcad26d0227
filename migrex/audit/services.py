"""Writing to the audit log. Each entry's hash covers its content and the previous entry's hash,
so an edited, deleted or reordered entry breaks the chain from there on.

Every MIGREX_AUDIT_CHECKPOINT_EVERY-th entry (default 1000; 0 turns it off) the writer also signs
a checkpoint of the chain with the node's key, in the same transaction, and keeps it
(checkpoints.py); `migrex audit checkpoint` signs one at any time and sends it to the peers."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from migrex.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64
log = logging.getLogger("migrex.audit")

# json.dumps(..., ensure_ascii=False, sort_keys=True, separators=(",", ":")), without building
# an encoder per call: the same bytes, and verification of a long chain spends its time here.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_sha256 = hashlib.sha256


def entry_hash(
    prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, detail: dict
) -> str:
    body = _encode([seq, at, actor, action, subject, detail])
    return _sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _number(text: str) -> float | int:
    """A float of the detail as PostgreSQL's jsonb gives it back, so the hash made now is the
    hash verify makes later: jsonb keeps numbers as decimals, so 1e+20 comes back as the
    integer 100000000000000000000 and -0.0 as 0.0 (NaN and infinities, which JSON lacks, are
    kept as their names by parse_constant)."""
    value = float(text)
    if value == 0:
        return 0.0
    if ("e" in text or "E" in text) and value.is_integer():
        return int(Decimal(text))
    return value


def checkpoint_every() -> int:
    value = getattr(settings, "MIGREX_AUDIT_CHECKPOINT_EVERY", None)
    if value is None:
        value = os.environ.get("MIGREX_AUDIT_CHECKPOINT_EVERY", "1000")
    return max(0, int(value))


def record(
    action: str, *, actor: object = "", subject: object = "", detail: dict | None = None
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction: if the change it records rolls
    back, so does the entry (and if writing the entry fails, so does the change)."""
    detail = _normalised(detail)
    actor, subject = str(actor or ""), str(subject or "")
    # No savepoint of its own: nothing to undo apart from the caller's change.
    with transaction.atomic(savepoint=False):
        entry = None
        if connection.vendor == "postgresql":
            entry = _append_postgresql(action, actor, subject, detail)
        if entry is None:
            entry = _append(action, actor, subject, detail)
        every = checkpoint_every()
        if every and entry.seq % every == 0:
            _checkpoint_quietly(entry.seq, entry.hash)
    return entry


def record_many(action: str, *, actor: object, entries: list[tuple[object, dict]]) -> None:
    """Append one entry per (subject, detail), in order, with one lock of the head and one
    insert: what a page that shows fifty person records costs to audit."""
    if not entries:
        return
    actor = str(actor or "")
    with transaction.atomic(savepoint=False):
        seq, prev = _lock_head()
        at = timezone.now()
        every, mark, rows = checkpoint_every(), None, []
        for subject, detail in entries:
            seq, subject = seq + 1, str(subject or "")
            detail = _normalised(detail)
            digest = entry_hash(prev, seq, at.isoformat(), actor, action, subject, detail)
            rows.append(
                AuditEntry(
                    seq=seq,
                    at=at,
                    actor=actor,
                    action=action,
                    subject=subject,
                    detail=detail,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
            if every and seq % every == 0:
                mark = (seq, digest)
        AuditEntry.objects.bulk_create(rows)
        AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
        if mark is not None:
            _checkpoint_quietly(*mark)


def _normalised(detail: dict | None) -> dict:
    return json.loads(
        json.dumps(detail or {}, default=str), parse_float=_number, parse_constant=str
    )


def _lock_head() -> tuple[int, str]:
    """The head's number and hash, its row locked until the transaction ends."""
    heads = AuditHead.objects.select_for_update().filter(pk=1).values_list("seq", "hash")
    head = heads.first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
        head = heads.get()
    return head


def _append(action: str, actor: str, subject: str, detail: dict) -> AuditEntry:
    """Lock the head, write the entry, move the head: three statements on any database."""
    head = _lock_head()
    at = timezone.now()
    seq, prev = head[0] + 1, head[1]
    entry = AuditEntry.objects.create(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        detail=detail,
        prev_hash=prev,
        hash=entry_hash(prev, seq, at.isoformat(), actor, action, subject, detail),
    )
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=entry.hash)
    return entry


_TABLE, _HEAD = AuditEntry._meta.db_table, AuditHead._meta.db_table
_PG_TAKE = f"UPDATE {_HEAD} SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"  # noqa: S608
_PG_WRITE = (
    f"WITH e AS (INSERT INTO {_TABLE} (seq, at, actor, action, subject, detail, "  # noqa: S608
    "prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s, %s) RETURNING id) "
    f"UPDATE {_HEAD} SET hash = %s WHERE id = 1 RETURNING (SELECT id FROM e)"
)


def _append_postgresql(action: str, actor: str, subject: str, detail: dict) -> AuditEntry | None:
    """The same in two round trips: take the next number (which locks the head row until the
    transaction ends) and read the previous hash; write the entry and the head's new hash in
    one statement. None before the head row exists."""
    with connection.cursor() as cursor:
        cursor.execute(_PG_TAKE)
        head = cursor.fetchone()
        if head is None:
            return None
        seq, prev = head
        at = timezone.now()
        hash_ = entry_hash(prev, seq, at.isoformat(), actor, action, subject, detail)
        cursor.execute(
            _PG_WRITE, [seq, at, actor, action, subject, json.dumps(detail), prev, hash_, hash_]
        )
        pk = cursor.fetchone()[0]
    entry = AuditEntry(
        id=pk,
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        detail=detail,
        prev_hash=prev,
        hash=hash_,
    )
    entry._state.adding, entry._state.db = False, connection.alias
    return entry


def _checkpoint_quietly(seq: int, hash_: str) -> None:
    """The automatic checkpoint: never the reason the change being recorded fails. A node
    without keys yet (before `migrex keys init`) simply has none."""
    from migrex.audit import checkpoints

    try:
        with transaction.atomic():
            checkpoints.make(seq, hash_, send=False)
    except LookupError:
        pass
    except Exception:
        log.exception("audit checkpoint at #%s failed; the next one will cover it", seq)
