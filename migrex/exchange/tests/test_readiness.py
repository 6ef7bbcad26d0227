"""Each readiness check on its own (exchange/readiness.py), `/readyz` and `migrex doctor` in this
process: the database and its migrations, the keys and their remaining validity, the peers'
signed answers (from small HTTP servers standing in for a peer), the worker's heartbeat and the
oldest undelivered message."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from migrex.exchange import heartbeat, pinging, readiness
from migrex.exchange.crypto import export_private, generate_node_keys, public_jwks
from migrex.exchange.models import NodeKey, OutboxMessage, Peer, WorkerBeat
from migrex.exchange.ping import PONG_TYP, sign
from migrex.exchange.receipts import parse_jws
from migrex.exchange.tests.queued import outbox_row
from migrex.shell.nodes import free_port


@pytest.fixture(autouse=True)
def _nothing_reused():
    readiness._peers_cache.clear()
    readiness._migrated_at.clear()


def add_keys(keys) -> NodeKey:
    return NodeKey.objects.create(
        suite=keys.suite,
        signing_kid=keys.signing_kid,
        private=export_private(keys, settings.MIGREX_KEY_PASSPHRASE),
        public_jwks=public_jwks(keys),
        not_before=keys.not_before,
        not_after=keys.not_after,
    )


@pytest.fixture
def kz_keys(agreement, node_material):
    keys, blob = node_material["KZ"]
    NodeKey.objects.create(
        suite=keys.suite, signing_kid=keys.signing_kid, private=blob,
        public_jwks=public_jwks(keys), not_before=keys.not_before,
    )  # fmt: skip
    return keys


class FakePeer:
    """An HTTP server standing in for BY's node: it answers a ping as `mode` says."""

    def __init__(self, signer):
        self.signer, self.mode, self.hits = signer, "good", 0
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                peer.hits += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status, reply = peer.answer(body)
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, body: bytes) -> tuple[int, bytes]:
        if self.mode == "404":
            return 404, b"<html>not found</html>"
        if self.mode == "refuse":
            return 400, json.dumps({"code": "unknown_sender", "error": "who?"}).encode()
        if self.mode == "slow":
            time.sleep(1.5)
        nonce = json.loads(parse_jws(body.decode())[1])["nonce"]
        signer = generate_node_keys() if self.mode == "stranger" else self.signer
        pong = sign(
            typ=PONG_TYP, sender="BY", receiver="KZ", nonce=nonce, at=timezone.now(),
            signer=signer,
        )  # fmt: skip
        return 200, pong

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def by_node(kz_keys, node_material):
    """BY, this node's one peer, served by a FakePeer."""
    fake = FakePeer(node_material["BY"][0])
    Peer.objects.exclude(node_id="BY").delete()
    Peer.objects.filter(node_id="BY").update(url=fake.url)
    yield fake
    fake.close()


def test_the_database_is_ready_when_reachable_and_every_migration_is_applied(db):
    check = readiness.database(fresh=True)
    assert (check.ok, check.reason) == (True, "reachable and migrated")


def test_the_database_is_not_ready_while_a_migration_is_not_applied(db):
    from django.db.migrations.loader import MigrationLoader

    [(app, latest)] = MigrationLoader(connection).graph.leaf_nodes("exchange")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, latest])
    check = readiness.database(fresh=True)
    assert (check.ok, check.reason) == (False, "1 migration(s) not applied")
    assert check.detail == f"exchange.{latest}"
    assert check.advice == "run `migrex migrate`"
    names = [c.name for c in readiness.run_all(fresh=True)]
    assert names == list(readiness.NAMES)


def test_keys_missing_none_valid_or_near_their_end_are_not_ready(agreement):
    assert readiness.node_keys().reason == "missing"
    now = timezone.now()
    old = add_keys(generate_node_keys(not_before=now - dt.timedelta(days=40), not_after=now))
    assert readiness.node_keys().reason == "none valid now"
    assert "rotate" in readiness.node_keys().advice
    old.delete()
    add_keys(generate_node_keys(not_before=now, not_after=now + dt.timedelta(days=13)))
    check = readiness.node_keys()
    assert (check.ok, check.reason) == (False, "expire in less than 14 days")
    with override_settings(MIGREX_READY={**settings.MIGREX_READY, "key_days": 7}):
        check = readiness.node_keys()
    assert (check.ok, check.reason) == (True, "valid for 12 more days")


def test_keys_valid_without_an_end_are_ready(kz_keys):
    check = readiness.node_keys()
    assert (check.ok, check.reason) == (True, "present, no end date")


def test_the_worker_is_ready_while_its_heartbeat_is_fresh(db):
    assert readiness.worker().reason == "never ran"
    heart = heartbeat.Heart("host:1", every=60)
    assert heart.beat() is True
    assert heart.beat() is False  # at most one write per interval
    assert (readiness.worker().ok, readiness.worker().reason) == (True, "heartbeat fresh")
    WorkerBeat.objects.update(beat_at=timezone.now() - dt.timedelta(seconds=61))
    check = readiness.worker()
    assert (check.ok, check.reason) == (False, "heartbeat stale")
    assert "migrex worker" in check.advice


