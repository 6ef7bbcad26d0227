"""`migrex audit tail [N] [--json] [--action A]` and `migrex audit verify`: read the audit log."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from migrex.audit.models import AuditEntry
from migrex.audit.services import GENESIS, entry_hash


def as_dict(entry: AuditEntry) -> dict:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "subject": entry.subject,
        "detail": entry.detail,
        "hash": entry.hash,
    }


class Command(BaseCommand):
    help = "Show the last entries of the audit log, or check its hash chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        tail = sub.add_parser("tail", help="the last N entries, oldest first")
        tail.add_argument("n", nargs="?", type=int, default=20)
        tail.add_argument("--json", action="store_true", help="one JSON object per line")
        tail.add_argument("--action", dest="only", help="only entries of this action")
        sub.add_parser("verify", help="recompute the hash chain from the first entry")

    def handle(self, *args, action: str, **options):
        if action == "tail":
            self._tail(options["n"], options["json"], options["only"])
        else:
            self._verify()

    def _tail(self, n: int, as_json: bool, only: str | None) -> None:
        if n < 1:
            raise CommandError("N must be at least 1")
        entries = AuditEntry.objects.order_by("-seq")
        if only:
            entries = entries.filter(action=only)
        for entry in reversed(list(entries[:n])):
            if as_json:
                self.stdout.write(json.dumps(as_dict(entry), ensure_ascii=False))
            else:
                detail = json.dumps(entry.detail, ensure_ascii=False)
                self.stdout.write(
                    f"#{entry.seq} {entry.at:%Y-%m-%d %H:%M:%S} {entry.action} "
                    f"{entry.subject} {entry.actor} {detail}"
                )

    def _verify(self) -> None:
        prev, count = GENESIS, 0
        for entry in AuditEntry.objects.order_by("seq").iterator():
            count += 1
            expected = entry_hash(
                prev,
                entry.seq,
                entry.at.isoformat(),
                entry.actor,
                entry.action,
                entry.subject,
                entry.detail,
            )
            if entry.seq != count or entry.prev_hash != prev or entry.hash != expected:
                raise CommandError(f"the chain breaks at entry #{entry.seq}")
            prev = entry.hash
        self.stdout.write(f"{count} entries, chain intact")
