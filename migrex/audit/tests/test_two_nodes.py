"""Checkpoints between two real nodes (KZ and BY processes, each with its own database and keys):
KZ signs its chain and its worker delivers the checkpoint; BY verifies it with KZ's keys and keeps
it; handed back, BY's copy lets KZ's `audit verify` catch a truncation that KZ's own database no
longer shows (the head set back, KZ's checkpoints deleted)."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from migrex.shell.nodes import LocalNode

pytestmark = pytest.mark.nodes

# Played on KZ as an attacker with the database would: the trigger disabled (PostgreSQL), the
# last entries from the checkpoint's number on deleted, the head set back, checkpoints gone.
TRUNCATE = """
from django.db import connection, transaction
from migrex.audit.models import AuditEntry, AuditHead, Checkpoint
seq = DATA
with transaction.atomic():
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            for t in ("audit_auditentry", "audit_checkpoint"):
                c.execute(f"ALTER TABLE {t} DISABLE TRIGGER {t}_append_only")
    AuditEntry.objects.filter(seq__gte=seq).delete()
    Checkpoint.objects.all().delete()
    last = AuditEntry.objects.get(seq=seq - 1)
    AuditHead.objects.filter(pk=1).update(seq=last.seq, hash=last.hash)
print(json.dumps(seq - 1))
"""


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, node_databases):
    """shell.nodes.pair(), the two set-ups side by side."""
    base = tmp_path_factory.mktemp("audit-nodes")
    kz = LocalNode("KZ", base / "kz", time_zone="Asia/Almaty", database_url=node_databases[0])
    by = LocalNode("BY", base / "by", time_zone="Europe/Minsk", database_url=node_databases[1])
    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(kz.prepare), pool.submit(by.prepare)]:
            done.result()
    kz.trust(by)
    by.trust(kz)
    try:
        yield kz, by
    finally:
        kz.stop()
        by.stop()


def test_a_checkpoint_kept_by_the_peer_catches_a_truncation(nodes, tmp_path):
    kz, by = nodes
    by.start(worker=False)
    kz.start(server=False)
    said = kz.migrex("audit", "checkpoint")
    assert "queued for 1 peer(s)" in said, said
    seq = int(said.split()[1].lstrip("#"))

    deadline = time.monotonic() + 60
    while not (kept := by.migrex("audit", "checkpoints", "--peer", "KZ", "--json").strip()):
        assert time.monotonic() < deadline, "BY never received KZ's checkpoint"
        time.sleep(0.5)
    (row,) = [json.loads(line) for line in kept.splitlines()]
    assert row["seq"] == seq and not row["conflict"]
    received = [
        json.loads(line)
        for line in by.migrex("audit", "tail", "50", "--json", "--action", "message.received")
        .strip()
        .splitlines()
    ]
    assert any(e["detail"]["kind"] == "audit_checkpoint" for e in received)

    witness = tmp_path / "kept-by-BY.txt"
    witness.write_text(by.migrex("audit", "checkpoints", "--peer", "KZ", "--tokens"))
    assert "chain intact" in kz.migrex("audit", "verify", "--witness", str(witness))

    kz.stop()
    assert kz.python(TRUNCATE, seq) == seq - 1
    assert "chain intact" in kz.migrex("audit", "verify")  # nothing left on KZ tells
    with pytest.raises(RuntimeError, match=rf"entries #{seq}–#{seq} missing .*truncated"):
        kz.migrex("audit", "verify", "--witness", str(witness))
