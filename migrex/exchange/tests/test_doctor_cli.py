"""`migrex doctor` and the other commands as an operator runs them, on a node not set up yet:
what is wrong in one line each, with what to do, and no traceback."""

from __future__ import annotations

import subprocess
import sys

from migrex.shell.nodes import ROOT, LocalNode


def migrex(node: LocalNode, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in {**node.env, **env}.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-m", "migrex.cli", *args],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_doctor_on_a_database_not_migrated_says_to_migrate(tmp_path):
    done = migrex(LocalNode("KZ", tmp_path / "kz"), "doctor")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("FAIL database  ") and "migration(s) not applied" in lines[0]
    assert lines[1].strip() == "→ run `migrex migrate`"
    for line, name in zip(lines[2:6], ("keys", "peers", "worker", "outbox"), strict=True):
        assert line == f"FAIL {name:<8}  not checked: the database is not ready"
    assert lines[6] == "not ready: database, keys, peers, worker, outbox"


def test_a_command_on_a_database_not_migrated_says_so_in_one_line(tmp_path):
    done = migrex(LocalNode("KZ", tmp_path / "kz"), "keys", "show")
    message = done.stderr.strip()
    assert done.returncode == 1
    assert "\n" not in message
    assert message.startswith("migrex: the database is not ready (")
    assert message.endswith("migration(s) not applied): run `migrex migrate`")


def test_doctor_without_a_secret_key_says_so_in_one_line(tmp_path):
    node = LocalNode("KZ", tmp_path / "kz")
    done = migrex(node, "doctor", SECRET_KEY="")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "migrex: SECRET_KEY is not set. Set it in the environment, or MIGREX_DEBUG=1 for "
        "development."
    )
