"""Tamper evidence: the PostgreSQL trigger, and `verify` naming the first entry that was altered
(every stored field), deleted, reordered, rewritten or truncated. Exhaustive over a small chain:
every single-field edit of every entry, every single deletion, every swap of two entries."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from migrex.audit import checkpoints
from migrex.audit.models import AuditEntry, AuditHead, Checkpoint
from migrex.audit.services import entry_hash, record
from migrex.audit.tests.conftest import tampering
from migrex.audit.verify import verify
from migrex.exchange.crypto import generate_node_keys

N = 6


class Undo(Exception):
    pass


@pytest.fixture
def chain(db):
    """Six entries of the kinds the log holds."""
    record("agreement.loaded", subject="kz-by-2019", detail={"revision": 1})
    record("personal_data.read", actor="kz-operator", subject="caseperson:7", detail={"case": 3})
    record("access.denied", actor="kz-auditor", subject="/exchange/", detail={"status": 403})
    record("message.sent", subject="0190-aa", detail={"kind": "request", "note": "ü ё"})
    record("personal_data.read", actor="kz-signatory", subject="caseperson:7", detail={})
    record("admin.change", actor="kz-admin", subject="accounts.user:4", detail={"flag": "changed"})
    assert AuditEntry.objects.count() == N
    return N


def check_then_undo(expect_seq: int, expect_kind: str, change) -> str:
    """Apply `change` (as the attacker), verify, undo; the problem's text."""
    try:
        with transaction.atomic(), tampering():
            change()
            report = verify()
            assert report.problem is not None, "not detected"
            assert (report.problem.seq, report.problem.kind) == (expect_seq, expect_kind), str(
                report.problem
            )
            text = str(report.problem)
            raise Undo
    except Undo:
        pass
    assert verify().ok
    return text


EDITS = {
    "at": lambda e: {"at": e.at + dt.timedelta(seconds=1)},
    "actor": lambda e: {"actor": e.actor + "x"},
    "action": lambda e: {"action": "message.received"},
    "subject": lambda e: {"subject": e.subject + "0"},
    "detail": lambda e: {"detail": {**e.detail, "extra": 1}},
    "prev_hash": lambda e: {"prev_hash": "f" * 64},
    "hash": lambda e: {"hash": "e" * 64},
}


@pytest.mark.parametrize("field", sorted(EDITS))
def test_every_edit_of_every_entry_is_named(chain, field):
    for seq in range(1, N + 1):
        entry = AuditEntry.objects.get(seq=seq)
        change = EDITS[field](entry)
        text = check_then_undo(
            seq, "altered", lambda s=seq, c=change: AuditEntry.objects.filter(seq=s).update(**c)
        )
        assert text == f"entry #{seq}: hash does not match its content (altered)"


def test_a_renumbered_entry_is_named(chain):
    for seq in range(1, N + 1):
        text = check_then_undo(
            seq, "altered", lambda s=seq: AuditEntry.objects.filter(seq=s).update(seq=100)
        )
        assert f"entry #{seq} " in text and "stored as #100" in text


def test_every_deletion_is_named(chain):
    for seq in range(1, N):
        text = check_then_undo(
            seq, "deleted", lambda s=seq: AuditEntry.objects.filter(seq=s).delete()
        )
        after = f"after #{seq - 1}" if seq > 1 else "at the start"
        assert text == f"entry #{seq} missing {after} (deleted)"
    # The last one: the head row still says the log ends there.
    text = check_then_undo(N, "truncated", lambda: AuditEntry.objects.filter(seq=N).delete())
    assert text == f"entries #{N}–#{N} missing after #{N - 1} (truncated): " + (
        f"the head row says the log ends at #{N}"
    )


def test_several_deleted_entries_are_named_together(chain):
    text = check_then_undo(2, "deleted", lambda: AuditEntry.objects.filter(seq__in=[2, 3]).delete())
    assert text == "entries #2–#3 missing after #1 (deleted)"


def test_every_swap_of_two_entries_is_named(chain):
    def swap(i: int, j: int) -> None:
        AuditEntry.objects.filter(seq=i).update(seq=1000)
        AuditEntry.objects.filter(seq=j).update(seq=i)
        AuditEntry.objects.filter(seq=1000).update(seq=j)

    for i, j in combinations(range(1, N + 1), 2):
        text = check_then_undo(i, "reordered", lambda i=i, j=j: swap(i, j))
        assert text.startswith(f"entry #{i} is out of place: it was written after ")


def test_swapped_contents_are_named_too(chain):
    """The rows stay, their contents (hashes included) change places."""
    fields = ("at", "actor", "action", "subject", "detail", "prev_hash", "hash")

    def swap():
        a = AuditEntry.objects.values(*fields).get(seq=2)
        b = AuditEntry.objects.values(*fields).get(seq=4)
        AuditEntry.objects.filter(seq=2).update(**b)
        AuditEntry.objects.filter(seq=4).update(**a)

    text = check_then_undo(2, "reordered", swap)
    assert text == "entry #2 is out of place: it was written after the entry now at #3 (reordered)"


def test_truncation_against_the_head(chain):
    text = check_then_undo(5, "truncated", lambda: AuditEntry.objects.filter(seq__gt=4).delete())
    assert text.startswith("entries #5–#6 missing after #4 (truncated)")


def _rewrite_from(seq: int, **change) -> None:
    """The careful attacker: change entry `seq`, recompute every hash after it, and the head."""
    AuditEntry.objects.filter(seq=seq).update(**change)
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for e in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        h = entry_hash(prev, e.seq, e.at.isoformat(), e.actor, e.action, e.subject, e.detail)
        AuditEntry.objects.filter(pk=e.pk).update(prev_hash=prev, hash=h)
        prev = h
    AuditHead.objects.filter(pk=1).update(hash=prev)


def _truncate_to(seq: int) -> None:
    AuditEntry.objects.filter(seq__gt=seq).delete()
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=AuditEntry.objects.get(seq=seq).hash)


def test_a_consistent_rewrite_needs_a_checkpoint(node_keys):
    for i in range(8):
        record("access.denied", subject=str(i))
    last = AuditHead.objects.get().seq
    with transaction.atomic(), tampering():
        _rewrite_from(4, actor="someone else")
        assert verify().ok  # the head was rewritten too: only a signature can tell
        transaction.set_rollback(True)
    checkpoints.make(send=False)
    with transaction.atomic(), tampering():
        _rewrite_from(4, actor="someone else")
        problem = verify().problem
        assert (problem.seq, problem.kind) == (last, "rewritten")
        assert f"history in #1–#{last} was rewritten" in problem.text
        transaction.set_rollback(True)


def test_a_truncation_with_the_head_set_back_needs_a_checkpoint(node_keys):
    for i in range(8):
        record("access.denied", subject=str(i))
    last = AuditHead.objects.get().seq
    with transaction.atomic(), tampering():
        _truncate_to(last - 3)
        assert verify().ok
        transaction.set_rollback(True)
    checkpoints.make(send=False)
    with transaction.atomic(), tampering():
        _truncate_to(last - 3)
        problem = verify().problem
        assert (problem.seq, problem.kind) == (last - 2, "truncated")
        assert f"entries #{last - 2}–#{last} missing after #{last - 3} (truncated): " in str(
            problem
        )
        assert "the checkpoint signed" in str(problem)
        transaction.set_rollback(True)


def test_an_altered_or_forged_checkpoint_is_named(node_keys, signed_checkpoint, settings):
    record("access.denied")
    cp = checkpoints.make(send=False)
    with transaction.atomic(), tampering():
        Checkpoint.objects.filter(pk=cp.pk).update(hash="0" * 64)
        problem = verify().problem
        assert problem.kind == "checkpoint" and "differs from what was signed" in str(problem)
        transaction.set_rollback(True)
    forger = generate_node_keys()
    token = signed_checkpoint(forger, cp.seq, "1" * 64, node=settings.MIGREX_NODE_ID)
    Checkpoint.objects.create(
        seq=cp.seq, hash="1" * 64, at=cp.at, kid=forger.signing_kid, token=token
    )
    problem = verify().problem
    assert problem.kind == "checkpoint" and "signature does not hold" in str(problem)


def test_a_witness_kept_by_a_peer_catches_what_the_node_lost(node_keys):
    """The attacker truncates, sets the head back and deletes the node's own checkpoints; the
    copy the peer kept still holds."""
    for i in range(5):
        record("access.denied", subject=str(i))
    token = checkpoints.make(send=False).token
    last = AuditHead.objects.get().seq
    with transaction.atomic(), tampering():
        _truncate_to(last - 2)
        Checkpoint.objects.all().delete()
        assert verify().ok
        problem = verify(witnesses=[token]).problem
        assert problem.kind == "truncated" and "the witness signed" in str(problem)
        transaction.set_rollback(True)
    assert verify(witnesses=[token]).ok


def test_verify_command_exits_non_zero_naming_the_entry(chain, capsys, tmp_path):
    call_command("audit", "verify", "--progress", "2")
    assert "verified 4 of 6 entries" in capsys.readouterr().err
    with tampering():
        AuditEntry.objects.filter(seq=3).update(actor="nobody")
        with pytest.raises(CommandError, match=r"entry #3: hash does not match its content"):
            call_command("audit", "verify")


def test_postgresql_refuses_update_and_delete(chain):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    for change in (
        lambda: AuditEntry.objects.filter(seq=2).update(actor="someone else"),
        lambda: AuditEntry.objects.filter(seq=2).delete(),
        lambda: AuditEntry.objects.filter(seq=2).update(seq=200),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    assert verify().ok and AuditEntry.objects.count() == N
    record("access.denied")
    assert AuditEntry.objects.count() == N + 1


@pytest.mark.parametrize(
    "value",
    [1e20, -0.0, 2.5e300, 1.5e-7, 0.1, 12345678901234567890, float("nan"), "\u2028 ё", [1, 2.0]],
)
def test_details_verify_as_the_database_gives_them_back(db, value):
    """PostgreSQL's jsonb keeps numbers as decimals (1e+20 comes back an integer)."""
    entry = record("access.denied", detail={"v": value, "nested": {"v": value}})
    assert verify().ok, verify().problem
    stored = AuditEntry.objects.get(seq=entry.seq).detail
    assert stored == entry.detail  # NaN is kept as its name, "NaN"


def test_a_time_stored_in_another_spelling_is_not_an_alteration(chain):
    """verify reads SQLite's stored text for speed; an equivalent spelling of the same time (as
    another tool may write it) is checked again through the ORM before anything is called
    altered."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite stores times as text")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET at = at || '+00:00' WHERE seq = 3")
        cursor.execute("SELECT at || '' FROM audit_auditentry WHERE seq = 3")
        assert cursor.fetchone()[0].endswith("+00:00")
    assert verify().ok
