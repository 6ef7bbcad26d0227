"""Envelope sealing and opening (docs/protocol.md §2–5, §9), and what opening refuses. No
database."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from migrex.exchange import crypto
from migrex.exchange.crypto import (
    EnvelopeError,
    NodeKeys,
    b64d,
    generate_node_keys,
    public_jwks,
)
from migrex.exchange.envelope import digest, new_envelope, open_, seal, uuid7
from migrex.exchange.receipts import (
    canonicalize,
)
from migrex.exchange.tests.conftest import (
    B64URL,
    NOW,
    SUITES,
    encrypt_raw,
    envelope,
    open_at,
    refused,
    rewrite_header,
    seal_fresh,
    sign_raw,
)

# --- round trips ----------------------------------------------------------------------------------


def test_seal_and_open_round_trip(nodes):
    suite, kz, by = nodes
    env = envelope()
    data = seal(env, sender=kz, receiver_public=public_jwks(by))
    opened = open_at(data, kz, by)
    assert opened.envelope == env
    assert opened.suite == suite
    assert opened.kid == kz.signing_kid
    assert opened.digest == digest(data)
    assert json.loads(b64d(data.split(b".")[0]))["migrex-suite"] == suite


def test_replayed_envelope_opens_identically(nodes):
    """Deduplication by message id is the Django layer's job: the pure layer is idempotent."""
    _, kz, by = nodes
    data = seal(envelope(), sender=kz, receiver_public=public_jwks(by))
    assert open_at(data, kz, by) == open_at(data, kz, by)


def test_new_envelope_fills_ids_and_time():
    env = new_envelope(
        agreement="kz-by-2019",
        kind="request",
        sender_node="KZ",
        sender_authority="kz-mvd",
        receiver_node="BY",
        receiver_authority="by-mvd",
        payload={},
    )
    assert uuid.UUID(env["message_id"]).version == 7
    assert env["conversation_id"] == env["message_id"]
    assert env["created"].endswith("Z") and env["in_reply_to"] is None
    reply = envelope(conversation_id=env["conversation_id"], in_reply_to=env["message_id"])
    assert reply["conversation_id"] == env["message_id"] != reply["message_id"]


def test_uuid7_is_time_ordered_and_well_formed():
    ids = [uuid7() for _ in range(5000)]
    assert ids == sorted(ids) and len(set(ids)) == 5000
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids)
    assert uuid7(1_700_000_000_000).int >> 80 == 1_700_000_000_000


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"kind": ""}, "kind"),
        ({"sender_node": "K Z"}, "sender_node"),
        ({"message_id": str(uuid.uuid4())}, "message_id"),
        ({"payload": []}, "payload"),
        ({"created": "2025-03-03 09:15:00"}, "created"),
        ({"extra": 1}, "extra: not an envelope member"),
    ],
)
def test_invalid_envelope_is_malformed(change, problem):
    env = envelope()
    env.update(change)
    err = refused("malformed", seal_fresh, env)
    assert problem in err.detail


def test_envelope_needs_aware_time_and_representable_payload():
    with pytest.raises(ValueError, match="timezone-aware"):
        envelope(created=dt.datetime(2025, 3, 3, 9, 15))  # noqa: DTZ001
    refused("malformed", envelope, payload={"n": 2**60})


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("part", range(5))
def test_tampered_jwe_part_is_refused(nodes, part):
    _, kz, by = nodes
    parts = seal(envelope(), sender=kz, receiver_public=public_jwks(by)).split(b".")
    seg = bytearray(parts[part])
    pos = len(seg) - 12 if part == 0 else len(seg) // 2  # header: inside the ephemeral key
    seg[pos] = ord("A") if seg[pos] != ord("A") else ord("B")
    parts[part] = bytes(seg)
    with pytest.raises(EnvelopeError) as err:
        open_at(b".".join(parts), kz, by)
    assert err.value.code in {"decryption_failed", "malformed"}
    assert err.value.message_id is None


def test_no_single_character_change_is_accepted():
    kz, by = generate_node_keys(), generate_node_keys()
    data = seal(envelope(), sender=kz, receiver_public=public_jwks(by))
    for pos in range(0, len(data), 7):
        if data[pos : pos + 1] == b".":
            continue
        forged = data[:pos] + (b"B" if data[pos : pos + 1] == b"A" else b"A") + data[pos + 1 :]
        with pytest.raises(EnvelopeError):
            open_at(forged, kz, by)


def test_non_canonical_base64_and_garbage_are_malformed(nodes):
    _, kz, by = nodes
    data = seal(envelope(), sender=kz, receiver_public=public_jwks(by))
    refused("malformed", open_at, b"not a jwe", kz, by)
    refused("malformed", open_at, data + b"\n", kz, by)
    # The 16-byte tag takes 22 characters; the last one carries 4 unused bits, so flipping its
    # lowest bit gives other bytes on the wire that a lenient decoder reads as the same tag.
    last = B64URL.index(data[-1])
    refused("malformed", open_at, data[:-1] + bytes([B64URL[last ^ 1]]), kz, by)


def test_signature_by_unknown_key_is_unknown_sender(nodes):
    suite, kz, by = nodes
    stranger = generate_node_keys(suite)
    data = seal(envelope(), sender=stranger, receiver_public=public_jwks(by))
    refused("unknown_sender", open_at, data, kz, by)
    unknown_node = {"KZ": public_jwks(kz)}
    refused(
        "unknown_sender",
        open_,
        seal(envelope(sender_node="AM"), sender=kz, receiver_public=public_jwks(by)),
        receiver=by,
        node_id="BY",
        sender_keys=unknown_node.__getitem__,
        now=NOW,
    )


