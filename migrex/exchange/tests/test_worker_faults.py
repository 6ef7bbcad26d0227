"""The delivery worker never stops on a database fault: KZ's database is made unusable for 30
seconds while messages wait in its outbox (on SQLite another process holds the write lock; on
PostgreSQL the database refuses connections and its sessions are ended, as in a restart), and the
worker stays up, says so in its log, and delivers everything exactly once when it is back."""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
import pytest

from migrex.exchange.tests.queued import (
    FAST_RETRIES,
    OUTBOX,
    QUEUE,
    RECEIVED,
    deliver_lists,
    pending,
)
from migrex.shell.nodes import databases, pair

pytestmark = pytest.mark.nodes

MESSAGES = 40
FAULT = 30  # seconds


@contextmanager
def database_unusable(node):
    if not node.database_url:
        lock = sqlite3.connect(node.data_dir / "migrex.sqlite3", timeout=30)
        lock.execute("BEGIN EXCLUSIVE")  # the one write lock, held
        try:
            yield "database is locked"
        finally:
            lock.rollback()
            lock.close()
        return
    name = urlsplit(node.database_url).path.lstrip("/")
    admin = node.database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        db.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        try:
            yield "not currently accepting connections"
        finally:
            db.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


def test_the_worker_outlives_a_database_fault_and_delivers_each_message_once(
    tmp_path,
):
    with databases(2) as urls:
        _outlive_a_fault(tmp_path, urls)


def _outlive_a_fault(tmp_path, urls) -> None:
    kz, by = pair(tmp_path, database_urls=tuple(urls))
    # A lock wait shorter than the fault, so that the worker meets it several times.
    kz.extra_env.update(FAST_RETRIES, MIGREX_SQLITE_TIMEOUT="4")
    by.start(worker=False)
    try:
        deliver_lists(kz)
        sent = kz.python(QUEUE, MESSAGES)
        with database_unusable(kz) as symptom:
            kz.start(server=False)
            time.sleep(FAULT)
            assert kz.procs["worker"].poll() is None, "the worker stopped"
        assert pending(kz) == MESSAGES  # nothing could leave meanwhile
        deadline = time.monotonic() + 120
        while pending(kz) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert kz.procs["worker"].poll() is None
        outbox = kz.python(OUTBOX)
        received = by.python(RECEIVED)
    finally:
        kz.stop()
        by.stop()
    log = (kz.data_dir / "node.log").read_text(errors="replace")
    assert "database unavailable" in log and symptom in log
    assert "database available again" in log
    assert outbox["counts"] == {"delivered": MESSAGES}, outbox
    assert sorted(received["cases"]) == sorted(sent)  # each arrived, and once
    assert received["inbox"] == MESSAGES
