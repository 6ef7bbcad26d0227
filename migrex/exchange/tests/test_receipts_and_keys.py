"""Receipts and signed refusals, node keys and their export, the suite registry and canonical
JSON (docs/protocol.md). No database."""

from __future__ import annotations

import datetime as dt

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from migrex.exchange import crypto
from migrex.exchange.crypto import (
    EnvelopeError,
    JoseSuite,
    b64d,
    export_private,
    fingerprint_for_humans,
    generate_node_keys,
    import_private,
    public_jwks,
    register_suite,
    thumbprint,
)
from migrex.exchange.envelope import digest, seal, uuid7
from migrex.exchange.receipts import (
    Receipt,
    Refusal,
    canonicalize,
    refusal_for,
    sign_receipt,
    sign_refusal,
    verify_receipt,
)
from migrex.exchange.tests.conftest import NOW, encrypt_raw, envelope, open_at, refused

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
