"""The signed ping (docs/protocol.md §8.3): a ping verifies only with the caller's pinned keys,
is answered only for a configured peer, and its answer verifies only with the peer's pinned
keys, over the ping's own nonce, within the clock window."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from migrex.exchange.crypto import EnvelopeError, generate_node_keys, public_jwks
from migrex.exchange.models import NodeKey
from migrex.exchange.ping import MAX_BYTES, PING_TYP, PONG_TYP, sign, verify

NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def kz():
    return generate_node_keys(not_before=NOW - dt.timedelta(days=1))


@pytest.fixture(scope="module")
def by():
    return generate_node_keys("p256", not_before=NOW - dt.timedelta(days=1))


def a_ping(signer, *, typ=PING_TYP, sender="KZ", receiver="BY", nonce="n-1", at=NOW) -> bytes:
    return sign(typ=typ, sender=sender, receiver=receiver, nonce=nonce, at=at, signer=signer)


def code_of(call) -> str:
    with pytest.raises(EnvelopeError) as err:
        call()
    return err.value.code


def test_a_ping_and_its_answer_verify_with_the_pinned_keys(kz, by):
    asked = verify(a_ping(kz), typ=PING_TYP, jwks=public_jwks(kz), receiver="BY", now=NOW)
    assert (asked.sender, asked.receiver, asked.nonce, asked.at) == ("KZ", "BY", "n-1", NOW)
    answer = a_ping(by, typ=PONG_TYP, sender="BY", receiver="KZ", at=NOW + dt.timedelta(seconds=1))
    done = verify(
        answer, typ=PONG_TYP, jwks=public_jwks(by), receiver="KZ", now=NOW, sender="BY",
        nonce="n-1",
    )  # fmt: skip
    assert done.sender == "BY"


def test_what_does_not_verify_is_refused_with_its_code(kz, by):
    pinned = public_jwks(kz)

    def check(data, **over):
        args = {"typ": PING_TYP, "jwks": pinned, "receiver": "BY", "now": NOW, **over}
        return code_of(lambda: verify(data, **args))

    assert check(a_ping(by)) == "unknown_sender"  # signed by keys not pinned for KZ
    assert check(a_ping(kz), jwks=None) == "unknown_sender"  # not a peer
    assert check(a_ping(kz, receiver="AM")) == "wrong_receiver"
    assert check(a_ping(kz, at=NOW - dt.timedelta(minutes=6))) == "clock_skew"
    assert check(a_ping(kz), nonce="other") == "receipt_mismatch"
    assert check(a_ping(kz, typ=PONG_TYP)) == "malformed"  # an answer is not a ping
    assert check(a_ping(kz, at=NOW - dt.timedelta(days=2))) == "key_not_valid"
    assert check(b"x" * (MAX_BYTES + 1)) == "too_large"
    assert check(b"not.a.jws") == "malformed"
    head, body, sig = a_ping(kz).split(b".")
    assert check(head + b"." + body[:-2] + b"AA." + sig) in ("malformed", "bad_signature")


@pytest.fixture
def peer_by(agreement, node_material):
    """KZ's keys on this node, BY as its configured peer (the `agreement` fixture's)."""
    keys, blob = node_material["KZ"]
    NodeKey.objects.create(
        suite=keys.suite,
        signing_kid=keys.signing_kid,
        private=blob,
        public_jwks=public_jwks(keys),
        not_before=keys.not_before,
    )
    return keys, node_material["BY"][0]


def test_the_node_answers_a_peers_ping_with_a_signed_answer_over_its_nonce(peer_by):
    kz, by = peer_by
    now = dt.datetime.now(dt.UTC)
    body = a_ping(by, sender="BY", receiver="KZ", nonce="fresh", at=now)
    response = Client().post("/exchange/ping", body, content_type="application/jose")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/jose"
    done = verify(
        response.content, typ=PONG_TYP, jwks=public_jwks(kz), receiver="BY", now=now,
        sender="KZ", nonce="fresh",
    )  # fmt: skip
    assert done.receiver == "BY"


def test_the_node_answers_no_ping_from_a_node_that_is_not_its_peer(peer_by):
    _kz, by = peer_by
    now = dt.datetime.now(dt.UTC)
    stranger = generate_node_keys()
    for body in (
        a_ping(stranger, sender="BY", receiver="KZ", at=now),  # BY's name, other keys
        a_ping(stranger, sender="AM", receiver="KZ", at=now),  # no such peer
        a_ping(by, sender="BY", receiver="BY", at=now),  # meant for another node
    ):
        response = Client().post("/exchange/ping", body, content_type="application/jose")
        assert response.status_code == 400
        assert json.loads(response.content)["code"] in ("unknown_sender", "wrong_receiver")
        assert not response.content.startswith(b"ey")  # nothing signed


def test_a_node_without_keys_answers_pings_503(agreement, node_material):
    body = a_ping(node_material["BY"][0], sender="BY", receiver="KZ", at=dt.datetime.now(dt.UTC))
    response = Client().post("/exchange/ping", body, content_type="application/jose")
    assert response.status_code == 503
    assert json.loads(response.content)["code"] == "node_not_configured"
