"""The passphrase of a backup archive: from MIGREX_BACKUP_PASSPHRASE, or the first line of
standard input (a pipe from a secret store, or typed at a prompt). Never an argument: the command
line of a process is visible to every user of the machine."""

from __future__ import annotations

import getpass
import os
import sys

from django.core.management.base import CommandError

MINIMUM = 12


def read_passphrase(*, confirm: bool) -> str:
    phrase = os.environ.get("MIGREX_BACKUP_PASSPHRASE", "")
    if not phrase:
        if sys.stdin.isatty():
            phrase = getpass.getpass("Archive passphrase: ")
            if confirm and getpass.getpass("Again: ") != phrase:
                raise CommandError("the two passphrases differ: nothing was done")
        else:
            phrase = sys.stdin.readline().rstrip("\r\n")
    if not phrase:
        raise CommandError(
            "no passphrase: set MIGREX_BACKUP_PASSPHRASE or give it on standard input"
        )
    if confirm and len(phrase) < MINIMUM:
        raise CommandError(f"the passphrase is too short: give at least {MINIMUM} characters")
    return phrase
