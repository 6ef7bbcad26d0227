"""Work deferred to the end of a batch (core/deferred.py): run once there, with what each part
that completed deferred, in order; nothing of a part that failed, nothing at all of a batch
that failed; at once outside a batch."""

from __future__ import annotations

import pytest

from migrex.core import deferred


class Flushes:
    def __init__(self):
        self.calls: list[tuple[str, list]] = []

    def named(self, name: str):
        def flush(things: list) -> str:
            self.calls.append((name, things))
            return f"{name} done"

        return flush


def test_outside_a_batch_the_work_runs_at_once_and_says_what_it_returned():
    seen = Flushes()
    assert deferred.later(seen.named("index"), 1) == "index done"
    assert seen.calls == [("index", [1])]


def test_a_batch_runs_each_flush_once_at_its_end_the_last_ones_after_the_others():
    seen = Flushes()
    audit, index = seen.named("audit"), seen.named("index")
    with deferred.batch():
        with deferred.part():
            assert deferred.later(audit, "a1", last=True) is None
            deferred.later(index, "i1")
        with deferred.part():
            deferred.later(index, "i2")
            deferred.later(audit, "a2", last=True)
        assert seen.calls == []
    assert seen.calls == [("index", ["i1", "i2"]), ("audit", ["a1", "a2"])]


def test_a_part_that_fails_takes_its_work_with_it():
    seen = Flushes()
    index = seen.named("index")
    with deferred.batch():
        deferred.later(index, "before")
        with pytest.raises(ValueError), deferred.part():
            deferred.later(index, "refused")
            raise ValueError
        with deferred.part():
            deferred.later(index, "accepted")
    assert seen.calls == [("index", ["before", "accepted"])]


def test_a_batch_that_fails_runs_nothing_and_the_next_work_runs_at_once():
    seen = Flushes()
    index = seen.named("index")
    with pytest.raises(RuntimeError), deferred.batch():
        deferred.later(index, "lost")
        raise RuntimeError
    assert seen.calls == []
    deferred.later(index, "after")
    assert seen.calls == [("index", ["after"])]


def test_a_batch_inside_a_batch_ends_with_the_outer_one():
    seen = Flushes()
    index = seen.named("index")
    with deferred.batch():
        with deferred.batch():
            deferred.later(index, 1)
        assert seen.calls == []
    assert seen.calls == [("index", [1])]


def test_work_a_flush_defers_runs_at_once():
    seen = Flushes()
    audit = seen.named("audit")

    def index(things: list) -> None:
        seen.calls.append(("index", things))
        deferred.later(audit, "indexed", last=True)

    with deferred.batch():
        deferred.later(index, 1)
    assert seen.calls == [("index", [1]), ("audit", ["indexed"])]


def test_pending_is_what_the_batch_and_its_open_part_deferred_to_a_flush_in_order():
    seen = Flushes()
    index, other = seen.named("index"), seen.named("other")
    assert deferred.pending(index) == []
    with deferred.batch():
        deferred.later(index, 1)
        deferred.later(other, "x")
        with deferred.part():
            deferred.later(index, 2)
            assert deferred.pending(index) == [1, 2]
        with pytest.raises(ValueError), deferred.part():
            deferred.later(index, "refused")
            raise ValueError
        assert deferred.pending(index) == [1, 2]


def test_settle_runs_now_what_was_deferred_but_the_last_work():
    seen = Flushes()
    audit, index = seen.named("audit"), seen.named("index")
    with deferred.batch():
        with deferred.part():
            deferred.later(index, "opened")
            deferred.later(audit, "a1", last=True)
        deferred.settle()
        assert seen.calls == [("index", ["opened"])]
        assert deferred.pending(index) == []
        with deferred.part():
            deferred.later(index, "answered")
            deferred.later(audit, "a2", last=True)
    assert seen.calls == [
        ("index", ["opened"]),
        ("index", ["answered"]),
        ("audit", ["a1", "a2"]),
    ]


def test_settle_refuses_to_run_inside_a_part_and_does_nothing_outside_a_batch():
    deferred.settle()
    with deferred.batch(), deferred.part(), pytest.raises(RuntimeError):
        deferred.settle()