def test_a_new_worker_forgets_workers_gone_for_a_day(db):
    WorkerBeat.objects.create(worker="gone:1", beat_at=timezone.now() - dt.timedelta(days=2))
    heartbeat.Heart("host:2").beat()
    assert list(WorkerBeat.objects.values_list("worker", flat=True)) == ["host:2"]


def queue_message(age: dt.timedelta, **fields) -> OutboxMessage:
    message = outbox_row(**fields)
    message.save()
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - age)
    return message


def test_the_outbox_is_not_ready_with_a_message_undelivered_past_the_limit(db):
    assert readiness.outbox().reason == "nothing waiting"
    queue_message(dt.timedelta(minutes=59))
    queue_message(dt.timedelta(days=3), status=OutboxMessage.Status.UNDELIVERABLE)
    assert readiness.outbox().ok
    queue_message(dt.timedelta(minutes=61), attempts=9, last_error="OSError: HTTP 502 from BY")
    check = readiness.outbox()
    assert (check.ok, check.reason) == (False, "undelivered messages over the limit")
    assert check.detail.startswith("1 message(s) older than 3600 s")
    assert "HTTP 502 from BY" in check.detail


def test_peers_are_ready_when_each_answers_with_its_pinned_key(by_node):
    check = readiness.peers()
    assert (check.ok, check.reason, check.detail) == (True, "1 of 1 answered", "BY answered")


@pytest.mark.parametrize(
    ("mode", "cause", "advice"),
    [
        ("stranger", "bad answer", "migrex peers add"),
        ("refuse", "refused", "migrex keys export"),
        ("404", "no ping", "older version"),
    ],
)
def test_a_peer_that_answers_wrong_is_not_ready(by_node, mode, cause, advice):
    by_node.mode = mode
    check = readiness.peers()
    assert (check.ok, check.reason) == (False, f"1 of 1 not answering ({cause})")
    assert check.detail.startswith(f"BY {cause} ({by_node.url}/exchange/ping")
    assert advice in check.advice


def test_a_peer_that_is_down_is_not_ready(by_node):
    Peer.objects.filter(node_id="BY").update(url=f"http://127.0.0.1:{free_port()}")
    check = readiness.peers()
    assert (check.ok, check.reason) == (False, "1 of 1 not answering (unreachable)")


def test_the_peers_answers_are_reused_for_a_few_seconds(by_node):
    for _ in range(5):
        assert readiness.peers().ok
    assert by_node.hits == 1
    assert readiness.peers(fresh=True).ok
    assert by_node.hits == 2
    with override_settings(MIGREX_READY={**settings.MIGREX_READY, "ping_cache": 0}):
        readiness.peers()
    assert by_node.hits == 3


def test_while_one_request_pings_the_peers_the_others_take_the_last_answers(
    transactional_db, by_node
):
    assert readiness.peers().ok
    readiness._peers_cache[0] -= 60  # too old to reuse
    by_node.mode = "slow"
    pinging_now = threading.Thread(target=readiness.peers)
    pinging_now.start()
    time.sleep(0.3)
    started = time.monotonic()
    assert readiness.peers().ok  # the last answers, at once
    assert time.monotonic() - started < 0.5
    pinging_now.join()
    assert by_node.hits == 2


def test_a_peer_whose_pinned_keys_end_soon_is_not_ready(by_node):
    peer = Peer.objects.get(node_id="BY")
    soon = int((timezone.now() + dt.timedelta(days=3)).timestamp())
    for key in peer.jwks["keys"]:
        key["exp"] = soon
    peer.save()
    check = readiness.peers()
    assert (check.ok, check.reason) == (False, "1 of 1 not answering (keys expiring)")
    assert "get its current peer file" in check.advice


def test_readyz_answers_503_and_says_nothing_sensitive_while_not_ready(by_node, kz_keys):
    by_node.mode = "stranger"
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert [(c["check"], c["status"]) for c in body["checks"]] == [
        ("database", "ok"), ("keys", "ok"), ("peers", "fail"), ("worker", "fail"),
        ("outbox", "ok"),
    ]  # fmt: skip
    text = response.content.decode()
    for secret in (by_node.url, "127.0.0.1", "BY", kz_keys.signing_kid, kz_keys.encryption_kid):
        assert secret not in text


def test_readyz_answers_200_when_every_check_passes(by_node):
    heartbeat.Heart("host:1").beat()
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ready"
    assert {c["status"] for c in response.json()["checks"]} == {"ok"}


def doctor() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("doctor", stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_doctor_prints_each_check_and_what_to_do_and_exits_1_when_not_ready(by_node):
    by_node.mode = "refuse"
    code, out = doctor()
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("ok   database  reachable and migrated")
    assert lines[1].startswith("ok   keys      present, no end date")
    assert lines[2].startswith("FAIL peers     1 of 1 not answering (refused): BY refused (http")
    assert lines[3].strip() == "→ BY: " + pinging.ADVICE["refused"]
    assert lines[4] == "FAIL worker    never ran: no heartbeat"
    assert lines[5].strip() == "→ start `migrex worker`"
    assert lines[6].startswith("ok   outbox")
    assert lines[7] == "not ready: peers, worker"


def test_doctor_exits_0_when_ready(by_node):
    heartbeat.Heart("host:1").beat()
    code, out = doctor()
    assert code == 0, out
    assert out.splitlines()[-1] == "ready"
