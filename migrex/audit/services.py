"""Writing to the audit log (Art. 11.4). Each entry's hash covers its content and the previous
entry's hash, so an edited, deleted or reordered entry breaks the chain from there on.

`record()` appends one entry, `record_many()` several of one action (a page that shows fifty
person records); both go through `_append`, the one writer of the chain, at once or, in a batch
(core/deferred.py: the inbox's), once at the batch's end for all its entries. Every
MIGREX_AUDIT_CHECKPOINT_EVERY-th entry (default 1000; 0 turns it off) it also signs a checkpoint
of the chain (checkpoints.py), in the same transaction."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from migrex.audit import checkpoints
from migrex.audit.actions import Action
from migrex.audit.models import AuditEntry, AuditHead
from migrex.core import deferred
from migrex.core.logsafe import summary

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


def _normalised(detail: dict | None) -> dict:
    return json.loads(
        json.dumps(detail or {}, default=str), parse_float=_number, parse_constant=str
    )


def record(
    action: Action, *, actor: object = "", subject: object = "", detail: dict | None = None
) -> AuditEntry | None:
    """Append one entry: the entry, or None inside a batch (core/deferred.py), whose entries are
    appended together at its end. Runs inside the caller's transaction: if the change it
    records rolls back, so does the entry (and if writing the entry fails, so does the change)."""
    rows = _chain(action, actor, [(subject, detail)])
    return rows[0] if rows else None


def record_many(action: Action, *, actor: object, entries: Iterable[tuple[object, dict]]) -> None:
    """Append one entry per (subject, detail), in order, with one lock of the head and one
    insert."""
    _chain(action, actor, list(entries))


def _chain(action: Action, actor: object, entries: list[tuple[object, dict | None]]) -> list:
    """The entries appended now, or deferred to the end of the batch (last of its work: the
    head stays locked from the append to the commit); their action is checked now either way."""
    action, actor = Action(action).value, str(actor or "")  # ValueError: a name not in Action
    entries = [(actor, action, str(s or ""), _normalised(d)) for s, d in entries]
    return deferred.later(_append, entries, last=True) or []


_HEAD = AuditHead._meta.db_table
# Takes the next numbers and locks the head row until the transaction ends, on every database
# (PostgreSQL row lock; SQLite's write lock, taken by the first write).
_TAKE = f"UPDATE {_HEAD} SET seq = seq + %s WHERE id = 1 RETURNING seq, hash"  # noqa: S608


def _take(n: int) -> tuple[int, str]:
    """Reserve `n` numbers: (the last number before them, the hash of that entry)."""
    with connection.cursor() as cursor:
        cursor.execute(_TAKE, [n])
        head = cursor.fetchone()
    if head is None:  # the first entry ever
        AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
        return _take(n)
    return head[0] - n, head[1]


def _append(parts: list[list[tuple[str, str, str, dict]]]) -> list[AuditEntry]:
    """The one writer of the chain: number, hash and insert the (actor, action, subject,
    detail) entries of `parts`, in order, move the head."""
    entries = [entry for part in parts for entry in part]
    if not entries:
        return []
    with transaction.atomic(savepoint=False):  # nothing to undo apart from the caller's change
        seq, prev = _take(len(entries))
        at = timezone.now()
        stamp, every, mark, rows = at.isoformat(), checkpoint_every(), None, []
        for actor, action, subject, detail in entries:
            seq += 1
            digest = entry_hash(prev, seq, stamp, actor, action, subject, detail)
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
        _write(rows, prev)
        if mark is not None:
            _checkpoint_quietly(*mark)
    return rows


_TABLE = AuditEntry._meta.db_table
_COLUMNS = "seq, at, actor, action, subject, detail, prev_hash, hash"
_ROW = "(%s, %s, %s, %s, %s, %s::jsonb, %s, %s)"
_ONE_STATEMENT = 500  # rows: within PostgreSQL's limit of parameters per statement


def _write(rows: list[AuditEntry], head_hash: str) -> None:
    """Insert `rows` and set the head's hash in SQL of its own: the chain grows with every change
    and every message, and the ORM's building of an insert costs more than the insert. On
    PostgreSQL in one statement (a transition's entry costs one round trip, not two); on SQLite
    in two; very long batches through the ORM's bulk insert."""
    if len(rows) > _ONE_STATEMENT:
        AuditEntry.objects.bulk_create(rows)
        AuditHead.objects.filter(pk=1).update(hash=head_hash)
        return
    postgres = connection.vendor == "postgresql"
    values = ", ".join([_ROW if postgres else _ROW.replace("::jsonb", "")] * len(rows))
    insert = f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES {values} RETURNING id"  # noqa: S608
    update = f"UPDATE {_HEAD} SET hash = %s WHERE id = 1"  # noqa: S608
    at = connection.ops.adapt_datetimefield_value(rows[0].at)  # one time for the whole batch
    params = [
        value
        for r in rows
        for value in (
            r.seq,
            at,
            r.actor,
            r.action,
            r.subject,
            json.dumps(r.detail),
            r.prev_hash,
            r.hash,
        )
    ]
    with connection.cursor() as cursor:
        if postgres:
            ordered = "RETURNING (SELECT array_agg(id ORDER BY id) FROM e)"
            cursor.execute(f"WITH e AS ({insert}) {update} {ordered}", [*params, head_hash])
            ids = cursor.fetchone()[0]
        else:
            cursor.execute(insert, params)
            ids = sorted(pk for (pk,) in cursor.fetchall())
            cursor.execute(update, [head_hash])
    for row, pk in zip(rows, ids, strict=True):  # ids are taken in the rows' order
        row.pk = pk
        row._state.adding, row._state.db = False, connection.alias


def checkpoint_every() -> int:
    return max(0, settings.MIGREX_AUDIT_CHECKPOINT_EVERY)


def _checkpoint_quietly(seq: int, hash_: str) -> None:
    """The automatic checkpoint: never the reason the change being recorded fails. A node
    without keys yet (before `migrex keys init`) simply has none."""
    try:
        with transaction.atomic():
            checkpoints.make(seq, hash_, send=False)
    except LookupError:
        pass
    except Exception as exc:  # named, not quoted (core/logsafe.py)
        log.error("audit checkpoint at #%s failed (%s); the next will cover it", seq, summary(exc))
