"""The published test vectors (docs/vectors/*.json, docs/protocol.md §9) and interoperability with
an independent JOSE implementation, jwcrypto, in both directions and for both suites."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
import rfc8785
from jwcrypto import jwe as jc_jwe
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws

from migrex.exchange.crypto import NodeKeys, b64d, get_suite, public_jwks, thumbprint
from migrex.exchange.envelope import digest, open_, seal, sign_envelope
from migrex.exchange.receipts import canonicalize, sign_receipt, verify_receipt

VECTORS = Path(__file__).resolve().parents[3] / "docs" / "vectors"
SUITES = ["ed25519", "p256"]


def load(suite: str) -> dict:
    return json.loads((VECTORS / f"{suite}.json").read_text(encoding="utf-8"))


def node_keys(vec: dict, who: str) -> NodeKeys:
    bounds = [dt.datetime.fromisoformat(vec["validity"][b]) for b in ("not_before", "not_after")]
    keys = vec["keys"]
    return NodeKeys(vec["suite"], keys[f"{who}_signing"], keys[f"{who}_encryption"], *bounds)


def open_vector(vec: dict, data: bytes | str):
    return open_(
        data,
        receiver=node_keys(vec, "receiver"),
        node_id=vec["envelope"]["receiver_node"],
        sender_keys={vec["envelope"]["sender_node"]: vec["sender_jwks"]}.get,
        now=dt.datetime.fromisoformat(vec["open_at"]),
    )


def public_part(jwk: dict) -> dict:
    return {k: v for k, v in jwk.items() if k != "d"}


@pytest.fixture(params=SUITES)
def vec(request) -> dict:
    return load(request.param)


# --- our code reproduces the vectors --------------------------------------------------------------


def test_vectors_are_labelled_test_only(vec):
    assert vec["warning"].startswith("TEST VECTORS ONLY")


def test_canonical_bytes_and_digest_are_reproduced(vec):
    canonical = canonicalize(vec["envelope"])
    assert canonical == b64d(vec["canonical_b64url"]) == vec["canonical_json"].encode("utf-8")
    assert canonical == rfc8785.dumps(vec["envelope"])  # and by the reference package
    assert hashlib.sha256(canonical).hexdigest() == vec["canonical_sha256_hex"]


def test_key_ids_are_rfc7638_thumbprints(vec):
    for jwk in vec["keys"].values():
        assert thumbprint(jwk) == jwk["kid"] == jc_jwk.JWK(**jwk).thumbprint()
    assert public_jwks(node_keys(vec, "sender")) == vec["sender_jwks"]


def test_ed25519_signature_is_reproduced_exactly():
    vec = load("ed25519")
    assert vec["jws_reproducible"] is True
    assert sign_envelope(vec["envelope"], node_keys(vec, "sender")) == vec["jws"]


def test_sample_jwe_decrypts_and_verifies(vec):
    opened = open_vector(vec, vec["jwe_sample"])
    assert opened.envelope == vec["envelope"]
    assert opened.signed == vec["jws"]
    assert opened.digest == vec["jwe_sample_digest"] == digest(vec["jwe_sample"].encode())
    assert opened.kid == vec["keys"]["sender_signing"]["kid"]


def test_receipt_vector(vec):
    receiver = node_keys(vec, "receiver")
    mid = vec["envelope"]["message_id"]
    receipt = verify_receipt(
        vec["receipt"],
        peer_keys=vec["receiver_jwks"],
        message_id=mid,
        digest=vec["jwe_sample_digest"],
    )
    assert receipt.status == "accepted"
    if vec["receipt_reproducible"]:
        again = sign_receipt(
            signer=receiver,
            message_id=mid,
            digest=vec["jwe_sample_digest"],
            received_at=dt.datetime.fromisoformat(vec["open_at"]),
        )
        assert again.decode() == vec["receipt"]


# --- jwcrypto reads what we write -----------------------------------------------------------------


def test_jwcrypto_verifies_our_signatures(vec):
    sender = node_keys(vec, "sender")
    for token in (vec["jws"], sign_envelope(vec["envelope"], sender)):
        obj = jc_jws.JWS()
        obj.deserialize(token)
        obj.verify(jc_jwk.JWK(**public_part(vec["keys"]["sender_signing"])))
        assert obj.payload == b64d(vec["canonical_b64url"])
        assert obj.jose_header["typ"] == "migrex-envelope+jws"
    obj = jc_jws.JWS()
    obj.deserialize(vec["receipt"])
    obj.verify(jc_jwk.JWK(**public_part(vec["keys"]["receiver_signing"])))


def test_jwcrypto_decrypts_our_envelopes(vec):
    fresh = seal(
        vec["envelope"], sender=node_keys(vec, "sender"), receiver_public=vec["receiver_jwks"]
    )
    for data in (vec["jwe_sample"], fresh.decode()):
        obj = jc_jwe.JWE()
        obj.deserialize(data, key=jc_jwk.JWK(**vec["keys"]["receiver_encryption"]))
        assert obj.jose_header["migrex-suite"] == vec["suite"]
        inner = jc_jws.JWS()
        inner.deserialize(obj.payload.decode())
        inner.verify(jc_jwk.JWK(**public_part(vec["keys"]["sender_signing"])))
        assert json.loads(inner.payload) == vec["envelope"]


# --- we read what jwcrypto writes -----------------------------------------------------------------


def jwcrypto_seal(vec: dict) -> str:
    suite = get_suite(vec["suite"])
    signing = vec["keys"]["sender_signing"]
    signed = jc_jws.JWS(payload=b64d(vec["canonical_b64url"]))
    signed.add_signature(
        jc_jwk.JWK(**signing),
        alg=suite.jws_alg,
        # The canonical header (RFC 8785) makes an Ed25519 signature reproducible anywhere.
        protected=rfc8785.dumps(
            {"alg": suite.jws_alg, "kid": signing["kid"], "typ": "migrex-envelope+jws"}
        ).decode(),
    )
    header = {
        "alg": suite.jwe_alg,
        "enc": suite.jwe_enc,
        "kid": vec["keys"]["receiver_encryption"]["kid"],
        "cty": "JOSE",
        "migrex-suite": suite.name,
    }
    sealed = jc_jwe.JWE(
        plaintext=signed.serialize(compact=True).encode(), protected=json.dumps(header)
    )
    sealed.add_recipient(jc_jwk.JWK(**public_part(vec["keys"]["receiver_encryption"])))
    return sealed.serialize(compact=True)


def test_we_open_what_jwcrypto_seals(vec):
    data = jwcrypto_seal(vec)
    opened = open_vector(vec, data)
    assert opened.envelope == vec["envelope"]
    assert opened.digest == digest(data.encode())
    if vec["jws_reproducible"]:
        assert opened.signed == vec["jws"]  # same key, same canonical header: same signature


def test_we_verify_a_receipt_jwcrypto_signs(vec):
    signing = vec["keys"]["receiver_signing"]
    body = {
        "digest": vec["jwe_sample_digest"],
        "message_id": vec["envelope"]["message_id"],
        "received_at": vec["open_at"],
        "status": "duplicate",
    }
    token = jc_jws.JWS(payload=rfc8785.dumps(body))
    alg = get_suite(vec["suite"]).jws_alg
    token.add_signature(
        jc_jwk.JWK(**signing),
        alg=alg,
        protected=json.dumps({"alg": alg, "kid": signing["kid"], "typ": "migrex-receipt+jws"}),
    )
    receipt = verify_receipt(
        token.serialize(compact=True),
        peer_keys=vec["receiver_jwks"],
        message_id=body["message_id"],
        digest=body["digest"],
    )
    assert receipt.status == "duplicate"
