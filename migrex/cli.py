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

    try:
        execute_from_command_line(["migrex", *args])
    except ImproperlyConfigured as exc:  # a setting the node cannot use: say which, no traceback
        sys.exit(f"migrex: {exc}")


if __name__ == "__main__":
    main()
