"""Envelope sealing and opening, receipts and key handling (docs/protocol.md). No database."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from migrex.exchange import crypto
from migrex.exchange.crypto import (
    EnvelopeError,
    JoseSuite,
    NodeKeys,
    b64d,
    b64e,
    export_private,
    fingerprint_for_humans,
    generate_node_keys,
    get_suite,
    import_private,
    public_jwks,
    register_suite,
    thumbprint,
)
from migrex.exchange.envelope import digest, new_envelope, open_, seal, uuid7
from migrex.exchange.receipts import (
    Receipt,
    Refusal,
    canonicalize,
    load_public,
    refusal_for,
    sign_receipt,
    sign_refusal,
    verify_receipt,
)

NOW = dt.datetime(2025, 3, 3, 9, 15, tzinfo=dt.UTC)
SUITES = ["ed25519", "p256"]
B64URL = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.fixture(scope="module", params=SUITES)
def nodes(request):
    """KZ sends, BY receives, in one suite."""
    return request.param, generate_node_keys(request.param), generate_node_keys(request.param)


def envelope(**over):
    fields = {
        "agreement": "kz-by-2019",
        "kind": "request",
        "sender_node": "KZ",
        "sender_authority": "kz-mvd",
        "receiver_node": "BY",
        "receiver_authority": "by-mvd",
        "created": NOW,
        "payload": {"summary": "Запрос сведений", "persons": [{"surname": {"ru": "Иванов"}}]},
    }
    fields.update(over)
    return new_envelope(**fields)


def open_at(data, kz, by, *, now=NOW, node_id="BY", **kw):
    peers = {"KZ": public_jwks(kz)}
    return open_(data, receiver=by, node_id=node_id, sender_keys=peers.__getitem__, now=now, **kw)


def refused(code, fn, *args, **kw):
    with pytest.raises(EnvelopeError) as err:
        fn(*args, **kw)
    assert err.value.code == code, err.value
    return err.value


def rewrite_header(data: bytes, **changes) -> bytes:
    head, rest = data.split(b".", 1)
    header = json.loads(b64d(head))
    header.update(changes)
    return b64e(json.dumps(header).encode()).encode() + b"." + rest


def seal_fresh(env):
    return seal(env, sender=generate_node_keys(), receiver_public=public_jwks(generate_node_keys()))


def sign_raw(suite_name, payload: bytes, signer, *, kid=None, typ="migrex-envelope+jws") -> str:
    """A JWS built by hand, to get past the checks ``seal`` makes on the sender's side."""
    suite = get_suite(suite_name)
    header = {"alg": suite.jws_alg, "kid": kid or signer.signing_kid, "typ": typ}
    return suite.sign(header, payload, signer.signing_key)


def encrypt_raw(plaintext: str | bytes, receiver, suite_name="ed25519") -> bytes:
    """A JWE of ``plaintext`` to ``receiver``, built by hand."""
    suite = get_suite(suite_name)
    header = {"alg": suite.jwe_alg, "enc": suite.jwe_enc, "kid": receiver.encryption_kid}
    header["migrex-suite"] = suite_name
    _, key = load_public(receiver.public()[1], suite)
    raw = plaintext.encode() if isinstance(plaintext, str) else plaintext
    return suite.encrypt(header, raw, key).encode()


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


# --- receipts -----------------------------------------------------------------------------------


def test_receipt_verifies_and_forgeries_fail(nodes):
    suite, kz, by = nodes
    data = seal(envelope(), sender=kz, receiver_public=public_jwks(by))
    opened = open_at(data, kz, by)
    mid = opened.envelope["message_id"]
    token = sign_receipt(signer=by, message_id=mid, digest=opened.digest, received_at=NOW)
    receipt = verify_receipt(token, peer_keys=public_jwks(by), message_id=mid, digest=digest(data))
    assert isinstance(receipt, Receipt) and receipt.status == "accepted"
    assert receipt.received_at == NOW and receipt.kid == by.signing_kid

    dup = sign_receipt(
        signer=by, message_id=mid, digest=opened.digest, received_at=NOW, status="duplicate"
    )
    assert (
        verify_receipt(dup, peer_keys=public_jwks(by), message_id=mid, digest=digest(data)).status
        == "duplicate"
    )

    forger = generate_node_keys(suite)
    forged = sign_receipt(signer=forger, message_id=mid, digest=opened.digest, received_at=NOW)
    refused(
        "unknown_sender",
        verify_receipt,
        forged,
        peer_keys=public_jwks(by),
        message_id=mid,
        digest=opened.digest,
    )
    head, body, _ = token.split(b".")
    _, _, other_sig = forged.split(b".")
    refused(
        "bad_signature",
        verify_receipt,
        b".".join([head, body, other_sig]),
        peer_keys=public_jwks(by),
        message_id=mid,
        digest=opened.digest,
    )
    refused(
        "receipt_mismatch",
        verify_receipt,
        token,
        peer_keys=public_jwks(by),
        message_id=mid,
        digest="x",
    )
    other_id = str(uuid7())
    refused(
        "receipt_mismatch",
        verify_receipt,
        token,
        peer_keys=public_jwks(by),
        message_id=other_id,
        digest=opened.digest,
    )


