"""Work a batch of changes does once, at its end, rather than once for each change: when the inbox
takes a batch of envelopes (exchange/inbox.py), its inbox rows, the cases its requests open with
their history and persons, the person index's rows and the audit chain's append. Still inside the
batch's transaction, so it commits or rolls back with the changes it belongs to; but one
statement for the batch instead of one per change, and the audit chain's head, locked by its
append until the commit, is locked for the end of the batch only, not from its first change on
(on PostgreSQL, other writers of the chain wait for that lock).

    with transaction.atomic(), deferred.batch():
        for item in items:
            with deferred.part(), transaction.atomic():  # a savepoint of its own
                ...  # deferred.later(flush, thing)
    # batch() ran flush([thing, …]) once, before the commit

A part that fails takes what it deferred with it, as its savepoint takes its rows. Outside a
batch, `later(flush, thing)` is `flush([thing])` at once: callers need not know whether they run
in one. Between parts, `settle()` runs what waits so far (for a change that acts on rows the ones
before it deferred), and `pending(flush)` says what waits for a flush (rows a check must see).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

Flush = Callable[[list[Any]], Any]

_open = threading.local()  # per thread, as Django's connections are


def later(flush: Flush, thing: Any, *, last: bool = False) -> Any:
    """`flush([thing, …])` once at the end of the batch, with every thing deferred to it in
    order (None now); outside a batch `flush([thing])` at once (what it returns). The flushes
    run in the order of their first use, those marked `last` after the others (the audit
    chain's: it holds its lock until the commit)."""
    stack = getattr(_open, "stack", None)
    if not stack:
        return flush([thing])
    stack[-1].setdefault((last, flush), []).append(thing)
    return None


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Defer `later()` work to the end of the block; run it there unless the block fails. Open
    it inside the batch's transaction."""
    stack = _open.__dict__.setdefault("stack", [])
    if stack:  # already in a batch: one end for all
        yield
        return
    stack.append({})
    try:
        yield
        pending = stack[-1]
    finally:
        stack.clear()
    for (_, flush), things in sorted(pending.items(), key=lambda item: item[0][0]):
        flush(things)


def pending(flush: Flush) -> list[Any]:
    """What was deferred to `flush` in the open batch so far, its parts' too, in order."""
    stack = getattr(_open, "stack", None) or []
    return [thing for level in stack for thing in level.get((False, flush), ())]


def settle() -> None:
    """Run now what the batch deferred so far, but its `last` work (the audit chain's append):
    for a change that may act on what the ones before it deferred. Call it between parts,
    never inside one (whose failure would take the others' work with it)."""
    stack = getattr(_open, "stack", None)
    if not stack:
        return
    if len(stack) > 1:
        raise RuntimeError("deferred.settle() inside a part")
    pending = stack[0]
    due = [key for key in pending if not key[0]]
    for key in due:
        key[1](pending.pop(key))


@contextlib.contextmanager
def part() -> Iterator[None]:
    """One change of a batch: what it defers is kept only if the block completes."""
    stack = getattr(_open, "stack", None)
    if not stack:
        yield
        return
    stack.append({})
    try:
        yield
    except BaseException:
        stack.pop()
        raise
    done = stack.pop()
    for key, things in done.items():
        stack[-1].setdefault(key, []).extend(things)