def test_forged_signature_under_a_known_kid_is_bad_signature(nodes):
    suite, kz, by = nodes
    forger = generate_node_keys(suite)
    jws = sign_raw(suite, canonicalize(envelope()), forger, kid=kz.signing_kid)
    refused("bad_signature", open_at, encrypt_raw(jws, by, suite), kz, by)


def test_non_canonical_signed_envelope_is_malformed():
    kz, by = generate_node_keys(), generate_node_keys()
    jws = sign_raw("ed25519", json.dumps(envelope(), indent=1).encode(), kz)
    err = refused("malformed", open_at, encrypt_raw(jws, by), kz, by)
    assert "canonical" in err.detail


@pytest.mark.parametrize("minutes", [6, -6])
def test_clock_skew_both_ways(nodes, minutes):
    _, kz, by = nodes
    data = seal(envelope(), sender=kz, receiver_public=public_jwks(by))
    err = refused("clock_skew", open_at, data, kz, by, now=NOW + dt.timedelta(minutes=minutes))
    assert err.message_id is not None
    assert open_at(data, kz, by, now=NOW + dt.timedelta(minutes=minutes * 4 // 6)).envelope


def test_unknown_and_disabled_suites_are_refused(nodes):
    suite, kz, by = nodes
    data = seal(envelope(), sender=kz, receiver_public=public_jwks(by))
    refused(
        "unknown_algorithm", open_at, rewrite_header(data, **{"migrex-suite": "gost2012"}), kz, by
    )
    refused("malformed", open_at, rewrite_header(data, **{"migrex-suite": None}), kz, by)
    other = next(s for s in SUITES if s != suite)
    refused("algorithm_disabled", open_at, data, kz, by, enabled_suites={other})
    refused("algorithm_mismatch", open_at, rewrite_header(data, enc="A128GCM"), kz, by)


def test_inner_signature_of_another_suite_is_a_mismatch():
    kz, by, kz_p256 = generate_node_keys(), generate_node_keys(), generate_node_keys("p256")
    jws = sign_raw("p256", canonicalize(envelope()), kz_p256)
    refused("algorithm_mismatch", open_at, encrypt_raw(jws, by, "ed25519"), kz, by)


def test_wrong_receiver(nodes):
    _, kz, by = nodes
    data = seal(envelope(), sender=kz, receiver_public=public_jwks(by))
    err = refused("wrong_receiver", open_at, data, kz, by, node_id="AM")
    assert err.message_id == open_at(data, kz, by).envelope["message_id"]


def test_message_for_another_nodes_key_does_not_decrypt(nodes):
    suite, kz, by = nodes
    data = seal(envelope(), sender=kz, receiver_public=public_jwks(by))
    refused("decryption_failed", open_at, data, kz, generate_node_keys(suite))


def test_too_large_is_refused_on_both_sides():
    kz, by = generate_node_keys(), generate_node_keys()
    huge = b"A" * (crypto.MAX_ENVELOPE_BYTES * 2)
    refused("too_large", open_at, huge, kz, by)
    big = envelope(payload={"photo": "A" * crypto.MAX_ENVELOPE_BYTES})
    refused("too_large", seal, big, sender=kz, receiver_public=public_jwks(by))


# --- key rotation -------------------------------------------------------------------------------


def test_rotation_old_and_new_keys_verify_during_overlap_then_old_is_refused():
    t = NOW
    old = generate_node_keys(
        not_before=t - dt.timedelta(days=365), not_after=t + dt.timedelta(days=7)
    )
    new = generate_node_keys(not_before=t - dt.timedelta(days=7))
    by = generate_node_keys()
    published = public_jwks([old, new])
    peers = {"KZ": published}

    def open_env(data, now):
        return open_(data, receiver=by, node_id="BY", sender_keys=peers.get, now=now)

    for keys in (old, new):
        data = seal(envelope(), sender=keys, receiver_public=public_jwks(by))
        assert open_env(data, NOW).kid == keys.signing_kid

    later = t + dt.timedelta(days=8)
    # The KZ node still signs with the retired key (its own copy has no end date).
    stale = NodeKeys("ed25519", old.signing, old.encryption)
    data = seal(envelope(created=later), sender=stale, receiver_public=public_jwks(by))
    err = refused("key_not_valid", open_env, data, later)
    assert err.message_id
    refused(
        "key_not_valid", seal, envelope(created=later), sender=old, receiver_public=public_jwks(by)
    )


def test_receiver_rotation_old_encryption_key_still_decrypts():
    kz = generate_node_keys()
    by_old = generate_node_keys(not_after=NOW + dt.timedelta(days=1))
    by_new = generate_node_keys(not_before=NOW - dt.timedelta(days=1))
    to_old = seal(envelope(), sender=kz, receiver_public=public_jwks(by_old))
    to_both = seal(envelope(), sender=kz, receiver_public=public_jwks([by_old, by_new]))
    header = json.loads(b64d(to_both.split(b".")[0]))
    assert header["kid"] == by_new.encryption_kid  # senders pick the newest valid key
    for data in (to_old, to_both):
        assert open_at(data, kz, [by_new, by_old]).envelope
    refused("no_receiver_key", seal, envelope(), sender=kz, receiver_public={"keys": []})
