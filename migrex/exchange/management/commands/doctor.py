"""`migrex doctor`: the readiness checks of `/readyz` (exchange/readiness.py), one line each with
the operator's details, and under a failed one what to do. Exit status 0 when the node is
ready, 1 when it is not."""

import sys

from django.core.management.base import BaseCommand

from migrex.exchange import readiness


class Command(BaseCommand):
    help = "Check the database, keys, peers, delivery worker and outbox; say what to do."

    def handle(self, *args, **options):
        checks = readiness.run_all(fresh=True)
        width = max(len(c.name) for c in checks)
        for check in checks:
            mark = "ok  " if check.ok else "FAIL"
            said = check.reason + (f": {check.detail}" if check.detail else "")
            self.stdout.write(f"{mark} {check.name:<{width}}  {said}")
            if not check.ok and check.advice:
                self.stdout.write(f"     {'':<{width}}  → {check.advice}")
        failed = [c.name for c in checks if not c.ok]
        if failed:
            self.stdout.write(f"not ready: {', '.join(failed)}")
            self.stdout.flush()
            sys.exit(1)
        self.stdout.write("ready")
