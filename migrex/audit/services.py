"""Writing to the audit log. Each entry's hash covers its content and the previous entry's hash,
so an edited, deleted or reordered entry breaks the chain from there on."""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from migrex.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def entry_hash(
    prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, detail: dict
) -> str:
    body = json.dumps(
        [seq, at, actor, action, subject, detail],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@transaction.atomic
def record(
    action: str, *, actor: object = "", subject: object = "", detail: dict | None = None
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction: if the change it records rolls
    back, so does the entry."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS}
    )
    at = timezone.now()
    detail = json.loads(json.dumps(detail or {}, default=str))
    actor, subject = str(actor or ""), str(subject or "")
    seq, prev = head.seq + 1, head.hash
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
    head.seq, head.hash = seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry
