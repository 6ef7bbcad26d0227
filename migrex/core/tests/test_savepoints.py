"""A savepoint taken at a block's first write (core/savepoints.py): none for a block that only
reads; what the block wrote, and the commit hooks it registered, undone when it fails, and
nothing else; a statement that fails before the first write said so (`Unprotected`). Each test
runs inside the test's transaction, as the inbox's blocks run inside their batch's."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from migrex.core.savepoints import Unprotected, _reads, on_first_write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def table() -> None:
    with connection.cursor() as cursor:
        # Gone with the test's transaction (outside one: empty, and kept by the connection).
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS tokens (token varchar(40))")


def _write(token: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO tokens VALUES (%s)", [token])


def _tokens() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM tokens ORDER BY token")
        return [row[0] for row in cursor.fetchall()]


def _savepoints(queries) -> list[str]:
    return [q["sql"].split()[0] for q in queries.captured_queries if "SAVEPOINT" in q["sql"]]


def test_a_block_that_only_reads_takes_no_savepoint():
    with CaptureQueriesContext(connection) as queries, on_first_write():
        _tokens()
    assert len(queries) == 1
    assert _savepoints(queries) == []


def test_a_block_that_writes_takes_its_savepoint_before_the_write_and_releases_it():
    with CaptureQueriesContext(connection) as queries, on_first_write():
        _tokens()
        _write("kept")
        _write("kept too")
    assert _savepoints(queries) == ["SAVEPOINT", "RELEASE"]
    assert queries.captured_queries[1]["sql"].startswith("SAVEPOINT")
    assert _tokens() == ["kept", "kept too"]


def test_a_failed_block_undoes_its_writes_and_hooks_and_nothing_before_it():
    _write("before")
    transaction.on_commit(print)
    with pytest.raises(ValueError), on_first_write():
        _write("undone")
        transaction.on_commit(dict)
        raise ValueError("refused")
    assert _tokens() == ["before"]
    assert [hook for _, hook, _ in connection.run_on_commit] == [print]


def test_a_block_that_fails_before_writing_leaves_the_transaction_usable():
    with pytest.raises(ValueError), on_first_write():
        _tokens()
        raise ValueError("refused before any write")
    _write("after")
    assert _tokens() == ["after"]


def test_an_inner_block_without_a_savepoint_that_fails_is_undone_with_the_block():
    with pytest.raises(ValueError), on_first_write(), transaction.atomic(savepoint=False):
        _write("inner")
        raise ValueError("refused inside")
    assert not connection.needs_rollback
    assert _tokens() == []


def test_an_inner_savepoint_nests_in_the_blocks_own_so_a_later_failure_undoes_it_too():
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValueError), on_first_write():
        with transaction.atomic():
            _write("inner, released")
        raise ValueError("refused after")
    assert _savepoints(queries) == ["SAVEPOINT", "SAVEPOINT", "RELEASE", "ROLLBACK", "RELEASE"]
    assert _tokens() == []


def test_a_statement_that_fails_before_any_write_is_unprotected():
    with pytest.raises(Unprotected) as raised, on_first_write(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    assert isinstance(raised.value.__cause__, DatabaseError)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_block_is_one():
    with pytest.raises(ValueError), on_first_write():
        assert connection.in_atomic_block
        _write("undone")
        raise ValueError("refused")
    assert _tokens() == []


@pytest.mark.parametrize(
    ("sql", "reads"),
    [
        ('SELECT "a" FROM "t" WHERE "b" = %s', True),
        ('(SELECT "a" FROM "t") UNION (SELECT "a" FROM "u")', True),
        ('SELECT "a" FROM "t" WHERE "b" = %s FOR UPDATE SKIP LOCKED', False),
        ('SELECT "a" FROM "t" FOR NO KEY UPDATE', False),
        ('SELECT "a" FROM "t" FOR SHARE', False),
        ("WITH e AS (INSERT INTO t VALUES (1) RETURNING a) SELECT a FROM e", False),
        ('UPDATE "t" SET "a" = 1', False),
        ('SAVEPOINT "s1"', False),
    ],
)
def test_what_counts_as_a_read(sql, reads):
    """Only a plain SELECT waits for the block's first write; a lock or a nested savepoint
    takes the block's own first."""
    assert _reads(sql) is reads
