"""SQLite's log copied into the database from a thread of its own (core/walcheckpoint.py): the
log stays small though the connection that writes never copies it itself."""

from __future__ import annotations

import sqlite3
import threading

from migrex.core import walcheckpoint

PAGE = 4096


def writer(path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # it never copies the log itself
    db.execute("CREATE TABLE IF NOT EXISTS t (x BLOB)")
    return db


def write(db: sqlite3.Connection, pages: int) -> None:
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO t VALUES (?)", [(b"\0" * PAGE,)] * pages)
    db.execute("COMMIT")


def test_a_checkpoint_copies_the_whole_log_when_no_reader_needs_it(tmp_path):
    path = tmp_path / "db.sqlite3"
    db = writer(path)
    write(db, 200)
    busy, logged, copied = walcheckpoint.checkpoint(sqlite3.connect(path))
    assert busy == 0 and logged >= 200 and copied == logged


def test_the_log_stays_small_while_the_thread_runs(tmp_path):
    path = tmp_path / "db.sqlite3"
    db = writer(path)
    wal = path.with_name(path.name + "-wal")
    stop = threading.Event()
    thread = threading.Thread(target=walcheckpoint._run, args=(str(path), 5.0, 0.02, stop))
    thread.start()
    try:
        for _ in range(40):
            write(db, 100)  # 4,000 pages in all: 16 MiB of log were it never copied
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join()
    assert wal.stat().st_size < 1000 * PAGE
    alone = tmp_path / "alone.sqlite3"
    db = writer(alone)
    for _ in range(40):
        write(db, 100)
    assert alone.with_name(alone.name + "-wal").stat().st_size > 4000 * PAGE
