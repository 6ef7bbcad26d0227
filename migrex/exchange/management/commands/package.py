"""`migrex package export|import|receipts`: offline delivery while the network is down.

KZ$ migrex package export --peer BY --out kz-by.pkg     # the messages pending for BY
BY$ migrex package import kz-by.pkg                      # writes kz-by.pkg.receipts
KZ$ migrex package receipts kz-by.pkg.receipts           # marks the messages delivered
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from migrex.exchange import packages
from migrex.exchange.bundles import MAX_PACKAGE_AGE
from migrex.exchange.crypto import EnvelopeError


class Command(BaseCommand):
    help = "Carry messages as signed, encrypted files when the network to a peer is down."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the messages pending for a peer to a file")
        export.add_argument("--peer", required=True, help="the peer's node id, e.g. BY")
        export.add_argument("--out", required=True, type=Path, help="the package file to write")
        imp = sub.add_parser("import", help="accept a package; writes FILE.receipts")
        imp.add_argument("file", type=Path)
        imp.add_argument(
            "--max-age-days",
            type=int,
            default=MAX_PACKAGE_AGE.days,
            help=f"refuse packages older than this (default {MAX_PACKAGE_AGE.days})",
        )
        imp.add_argument(
            "--receipts", type=Path, help="where to write the replies (default: FILE.receipts)"
        )
        receipts = sub.add_parser("receipts", help="read the peer's replies to a package")
        receipts.add_argument("file", type=Path)

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except EnvelopeError as exc:
            raise CommandError(f"refused ({exc.code}): {exc.detail}") from exc
        except (OSError, LookupError) as exc:
            raise CommandError(str(exc)) from exc

    def _export(self, peer: str, out: Path, **_):
        done = packages.export(peer, out)
        if done is None:
            self.stdout.write(f"nothing is pending for {peer}; no file written")
            return
        self.stdout.write(
            f"package {done.package_id}: {done.messages} message(s) for {peer} in {out}\n"
            "They stay pending until the receipts come back: "
            f"`migrex package receipts {packages.replies_path(out)}`."
        )

    def _import(self, file: Path, max_age_days: int, receipts: Path | None, **_):
        if max_age_days < 1:
            raise CommandError("--max-age-days must be at least 1")
        done = packages.import_(file, max_age=dt.timedelta(days=max_age_days), receipts=receipts)
        for line in done.lines:
            self.stdout.write(f"  {line}")
        counts = ", ".join(f"{n} {code}" for code, n in sorted(done.codes.items())) or "empty"
        self.stdout.write(
            f"package {done.package_id} from {done.sender_node}: {counts}\n"
            f"replies for {done.sender_node}: {done.replies_path}"
        )

    def _receipts(self, file: Path, **_):
        done = packages.apply_receipts(file)
        for line in done.lines:
            self.stdout.write(f"  {line}")
        counts = ", ".join(f"{n} {what}" for what, n in sorted(done.outcomes.items())) or "none"
        self.stdout.write(f"package {done.package_id}: {counts}")
