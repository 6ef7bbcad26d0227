"""`migrex backup` and `migrex restore` as an administrator runs them, on a real node: each refusal
is one line naming why and what to do, and leaves the new node as empty as it was (the restore
that follows them succeeds)."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from migrex.shell import archive
from migrex.shell.nodes import ROOT, LocalNode, databases

pytestmark = pytest.mark.nodes

PASSPHRASE = "the archive's passphrase"


def run(node: LocalNode, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "migrex.cli", *args],
        env={**node.env, **env},
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
    )


def refused(node: LocalNode, path, reason: str, stdin: str = PASSPHRASE, **env) -> None:
    done = run(node, "restore", str(path), stdin=stdin + "\n", **env)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1, done.stderr
    assert reason in lines[0], lines[0]


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def audited(node: LocalNode, action: str) -> dict:
    """The detail of the node's last audit entry of `action`."""
    lines = node.migrex("audit", "tail", "1", "--json", "--action", action).splitlines()
    return json.loads(lines[-1])["detail"]


def rewritten(source: bytes, change) -> bytes:
    """The archive with its manifest changed by `change`, encrypted again (what a newer
    migrex would have written)."""
    reader = archive.Reader(io.BytesIO(source), PASSPHRASE)
    members = {}
    with archive.open_tar_reader(reader) as tar:
        while (member := tar.next()) is not None:
            data = bytearray()
            archive.copy_member(tar, member, data.extend)
            members[member.name] = bytes(data)
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    writer = archive.Writer(out, PASSPHRASE)
    with archive.open_tar_writer(writer) as tar:
        for name, data in members.items():
            archive.add_bytes(tar, name, data)
    writer.close()
    return out.getvalue()


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory, node_databases):
    """A node set up (migrated, agreements, keys, officers), its archive, and a new node with
    the same environment (secret key) and nothing else."""
    base = tmp_path_factory.mktemp("backup")
    node = LocalNode("KZ", base / "old", database_url=node_databases[0])
    node.migrex("migrate", "--no-input", "-v", "0")
    node.migrex("demo_setup")
    path = base / "kz.mxb"
    done = run(node, "backup", str(path), stdin=PASSPHRASE + "\n")
    assert done.returncode == 0, done.stderr
    fresh = LocalNode("KZ", base / "new", database_url=node_databases[1])
    (fresh.data_dir / "secret_key").write_text((node.data_dir / "secret_key").read_text())
    return node, path, fresh, done.stdout


def test_backup_says_what_it_wrote(backed_up):
    _, path, _, said = backed_up
    assert said.startswith(f"{path}: ") and "database" in said and " s" in said
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert audited(backed_up[0], "node.backed_up")["sha256"] == sha256(path)


def test_a_short_passphrase_is_refused_at_backup(backed_up, tmp_path):
    node = backed_up[0]
    done = run(node, "backup", str(tmp_path / "x.mxb"), stdin="short\n")
    assert done.returncode == 1 and "too short" in done.stderr
    assert not (tmp_path / "x.mxb").exists()


def test_refusals_leave_the_new_node_empty_and_it_restores(backed_up, tmp_path):
    node, path, fresh, _ = backed_up
    data = path.read_bytes()
    refused(fresh, path, "wrong passphrase", stdin="not the passphrase")

    altered = tmp_path / "altered.mxb"
    middle = len(data) // 2
    altered.write_bytes(data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1 :])
    refused(fresh, altered, "altered or is incomplete")

    cut = tmp_path / "cut.mxb"
    cut.write_bytes(data[:-64])
    refused(fresh, cut, "altered or is incomplete")

    newer = tmp_path / "newer.mxb"
    newer.write_bytes(rewritten(data, lambda m: m["software"].update(version="99.0.0")))
    refused(fresh, newer, "newer than this one")

    future = tmp_path / "future.mxb"
    future.write_bytes(
        rewritten(data, lambda m: m["migrations"]["audit"].append("9999_from_the_future"))
    )
    refused(fresh, future, "does not know (audit.9999_from_the_future)")

    refused(fresh, path, "data key", SECRET_KEY="another node's secret key")

    # Migrated, and its worker started once by mistake: still empty (a heartbeat is no data).
    fresh.migrex("migrate", "--no-input", "-v", "0")
    fresh.migrex("worker", "--once", "--idle", "0")
    done = run(fresh, "restore", str(path), stdin=PASSPHRASE + "\n")
    assert done.returncode == 0 and "restored node KZ" in done.stdout, done.stderr
    assert "chain intact" in fresh.migrex("audit", "verify")
    assert audited(fresh, "node.restored")["sha256"] == sha256(path)
    exported = [json.loads(n.migrex("keys", "export"))["keys"] for n in (fresh, node)]
    assert exported[0] == exported[1]  # the same key pairs, opened with the same passphrase

    refused(fresh, path, "this node is not empty")


# Officers at work: audit entries appended one transaction at a time until told to stop.
WRITER = """
import os
from django.db import transaction
from migrex.audit.actions import Action
from migrex.audit.services import record
written = 0
while not os.path.exists(DATA):
    with transaction.atomic():
        record(Action.ADMIN_CHANGE, subject="busy", detail={"n": written})
    written += 1
print(json.dumps(written))
"""

COUNT = """
from migrex.audit.models import AuditEntry
print(json.dumps(AuditEntry.objects.count()))
"""


def test_a_backup_made_while_the_node_writes_restores_a_whole_chain(backed_up, tmp_path):
    """The snapshot is of one moment: the restored chain verifies against its head row, and
    holds some of the entries written meanwhile, each whole."""
    node = backed_up[0]
    stop = tmp_path / "stop"
    first = node.python(COUNT)
    with ThreadPoolExecutor(1) as pool, databases(1) as (url,):
        writing = pool.submit(node.python, WRITER, str(stop))
        while node.python(COUNT) < first + 20:
            time.sleep(0.1)
        done = run(node, "backup", str(tmp_path / "busy.mxb"), stdin=PASSPHRASE + "\n")
        stop.touch()
        written = writing.result()
        assert done.returncode == 0, done.stderr
        fresh = LocalNode("KZ", tmp_path / "busy", database_url=url)
        (fresh.data_dir / "secret_key").write_text((node.data_dir / "secret_key").read_text())
        done = run(fresh, "restore", str(tmp_path / "busy.mxb"), stdin=PASSPHRASE + "\n")
        assert done.returncode == 0, done.stderr
        assert "chain intact" in fresh.migrex("audit", "verify")
        restored = fresh.python(COUNT) - 1  # less its node.restored entry
    assert first + 20 <= restored < first + written, (first, restored, written)
