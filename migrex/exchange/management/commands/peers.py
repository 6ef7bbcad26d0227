"""`migrex peers add FILE --agreement CODE`, `migrex peers pin NODE CERT` and `migrex peers list`.

A peer file that cannot be used (docs/protocol.md §5.2) is refused with one line naming every
member that is missing or wrong, and exit code 2; nothing is changed."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from migrex.core.proxy import certificate_sha256
from migrex.exchange import keys
from migrex.exchange.models import Peer
from migrex.exchange.peers import PeerFileError, import_peer, pin_client_certificate

USAGE_ERROR = 2  # what the command line exits with on input it cannot use, as argparse does


class Command(BaseCommand):
    help = "Configure the other parties' nodes (from the peer file each hands out)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="trust a peer node for one or more agreements")
        add.add_argument("file", type=Path)
        add.add_argument("--agreement", action="append", required=True)
        add.add_argument("--url", help="override the URL in the file")
        pin = sub.add_parser(
            "pin",
            help="take the peer's messages only with this TLS client certificate (mutual TLS)",
        )
        pin.add_argument("node")
        pin.add_argument(
            "certificate", type=Path, nargs="?", help="PEM file of the peer's certificate"
        )
        pin.add_argument("--remove", action="store_true", help="unpin: no certificate asked")
        sub.add_parser("list", help="peers, their agreements and key fingerprints")

    def handle(self, *args, action: str, **options):
        if action == "add":
            peer = self._add(options["file"], options["agreement"], options["url"])
            self.stdout.write(
                f"peer {peer.node_id} ({peer.party_id}) at {peer.url}: check "
                "these fingerprints with the other party before exchanging:"
            )
            self._fingerprints(peer)
            return
        if action == "pin":
            self._pin(options["node"], options["certificate"], options["remove"])
            return
        for peer in Peer.objects.prefetch_related("agreements"):
            codes = ", ".join(a.code for a in peer.agreements.all())
            self.stdout.write(f"{peer.node_id} ({peer.party_id})  {peer.url}  [{codes}]")
            self._fingerprints(peer)
            if peer.tls_client_cert:
                self.stdout.write(f"  TLS client certificate SHA-256 {peer.tls_client_cert}")

    def _pin(self, node: str, path: Path | None, remove: bool) -> None:
        if remove == (path is not None):
            raise CommandError(
                "name the certificate's PEM file, or --remove", returncode=USAGE_ERROR
            )
        sha256 = ""
        if path is not None:
            try:
                sha256 = certificate_sha256(path.read_text(encoding="ascii"))
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(
                    f"{path}: cannot be read: {exc}", returncode=USAGE_ERROR
                ) from None
            if not sha256:
                raise CommandError(f"{path}: not a PEM certificate", returncode=USAGE_ERROR)
        try:
            pin_client_certificate(node, sha256)
        except PeerFileError as exc:
            raise CommandError(str(exc), returncode=USAGE_ERROR) from None
        if sha256:
            self.stdout.write(
                f"{node}: messages and pings are taken only with the client certificate of "
                f"SHA-256 {sha256}"
            )
        else:
            self.stdout.write(f"{node}: no client certificate asked")

    def _add(self, path: Path, agreements: list[str], url: str | None) -> Peer:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot be read: {exc}", returncode=USAGE_ERROR) from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CommandError(f"{path}: not JSON: {exc}", returncode=USAGE_ERROR) from None
        try:
            return import_peer(data, agreements=agreements, url=url)
        except PeerFileError as exc:
            raise CommandError(f"{path}: {exc}", returncode=USAGE_ERROR) from None

    def _fingerprints(self, peer):
        for use, kid, fingerprint in keys.fingerprints(peer.jwks):
            self.stdout.write(f"  {use}  {kid}\n       {fingerprint}")
