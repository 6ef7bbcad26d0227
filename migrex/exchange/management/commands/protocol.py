"""`migrex protocol schemas [DIR]`: write the JSON Schema of every message kind's payload (by
default into docs/schemas/ of the source tree), for other implementations of the protocol."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from migrex.exchange import schemas


class Command(BaseCommand):
    help = "Write the JSON Schemas of the message kinds' payloads (docs/protocol.md §13)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        write = sub.add_parser("schemas", help="write one JSON Schema file per message kind")
        write.add_argument(
            "directory", nargs="?", type=Path, default=settings.BASE_DIR / "docs" / "schemas"
        )

    def handle(self, *args, action: str, directory: Path, **options):
        changed = schemas.write(directory)
        self.stdout.write(
            f"{len(schemas.files())} schema(s) in {directory}; "
            f"{len(changed)} written or removed: {', '.join(changed) or 'none'}"
        )
