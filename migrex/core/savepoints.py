"""A savepoint taken only when a block first writes, for the many blocks of a batch that do not.

The inbox takes each message of a batch in a savepoint of its own (exchange/inbox.py), so that a
message refused after it wrote undoes what it wrote and nothing else. Most messages write
nothing there: what they store waits for the batch's end (core/deferred.py). Their savepoint
and its release are then two round trips to the database for nothing: 20 of the 37 statements
of a batch of 10 requests on PostgreSQL. `on_first_write()` takes the savepoint just before the
block's first statement that is not a plain SELECT (a write, a lock, a nested savepoint: so
that any savepoint opened inside nests in this one), and releases or rolls back to it at the
block's end, as `transaction.atomic()` would.

A block that fails before it wrote has nothing to undo, unless what failed was a statement: on
PostgreSQL the transaction then accepts no more statements until a rollback, and there is no
savepoint to roll back to. That raises `Unprotected`, for the caller to take the work again
with a savepoint of its own (the inbox takes the batch again message by message).

Django's `transaction.atomic()` cannot be entered lazily: its blocks must nest, and the first
write may come inside a block the code under it opened. So this keeps its own savepoint with
the connection's savepoint API, which `atomic()` itself uses.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import DatabaseError, connections, transaction


class Unprotected(Exception):
    """A statement failed in an `on_first_write()` block before any savepoint was taken."""


def _reads(sql: str) -> bool:
    """A plain SELECT: not a write, nor a lock (FOR UPDATE, FOR SHARE…: such a statement is
    taken for a write, which at worst costs a savepoint)."""
    head = sql.lstrip().lstrip("(").lstrip()[:6].upper()
    return head == "SELECT" and " FOR " not in sql.upper()


@contextlib.contextmanager
def on_first_write(using: str = "default") -> Iterator[None]:
    """As `transaction.atomic()` inside a transaction, with the savepoint taken at the block's
    first write rather than at its start. Outside a transaction, `transaction.atomic()`."""
    connection = connections[using]
    if not connection.in_atomic_block:
        with transaction.atomic(using=using):
            yield
        return
    sid: list[str] = []  # the savepoint, once taken
    taking = False  # its own statement passes through the wrapper too
    callbacks = len(connection.run_on_commit)  # those registered before the block

    def wrapper(execute, sql, params, many, context):
        nonlocal taking
        if not sid and not taking and not _reads(sql):
            taking = True
            try:
                sid.append(transaction.savepoint(using=using))
            finally:
                taking = False
        return execute(sql, params, many, context)

    failed = unprotected = False
    try:
        with connection.execute_wrapper(wrapper):
            yield
    except BaseException as exc:
        failed = True
        if not sid and isinstance(exc, DatabaseError):
            unprotected = True
            raise Unprotected(f"{type(exc).__name__} before the block wrote") from exc
        raise
    finally:
        # As atomic() at its end: a failure, or an inner block without a savepoint of its own
        # that failed, rolls back to the savepoint, with the commit hooks registered since.
        # Before the first write there is nothing to roll back.
        undo = failed or connection.needs_rollback
        if not unprotected:
            connection.needs_rollback = False
        if sid:
            if undo:
                transaction.savepoint_rollback(sid[0], using=using)
                del connection.run_on_commit[callbacks:]
            transaction.savepoint_commit(sid[0], using=using)
