"""Checking the audit log: the whole hash chain, the head row and the signed checkpoints.

The first problem found is reported with the entry it concerns and what is wrong:

- ``altered``: an entry's hash does not match its content (any stored field changed);
- ``deleted``: numbers are missing inside the chain;
- ``reordered``: an entry stands where another one was (it was chained after another entry);
- ``rewritten``: the chain is consistent but differs from what the head row or a signed
  checkpoint vouches for (an entry and every hash after it recomputed);
- ``truncated``: entries are missing at the end (against the head row and the checkpoints);
- ``checkpoint``: a checkpoint whose signature or content does not hold.

The chain is read as plain tuples in chunks (no model instances); one pass, a SHA-256 and a JSON
encoding per entry. Only when a problem is found are a few more queries made to name it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from migrex.audit.checkpoints import CheckpointError, own_jwks, read
from migrex.audit.models import AuditEntry, AuditHead, Checkpoint
from migrex.audit.services import GENESIS, entry_hash
from migrex.audit.signing import SignatureError

FIELDS = ("seq", "at", "actor", "action", "subject", "detail", "prev_hash", "hash")


@dataclass(frozen=True)
class Problem:
    seq: int | None  # the entry named first, None for a checkpoint's own signature
    kind: str  # altered, deleted, reordered, rewritten, truncated, checkpoint
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Report:
    entries: int = 0  # entries checked
    last: int = 0  # number of the last entry
    checkpoints: int = 0  # signed checkpoints checked (own and witnesses)
    seconds: float = 0.0
    problem: Problem | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class _Mark:
    seq: int
    hash: str
    label: str  # "the checkpoint signed 2026-01-02 10:00:00Z", for messages


def _when(at) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%SZ")


def _marks(witnesses: Iterable[str], report: Report) -> list[_Mark] | Problem:
    """Own checkpoints (signature and stored columns checked) and witnesses (checkpoints of this
    node that a peer kept), as marks the chain must hit."""
    rows = list(Checkpoint.objects.order_by("seq", "at").values_list("seq", "hash", "at", "token"))
    witnesses = list(witnesses)
    if not rows and not witnesses:
        return []
    try:
        jwks = own_jwks()
    except Exception as exc:  # keys missing or undecryptable: the signatures cannot be checked
        return Problem(None, "checkpoint", f"checkpoints cannot be checked: {exc}")
    marks = []
    for seq, hash_, at, token in rows:
        label = f"checkpoint #{seq} signed {_when(at)}"
        try:
            signed = read(token, jwks)
        except (SignatureError, CheckpointError) as exc:
            return Problem(seq, "checkpoint", f"{label}: its signature does not hold ({exc})")
        if (signed.seq, signed.hash) != (seq, hash_):
            return Problem(
                seq,
                "checkpoint",
                f"{label}: its stored number or hash differs from what was signed "
                f"(#{signed.seq} {signed.hash[:16]}…) (altered)",
            )
        marks.append(_Mark(seq, hash_, f"the checkpoint signed {_when(signed.at)}"))
    for i, token in enumerate(witnesses, 1):
        try:
            signed = read(token.strip(), jwks)
        except (SignatureError, CheckpointError) as exc:
            return Problem(None, "checkpoint", f"witness {i}: its signature does not hold ({exc})")
        if signed.node != settings.MIGREX_NODE_ID:
            report.notes.append(f"witness {i} is a checkpoint of {signed.node}, not of this node")
        marks.append(_Mark(signed.seq, signed.hash, f"the witness signed {_when(signed.at)}"))
    report.checkpoints = len(marks)
    return sorted(marks, key=lambda m: m.seq)


def verify(
    *,
    witnesses: Iterable[str] = (),
    progress: Callable[[int, int, float], None] | None = None,
    every: int = 100_000,
    chunk_size: int = 20_000,
) -> Report:
    """Check the whole log; `progress(done, total, seconds)` every `every` entries."""
    started = time.monotonic()
    report = Report()
    marks = _marks(witnesses, report)
    if isinstance(marks, Problem):
        report.problem = marks
        return report
    by_seq: dict[int, list[_Mark]] = {}
    for mark in marks:
        by_seq.setdefault(mark.seq, []).append(mark)
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    total = head[0] if head else 0

    prev, expected, last_good_mark = GENESIS, 1, 0
    hash_of = entry_hash
    rows = _rows(chunk_size)
    for seq, at, actor, action, subject, detail, prev_stored, stored in rows:
        if seq != expected:
            report.problem = _gap(expected, seq, prev)
            break
        if (
            hash_of(prev_stored, seq, at, actor, action, subject, detail) != stored
            and _orm_hash(seq) != stored
        ):
            report.problem = _altered(seq, prev_stored)
            break
        if prev_stored != prev:
            report.problem = _unlinked(seq, prev_stored)
            break
        if seq in by_seq:
            wrong = next((m for m in by_seq[seq] if m.hash != stored), None)
            if wrong is not None:
                report.problem = Problem(
                    seq,
                    "rewritten",
                    f"entry #{seq}: its hash differs from {wrong.label}: history in "
                    f"#{last_good_mark + 1}–#{seq} was rewritten (rewritten)",
                )
                break
            last_good_mark = seq
        prev, expected = stored, expected + 1
        if progress is not None and seq % every == 0:
            progress(seq, total, time.monotonic() - started)
    rows.close()  # the cursor, when a problem stopped the reading early
    report.entries = expected - 1
    report.last = expected - 1
    if report.problem is None:
        report.problem = _end(report.last, prev, head, marks)
    report.seconds = time.monotonic() - started
    return report


def _rows(chunk_size: int) -> Iterator[tuple]:
    """Every entry in order as (seq, time as record() hashed it, actor, action, subject, detail,
    prev_hash, hash), read with the database's own cursor (server-side on PostgreSQL) rather
    than through model fields: a third of the time per entry. The time is rebuilt from the
    stored text on SQLite ("2026-01-02 03:04:05.123456", UTC) and from the text PostgreSQL makes
    of it in UTC (to_char); an entry whose hash does not match is checked again through the ORM
    before it is called altered (_orm_hash), so this shortcut can neither hide nor invent a
    problem."""
    table = AuditEntry._meta.db_table
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        yield from (
            (seq, at.isoformat(), *rest)
            for seq, at, *rest in AuditEntry.objects.order_by("seq")
            .values_list(*FIELDS)
            .iterator(chunk_size=chunk_size)
        )
        return
    # On SQLite `at || ''` has no declared type, so the driver hands back the stored text; on
    # PostgreSQL the text is made by the server, faster than a datetime by the driver.
    at = "at || ''" if vendor == "sqlite" else _PG_TIME
    loads = json.loads
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT seq, {at}, actor, action, subject, detail, prev_hash, hash "  # noqa: S608
            f"FROM {table} ORDER BY seq"
        )
        while chunk := cursor.fetchmany(chunk_size):
            if vendor == "sqlite":
                for seq, when, actor, action, subject, detail, prev_hash, hash_ in chunk:
                    when = when.replace(" ", "T", 1) + "+00:00"
                    yield seq, when, actor, action, subject, loads(detail), prev_hash, hash_
            else:
                for seq, when, actor, action, subject, detail, prev_hash, hash_ in chunk:
                    if when.endswith(".000000"):  # isoformat() leaves out zero microseconds
                        when = when[:-7]
                    detail = loads(detail) if isinstance(detail, (str, bytes)) else detail
                    yield seq, when + "+00:00", actor, action, subject, detail, prev_hash, hash_


_PG_TIME = """to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"""


def _orm_hash(seq: int) -> str | None:
    """The hash of entry `seq` computed from its fields as Django reads them."""
    row = AuditEntry.objects.filter(seq=seq).values_list(*FIELDS).first()
    if row is None:
        return None
    _, at, actor, action, subject, detail, prev_hash, _ = row
    return entry_hash(prev_hash, seq, at.isoformat(), actor, action, subject, detail)


def _gap(expected: int, seq: int, prev: str) -> Problem:
    after = f"after #{expected - 1}" if expected > 1 else "at the start"
    moved = (
        AuditEntry.objects.filter(prev_hash=prev).order_by("seq").values_list("seq", flat=True)
    ).first()
    if moved is not None and moved != expected:
        return Problem(
            expected,
            "altered",
            f"entry #{expected} {after} is stored as #{moved}: its number was changed (altered)",
        )
    if seq == expected + 1:
        return Problem(expected, "deleted", f"entry #{expected} missing {after} (deleted)")
    return Problem(expected, "deleted", f"entries #{expected}–#{seq - 1} missing {after} (deleted)")


def _owner(hash_: str) -> int | None:
    if hash_ == GENESIS:
        return 0
    return AuditEntry.objects.filter(hash=hash_).values_list("seq", flat=True).first()


def _altered(seq: int, prev_stored: str) -> Problem:
    owner = _owner(prev_stored)
    if owner is not None and owner != seq - 1:
        where = f"the entry now at #{owner}" if owner else "the start of the log"
        return Problem(
            seq,
            "reordered",
            f"entry #{seq} is out of place: it was written after {where} (reordered)",
        )
    return Problem(seq, "altered", f"entry #{seq}: hash does not match its content (altered)")


def _unlinked(seq: int, prev_stored: str) -> Problem:
    owner = _owner(prev_stored)
    if owner is not None:
        where = f"the entry now at #{owner}" if owner else "the start of the log"
        return Problem(
            seq,
            "reordered",
            f"entry #{seq} is out of place: it was written after {where} (reordered)",
        )
    return Problem(
        seq - 1,
        "altered",
        f"entry #{seq - 1}: rewritten with a new hash, or entry #{seq}'s link to it changed: "
        f"#{seq} was chained to another hash (altered)",
    )


def _end(last: int, last_hash: str, head, marks: list[_Mark]) -> Problem | None:
    """What the head row and the checkpoints say about the end of the chain."""
    beyond = max((m for m in marks if m.seq > last), key=lambda m: m.seq, default=None)
    head_seq = head[0] if head else None
    if head is None and last:
        return Problem(last, "truncated", f"the head row is missing (the chain ends at #{last})")
    after = f"after #{last}" if last else "(the log is empty)"
    if beyond is not None and (head_seq is None or beyond.seq >= head_seq):
        return Problem(
            last + 1,
            "truncated",
            f"entries #{last + 1}–#{beyond.seq} missing {after} (truncated): "
            f"{beyond.label} vouches for #{beyond.seq}",
        )
    if head_seq is not None and head_seq > last:
        return Problem(
            last + 1,
            "truncated",
            f"entries #{last + 1}–#{head_seq} missing {after} (truncated): "
            f"the head row says the log ends at #{head_seq}",
        )
    if head_seq is not None and head_seq < last:
        return Problem(
            head_seq + 1,
            "rewritten",
            f"entries #{head_seq + 1}–#{last} follow the head row's #{head_seq}: written "
            "outside the audit service, or the head was set back (rewritten)",
        )
    if head is not None and last and head[1] != last_hash:
        return Problem(
            last, "rewritten", f"entry #{last}: its hash differs from the head row's (rewritten)"
        )
    return None
