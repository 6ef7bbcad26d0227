"""`migrex keys init|rotate|show|export`: this node's key pairs and the file peers need."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from migrex.exchange import keys
from migrex.exchange.models import NodeKey
from migrex.exchange.peers import own_peer_file


class Command(BaseCommand):
    help = "Create, rotate and show this node's keys; export the peer file for the other party."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="create the first key pair (once, at set-up)")
        init.add_argument("--suite", default="ed25519", choices=["ed25519", "p256"])
        rotate = sub.add_parser("rotate", help="new keys; the old ones stay valid for --overlap")
        rotate.add_argument("--suite", default="ed25519", choices=["ed25519", "p256"])
        rotate.add_argument("--overlap-days", type=int, default=30)
        rotate.add_argument(
            "--overlap-seconds", type=int, help="overlap in seconds instead (drills and tests)"
        )
        sub.add_parser("show", help="key ids, validity and fingerprints to read out of band")
        sub.add_parser("export", help="print this node's peer file (URL and public keys)")

    def handle(self, *args, action: str, **options):
        if action == "init":
            if NodeKey.objects.exists():
                self.stdout.write("keys exist already; use `migrex keys rotate` for new ones")
            else:
                keys.create_keys(suite=options["suite"])
            action = "show"
        if action == "rotate":
            overlap = (
                dt.timedelta(seconds=options["overlap_seconds"])
                if options["overlap_seconds"] is not None
                else dt.timedelta(days=options["overlap_days"])
            )
            if overlap < dt.timedelta(0):
                raise CommandError("the overlap cannot be negative")
            keys.rotate(suite=options["suite"], overlap=overlap)
            action = "show"
        if action == "show":
            rows = NodeKey.objects.all()
            if not rows:
                raise CommandError("no keys yet: run `migrex keys init`")
            for row in rows:
                until = f"{row.not_after:%Y-%m-%d %H:%M}" if row.not_after else "—"
                self.stdout.write(f"{row.suite}  valid {row.not_before:%Y-%m-%d %H:%M} … {until}")
                for use, kid, fingerprint in keys.fingerprints(row.public_jwks):
                    self.stdout.write(f"  {use}  {kid}\n       {fingerprint}")
        if action == "export":
            self.stdout.write(json.dumps(own_peer_file(), ensure_ascii=False, indent=2))
