"""Crashes lose nothing and duplicate nothing: 1,000 deliveries from KZ to BY while the BY web
server and the KZ delivery worker are killed with SIGKILL at random moments and restarted; and two
workers sharing one outbox deliver each message once."""

from __future__ import annotations

import random
import subprocess
import sys
import time

import pytest

from migrex.exchange.tests.queued import (
    FAST_RETRIES,
    OUTBOX,
    QUEUE,
    RECEIVED,
    deliver_lists,
    pending,
)
from migrex.shell.nodes import ROOT, databases, pair

pytestmark = pytest.mark.nodes

MESSAGES = 1000
KILLS = 24  # rounds of a SIGKILL at a random moment; then the nodes run undisturbed
DRAIN = 900  # seconds to wait for the outbox to empty afterwards: a hang, not a measure


@pytest.fixture
def fresh_databases():
    """Each test here sets up its own two nodes (PostgreSQL databases when the suite runs on it)."""
    with databases(2) as urls:
        yield urls


def test_sigkill_of_receiver_and_sender_loses_and_duplicates_nothing(tmp_path, fresh_databases):
    kz, by = pair(tmp_path, database_urls=tuple(fresh_databases))
    for node in (kz, by):
        node.extra_env.update(FAST_RETRIES)
    by.start(worker=False)
    try:
        deliver_lists(kz)
    finally:
        by.stop()
    sent = kz.python(QUEUE, MESSAGES)
    assert len(set(sent)) == MESSAGES
    rng = random.Random(20261122)
    kills = {"server": 0, "worker": 0}
    by.start(worker=False)
    kz.start(server=False)
    try:
        for _ in range(KILLS):  # a fixed number of crashes, wherever delivery has got to
            time.sleep(rng.uniform(0.1, 0.6))
            if rng.random() < 0.5:
                by.kill("server")
                kills["server"] += 1
                by.start(worker=False)
            else:
                kz.kill("worker")
                kills["worker"] += 1
                kz.start(server=False)
        deadline = time.monotonic() + DRAIN  # then no more crashes: everything must arrive
        while pending(kz) and time.monotonic() < deadline:
            time.sleep(0.5)
        outbox = kz.python(OUTBOX)
        received = by.python(RECEIVED)
    finally:
        kz.stop()
        by.stop()
    print(f"kills: {kills}; outbox: {outbox}")
    assert kills["server"] > 3 and kills["worker"] > 3
    assert outbox["counts"] == {"delivered": MESSAGES}, outbox
    assert sorted(received["cases"]) == sorted(sent)  # every one arrived, exactly once
    assert received["inbox"] == MESSAGES


def test_two_workers_share_the_outbox_and_deliver_each_message_once(tmp_path, fresh_databases):
    """Several workers may run (SKIP LOCKED on PostgreSQL, a conditional claim on any database):
    each takes its own messages, none is delivered twice."""
    kz, by = pair(tmp_path, database_urls=tuple(fresh_databases))
    by.start(worker=False)
    try:
        deliver_lists(kz)
    finally:
        by.stop()
    sent = kz.python(QUEUE, 300)
    by.start(worker=False)
    try:
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "migrex.cli", "worker", "--once", "--idle", "0.05"],
                env=kz.env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        handled = [int(w.communicate(timeout=240)[0].split(": ")[1].split()[0]) for w in workers]
        outbox, received = kz.python(OUTBOX), by.python(RECEIVED)
    finally:
        by.stop()
    assert all(n > 0 for n in handled), handled  # both took part
    assert sum(handled) == len(sent)  # and no message was handled by both
    assert outbox["counts"] == {"delivered": len(sent)}, outbox
    assert sorted(received["cases"]) == sorted(sent)