def test_signed_refusal_is_verifiable():
    kz, by = generate_node_keys(), generate_node_keys()
    data = seal(envelope(), sender=kz, receiver_public=public_jwks(by))
    mid = open_at(data, kz, by).envelope["message_id"]
    err = refused("wrong_receiver", open_at, data, kz, by, node_id="AM")
    token = refusal_for(err, signer=by, digest=digest(data), received_at=NOW)
    reply = verify_receipt(token, peer_keys=public_jwks(by), message_id=mid, digest=digest(data))
    assert isinstance(reply, Refusal)
    assert (reply.code, reply.message_id) == ("wrong_receiver", mid)
    # Before authentication the receiver does not know (or echo) the message id.
    anon = sign_refusal(signer=by, digest=digest(data), received_at=NOW, code="decryption_failed")
    reply = verify_receipt(anon, peer_keys=public_jwks(by), message_id=mid, digest=digest(data))
    assert reply.message_id is None and reply.code == "decryption_failed"


def test_a_receipt_is_not_an_envelope():
    kz, by = generate_node_keys(), generate_node_keys()
    token = sign_receipt(signer=kz, message_id=str(uuid7()), digest="d", received_at=NOW)
    refused("malformed", open_at, encrypt_raw(token, by), kz, by)


# --- keys ---------------------------------------------------------------------------------------


def test_public_jwks_has_use_kid_alg_and_no_private_parts(nodes):
    _, kz, _ = nodes
    jwks = public_jwks(kz)
    assert [k["use"] for k in jwks["keys"]] == ["sig", "enc"]
    for jwk in jwks["keys"]:
        assert "d" not in jwk and jwk["kid"] == thumbprint(jwk)
        assert jwk["alg"] in {"Ed25519", "ES256", "ECDH-ES+A256KW"}


def test_thumbprints_match_the_rfc_examples():
    # RFC 8037 appendix A.3 (Ed25519) and RFC 7638 section 3.1 (RSA).
    ed = {"crv": "Ed25519", "kty": "OKP", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert thumbprint(ed) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    rsa = {
        "kty": "RSA",
        "e": "AQAB",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSo"
        "c_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
        "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4v"
        "MQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    }
    assert thumbprint(rsa) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_fingerprint_for_humans_is_the_thumbprint_in_hex_groups():
    keys = generate_node_keys()
    text = fingerprint_for_humans(keys.signing)
    groups = text.split(" ")
    assert len(groups) == 16 and all(len(g) == 4 for g in groups)
    assert bytes.fromhex(text.replace(" ", "")) == b64d(keys.signing_kid)


def test_private_key_export_import_round_trip(nodes):
    suite, _, by = nodes
    keys = generate_node_keys(
        suite, not_before=NOW - dt.timedelta(days=1), not_after=NOW + dt.timedelta(days=400)
    )
    blob = export_private(keys, "correct horse battery staple")
    assert b'"d"' not in blob and keys.signing["d"].encode() not in blob
    back = import_private(blob, "correct horse battery staple")
    assert (back.suite, back.signing, back.encryption) == (
        keys.suite,
        keys.signing,
        keys.encryption,
    )
    assert (back.not_before, back.not_after) == (keys.not_before, keys.not_after)
    data = seal(envelope(), sender=back, receiver_public=public_jwks(by))
    assert open_at(data, back, by).kid == keys.signing_kid
    refused("bad_passphrase", import_private, blob, "correct horse battery stable")
    with pytest.raises(ValueError, match="at least"):
        export_private(keys, "short")


# --- the suite registry -------------------------------------------------------------------------


def test_registering_a_suite_is_one_call_and_it_starts_disabled():
    suite = JoseSuite(
        "test-p384", "ES384", "EC", "P-384", "ECDH-ES+A256KW", "A256GCM", "EC", "P-384"
    )
    register_suite(suite)
    try:
        kz, by = generate_node_keys("test-p384"), generate_node_keys("test-p384")
        data = seal(envelope(), sender=kz, receiver_public=public_jwks(by))
        refused("algorithm_disabled", open_at, data, kz, by)
        assert open_at(data, kz, by, enabled_suites={"test-p384"}).suite == "test-p384"
        with pytest.raises(ValueError, match="already registered"):
            register_suite(suite)
    finally:
        crypto._SUITES.pop("test-p384")


# --- canonical JSON -----------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=6), json_values, max_size=5))
def test_fast_canonical_json_agrees_with_rfc8785(value):
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        with pytest.raises(EnvelopeError):
            canonicalize(value)
        return
    assert canonicalize(value) == expected


def test_canonical_json_sorts_keys_by_utf16_units():
    value = {"\U0001f600": 1, "\ufb01": 2, "a": 3}  # code-point order differs from UTF-16 order
    assert canonicalize(value) == rfc8785.dumps(value)
    assert canonicalize(value).index("\U0001f600".encode()) < canonicalize(value).index(
        "\ufb01".encode()
    )
