"""How long a write waits for another's lock, when the write is bookkeeping.

SQLite has one write lock for the whole database, and a write that finds it taken waits for it up
to MIGREX_SQLITE_TIMEOUT (20 s) before failing with "database is locked". That is right for the
work a request or the worker was asked to do. It is wrong for what a read only notes on the way
— when an API token was last used, a session's refreshed expiry — which would make the read wait
those 20 s and then fail it. Such writes wait briefly here, and their callers skip them when the
lock stays taken (accounts/tokens.py, accounts/sessions.py).

PostgreSQL locks rows, not the database: such a write waits only for another transaction that
holds the same row (the token being revoked, the session being saved by another request of the
same officer), rarely and briefly; the same bound (lock_timeout) keeps it from ever holding up
the read.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from django.db import connection, connections

BRIEF = 1.0  # seconds
_usual: dict[str, object] = {}  # database alias -> its connections' usual setting


@contextlib.contextmanager
def brief_wait(seconds: float = BRIEF) -> Iterator[None]:
    """Writes in the block wait at most `seconds` for another's lock, then fail with
    OperationalError: SQLite's busy timeout, PostgreSQL's lock_timeout, of this connection,
    restored afterwards."""
    ms = int(seconds * 1000)
    if connection.vendor == "sqlite":
        read, write = "PRAGMA busy_timeout", "PRAGMA busy_timeout = {}"
    elif connection.vendor == "postgresql":
        read, write = "SHOW lock_timeout", "SET lock_timeout = '{}'"
    else:
        yield
        return
    with connection.cursor() as cursor:
        # The usual setting, read once per process and database: every connection to it is
        # opened with the same one (DATABASES), and it is restored below. A page then pays two
        # statements for the brief wait, not three.
        usual = _usual.get(connection.alias)
        if usual is None:
            cursor.execute(read)
            usual = _usual.setdefault(connection.alias, cursor.fetchone()[0])
        cursor.execute(write.format(ms))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(write.format(_plain(usual)))


def _plain(value) -> str:
    """A setting as read back, fit to be written again: `1000`, `0`, `2s`."""
    text = str(value)
    if not all(c.isalnum() for c in text):
        raise ValueError(f"unexpected lock timeout {text!r}")
    return text


_writers: dict[str, threading.RLock] = {}
_writers_made = threading.Lock()


@contextlib.contextmanager
def one_writer(using: str = "default") -> Iterator[None]:
    """Threads of this process that write to the same SQLite database queue here, each starting
    the moment the one before it commits. Without it, a transaction that finds the write lock
    taken sleeps in SQLite's busy handler, in steps of up to 100 ms, and may sleep on well after
    the lock is free: the exchange's tail of latency (bench/exchange_throughput.py). Re-entrant,
    for a transaction nested in another. PostgreSQL locks rows, not the database: no queue.
    Take it before the transaction, never inside one (which holds the write lock already)."""
    if connections[using].vendor != "sqlite":
        yield
        return
    with _writers_made:
        lock = _writers.setdefault(using, threading.RLock())
    with lock:
        yield
