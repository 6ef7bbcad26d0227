"""The `migrex` command: Django's management commands under the node's own name.

`migrex migrate`, `migrex createsuperuser`, `migrex agreements …`, `migrex demo` … all run here,
with settings read from the environment (DATABASE_URL, MIGREX_DATA_DIR, SECRET_KEY).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["demo"]:
        # The demo orchestrates node processes; it needs no settings of its own.
        from migrex.shell.demo import main as demo

        sys.exit(demo(args[1:]))
    if args[:1] == ["link"]:
        # Batch linkage of two registry files: no node, no database of its own.
        from migrex.matching.linkage import main as link

        sys.exit(link(args[1:]))
    if args[:1] == ["synthetic"]:
        from migrex.matching.synthetic import main as synthetic

        sys.exit(synthetic(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["migrex", *args])
    except ImproperlyConfigured as exc:  # a setting the node cannot use: say which, no traceback
        sys.exit(f"migrex: {exc}")
    except DatabaseError:
        # A database not migrated or not reachable is the operator's to fix: one line saying
        # how. Any other database error is a fault, with its traceback.
        problem = _database_problem() if args[:1] != ["migrate"] else None
        if problem is None:
            raise
        sys.exit(f"migrex: {problem}")


def _database_problem() -> str | None:
    from django.db import connections

    from migrex.exchange.readiness import database

    connections.close_all()
    check = database(fresh=True)
    return None if check.ok else f"the database is not ready ({check.reason}): {check.advice}"


if __name__ == "__main__":
    main()
