"""core/dbwait.one_writer: the threads of one process that write to SQLite take turns."""

import threading
import time

from django.db import connection

from migrex.core.dbwait import one_writer


def test_a_second_writer_starts_only_when_the_first_is_done():
    events: list[str] = []
    inside, release = threading.Event(), threading.Event()

    def first():
        with one_writer():
            inside.set()
            release.wait(5)
            events.append("first done")

    def second():
        inside.wait(5)
        with one_writer():
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    events.append("released")
    release.set()
    for t in threads:
        t.join(5)
    if connection.vendor == "sqlite":
        assert events == ["released", "first done", "second in"]
    else:  # PostgreSQL locks rows: no queue in the process
        assert events == ["second in", "released", "first done"]


def test_a_writer_may_nest_in_itself():
    done = threading.Event()

    def nested():
        with one_writer(), one_writer():
            done.set()

    thread = threading.Thread(target=nested)
    thread.start()
    thread.join(5)
    assert done.is_set()
