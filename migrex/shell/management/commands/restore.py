"""`migrex restore FILE`: a new, empty node brought back from an archive of `migrex backup`;
refuses a wrong passphrase, an altered archive, one from a newer version, and a node that is not
empty, each in one line (shell/restore.py). Stop the node's processes first."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from migrex.shell.archive import ArchiveError
from migrex.shell.passphrase import read_passphrase
from migrex.shell.restore import restore


class Command(BaseCommand):
    help = (
        "Restore the node from an archive of `migrex backup` into an empty database and data "
        "directory; the passphrase comes from MIGREX_BACKUP_PASSPHRASE or standard input."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the archive to read")

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist or is not a file")
        passphrase = read_passphrase(confirm=False)
        try:
            done = restore(file, passphrase)
        except ArchiveError as exc:
            raise CommandError(f"not restored: {exc}") from None
        except OSError as exc:
            raise CommandError(f"not restored: cannot read {file}: {exc}") from None
        self.stdout.write(
            f"restored node {done['node']} as of {done['created']} (migrex {done['software']}, "
            f"{done['vendor']}, {done['files']} stored file(s)"
            + (f", {done['migrated']} migration(s) applied since" if done["migrated"] else "")
            + f") in {done['seconds']} s; start its server and worker"
        )
