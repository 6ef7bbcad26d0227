"""Reading and checking the audit log:

migrex audit tail [N] [--json] [--action A]   the last N entries
migrex audit verify [--progress N] [--witness FILE]
                                               check the hash chain, the head and checkpoints
migrex audit checkpoint [--no-send]            sign the chain as it stands, send it to peers
migrex audit checkpoints [--peer NODE] [--tokens] [--json]
                                               this node's checkpoints, or a peer's
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from migrex.audit import checkpoints
from migrex.audit.models import AuditEntry, Checkpoint, PeerCheckpoint
from migrex.audit.verify import verify


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
    help = "Show the audit log, check its hash chain, sign and list checkpoints."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        tail = sub.add_parser("tail", help="the last N entries, oldest first")
        tail.add_argument("n", nargs="?", type=int, default=20)
        tail.add_argument("--json", action="store_true", help="one JSON object per line")
        tail.add_argument("--action", dest="only", help="only entries of this action")
        verify = sub.add_parser(
            "verify", help="check the whole hash chain, the head row and every signed checkpoint"
        )
        verify.add_argument(
            "--progress",
            type=int,
            default=100_000,
            metavar="N",
            help="report progress on stderr every N entries (0: never)",
        )
        verify.add_argument(
            "--witness",
            type=Path,
            action="append",
            default=[],
            metavar="FILE",
            help="checkpoints of this node kept by a peer (`migrex audit checkpoints --peer "
            "NODE --tokens` there), one JWS a line; the chain must hold them too",
        )
        cp = sub.add_parser("checkpoint", help="sign the chain as it stands now")
        cp.add_argument("--no-send", action="store_true", help="do not queue it for the peers")
        cps = sub.add_parser("checkpoints", help="this node's signed checkpoints, or a peer's")
        cps.add_argument("--peer", metavar="NODE", help="the checkpoints peer NODE sent")
        cps.add_argument("--last", type=int, default=20, metavar="N", help="the last N (0: all)")
        out = cps.add_mutually_exclusive_group()
        out.add_argument("--json", action="store_true", help="one JSON object per line")
        out.add_argument("--tokens", action="store_true", help="the signed JWS only, one a line")

    def handle(self, *args, action: str, **options):
        if action == "tail":
            self._tail(options["n"], options["json"], options["only"])
        elif action == "verify":
            self._verify(options["progress"], options["witness"])
        elif action == "checkpoint":
            self._checkpoint(send=not options["no_send"])
        else:
            self._checkpoints(options["peer"], options["last"], options["json"], options["tokens"])

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

    def _verify(self, every: int, witness_files: list[Path]) -> None:
        witnesses = []
        for path in witness_files:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{path}: {exc}") from exc
            witnesses += [line for line in text.splitlines() if line.strip()]

        def progress(done: int, total: int, seconds: float) -> None:
            rate = done / seconds if seconds else 0
            of = f" of {total:,}" if total >= done else ""
            sys.stderr.write(f"verified {done:,}{of} entries ({rate:,.0f}/s)\n")
            sys.stderr.flush()

        report = verify(
            witnesses=witnesses, progress=progress if every > 0 else None, every=max(1, every)
        )
        for note in report.notes:
            self.stderr.write(note)
        if report.problem is not None:
            raise CommandError(
                f"{report.problem} — {report.entries:,} entries before it are intact"
            )
        self.stdout.write(
            f"{report.entries} entries, chain intact; {report.checkpoints} signed checkpoint(s) "
            f"hold ({report.seconds:.1f} s)"
        )

    def _checkpoint(self, *, send: bool) -> None:
        try:
            with transaction.atomic():
                cp = checkpoints.make(send=send)
        except checkpoints.CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"checkpoint #{cp.seq} {cp.hash} signed with key {cp.kid} at "
            f"{cp.at:%Y-%m-%d %H:%M:%S}Z; queued for {getattr(cp, 'published_to', 0)} peer(s)"
        )

    def _checkpoints(self, peer: str | None, last: int, as_json: bool, tokens: bool) -> None:
        if peer:
            rows = PeerCheckpoint.objects.filter(node=peer).order_by("-seq", "-at")
            disputed = checkpoints.conflicts(peer)
        else:
            rows = Checkpoint.objects.order_by("-seq", "-at")
            disputed = set()
        rows = list(rows[:last] if last > 0 else rows)
        for cp in reversed(rows):
            node = getattr(cp, "node", "")
            conflict = (node, cp.seq) in disputed
            if tokens:
                self.stdout.write(cp.token)
            elif as_json:
                row = {"seq": cp.seq, "hash": cp.hash, "at": cp.at.isoformat(), "kid": cp.kid}
                if peer:
                    row.update(node=node, received_at=cp.received_at.isoformat())
                    row["conflict"] = conflict
                self.stdout.write(json.dumps(row))
            else:
                flag = "  CONFLICT: another hash for this number" if conflict else ""
                who = f"{node} " if peer else ""
                self.stdout.write(
                    f"{who}#{cp.seq} {cp.hash} {cp.at:%Y-%m-%d %H:%M:%S}Z key {cp.kid[:12]}{flag}"
                )
        if not rows and not (as_json or tokens):
            self.stdout.write(f"no checkpoints from {peer}" if peer else "no checkpoints yet")
