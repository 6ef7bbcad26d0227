"""`migrex backup FILE`: the node (database, stored files, wrapped keys, software version and
migration state) in one encrypted archive, made while the node runs (shell/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from migrex.shell.archive import ArchiveError
from migrex.shell.backup import backup
from migrex.shell.passphrase import read_passphrase


class Command(BaseCommand):
    help = (
        "Write the whole node to one encrypted archive; the passphrase comes from "
        "MIGREX_BACKUP_PASSPHRASE or standard input."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the archive to write (replaced if it exists)")

    def handle(self, *args, file: Path, **options):
        if not file.parent.is_dir():
            raise CommandError(f"{file.parent} is not a directory: create it first")
        passphrase = read_passphrase(confirm=True)
        try:
            done = backup(file, passphrase)
        except (ArchiveError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from None
        self.stdout.write(
            f"{done['path']}: {done['bytes']:,} bytes ({done['vendor']} database "
            f"{done['database_bytes']:,} bytes, {done['files']} stored file(s) "
            f"{done['files_bytes']:,} bytes) in {done['seconds']} s"
        )
