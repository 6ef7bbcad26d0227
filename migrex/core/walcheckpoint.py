"""SQLite's write-ahead log copied into the database from a thread of its own.

In WAL mode (config/settings.py) a commit appends to the log; by SQLite's default, the commit
that takes the log past 1,000 pages (4 MiB) then copies the log into the database file and
syncs it to disk. Those tens of milliseconds fall on whichever request or delivery happened to
commit then: in the exchange, the slowest messages (bench/exchange_throughput.py). The
long-running processes (`migrex serve`, `migrex worker`) copy the log every second instead, from
a thread with a connection of its own, in PASSIVE mode, which waits for no reader and no writer
(and releases Python's lock while SQLite works). Their own connections copy it only should the
log pass 10,000 pages (40 MiB), that thread having fallen behind. Short commands keep SQLite's
default. PostgreSQL has checkpoints of its own, run by its own processes: nothing to do.

Kept here rather than taken from a library: it is one pragma on a timer.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created

log = logging.getLogger("migrex.walcheckpoint")

INTERVAL = 1.0  # seconds between two checkpoints
BACKSTOP = 10_000  # pages of log past which a connection of the process copies it itself

_started: set[str] = set()
_starting = threading.Lock()


def start(alias: str = "default") -> bool:
    """Checkpoint the database `alias` in the background from now on, if it is a SQLite file;
    whether it is."""
    database = settings.DATABASES[alias]
    path = str(database["NAME"])
    if not database["ENGINE"].endswith("sqlite3") or "memory" in path:
        return False
    with _starting:
        if alias in _started:
            return True
        _started.add(alias)
    connection_created.connect(_backstop, dispatch_uid="migrex-wal-backstop")
    if connections[alias].connection is not None:  # opened before: it gets the backstop too
        _backstop(None, connections[alias])
    timeout = float(database.get("OPTIONS", {}).get("timeout", 5.0))
    thread = threading.Thread(target=_run, args=(path, timeout), name="wal-checkpoint", daemon=True)
    thread.start()
    return True


def checkpoint(db: sqlite3.Connection) -> tuple[int, int, int]:
    """Copy into the database what the log holds that no reader still needs: (1 if it could
    not all be copied, pages in the log, pages copied), as SQLite reports them."""
    return tuple(db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())


def _backstop(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP}")


def _run(path: str, timeout: float, interval: float = INTERVAL, stop=None) -> None:
    """Checkpoint the database at `path` every `interval` seconds until `stop` (an Event) is
    set: for ever in a node's process."""
    db = sqlite3.connect(path, timeout=timeout)
    stop = stop or threading.Event()  # never set: a wait is a sleep
    while not stop.wait(interval):
        try:
            checkpoint(db)
        except sqlite3.Error as exc:  # the next one tries again; the backstop holds meanwhile
            log.warning("checkpoint of the database's log failed: %s", exc)
