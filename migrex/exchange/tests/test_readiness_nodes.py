"""Readiness between two real nodes (KZ and BY, each with its web server and delivery worker):
`/readyz` and `migrex doctor` say ready when all is well, and not ready, naming the check, when
the worker has stopped, when the peer's node is down, and when the node's keys are gone."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from migrex.exchange.tests.conftest import parallel
from migrex.shell.nodes import ROOT, LocalNode

pytestmark = pytest.mark.nodes

FAST = {
    "MIGREX_READY_WORKER_SECONDS": "5",  # a beat every 1.25 s at most
    "MIGREX_WORKER_IDLE_MAX": "0.5",
    "MIGREX_READY_PING_CACHE": "0.5",
    "MIGREX_READY_PING_TIMEOUT": "2",
}


@pytest.fixture(scope="module")
def nodes(pair):
    for node in pair:
        node.extra_env.update(FAST)
    return pair


@pytest.fixture
def up(nodes):
    kz, by = nodes
    parallel(kz.start, by.start)
    return kz, by


def readyz(node: LocalNode) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(node.url + "/readyz", timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def failing(body: dict) -> dict[str, str]:
    return {c["check"]: c["reason"] for c in body["checks"] if c["status"] != "ok"}


def wait_for(node: LocalNode, status: int, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        got, body = readyz(node)
        if got == status or time.monotonic() > deadline:
            assert got == status, (node.party, body)
            return body
        time.sleep(0.3)


def doctor(node: LocalNode) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "migrex.cli", "doctor"],
        env=node.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout


def test_both_nodes_are_ready_when_all_is_well(up):
    kz, by = up
    for node in (kz, by):
        body = wait_for(node, 200)
        assert body["status"] == "ready"
        assert [c["check"] for c in body["checks"]] == [
            "database", "keys", "peers", "worker", "outbox",
        ]  # fmt: skip
    code, out = doctor(kz)
    assert code == 0, out
    assert "ok   peers     1 of 1 answered: BY answered" in out
    assert out.splitlines()[-1] == "ready"


def test_a_node_whose_worker_has_stopped_is_not_ready(up):
    kz, _by = up
    wait_for(kz, 200)
    kz.kill("worker")
    body = wait_for(kz, 503, timeout=20)
    assert failing(body) == {"worker": "heartbeat stale"}
    code, out = doctor(kz)
    assert code == 1
    assert "FAIL worker    heartbeat stale: last beat" in out
    kz.start()
    wait_for(kz, 200)


def test_a_node_whose_peer_is_down_is_not_ready(up):
    kz, by = up
    wait_for(kz, 200)
    by.kill("server")
    body = wait_for(kz, 503)
    assert failing(body) == {"peers": "1 of 1 not answering (unreachable)"}
    assert by.url not in json.dumps(body)
    code, out = doctor(kz)
    assert code == 1
    assert f"FAIL peers     1 of 1 not answering (unreachable): BY unreachable ({by.url}" in out
    assert "→ BY: check that the peer's node runs" in out
    by.start()
    wait_for(kz, 200)


def test_a_node_without_keys_is_not_ready_nor_is_its_peer(up):
    kz, by = up
    wait_for(kz, 200)
    kz.python(
        "from migrex.exchange.models import NodeKey\n"
        "NodeKey.objects.all().delete()\n"
        "print(json.dumps(None))"
    )
    body = wait_for(kz, 503)
    assert failing(body) == {
        "keys": "missing",
        "peers": "not checked: this node has no valid key",
    }
    # KZ answers BY's ping with 503 node_not_configured: BY is not ready either.
    body = wait_for(by, 503)
    assert failing(body) == {"peers": "1 of 1 not answering (not configured)"}
    code, out = doctor(kz)
    assert code == 1
    assert "FAIL keys      missing: no key made yet" in out
    assert "→ run `migrex keys init`" in out
