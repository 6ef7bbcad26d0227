"""Signed statements (docs/protocol.md §3, §6): how migrex encodes what it signs (RFC 8785 JSON,
RFC 3339 times), finding a peer's key, the JWS plumbing shared with envelope.py, and the
receiver's signed replies to a delivered envelope. Pure: no Django.

The receiver answers every POST with a JWS over the SHA-256 of the exact bytes it received: a
*receipt* (``accepted`` or ``duplicate``) or a *refusal* (a stable error code). The sender keeps it
as proof of delivery, or of the reason there was none, and checks it against the digest it
computed over what it sent.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785
from joserfc.errors import JoseError

from .crypto import (
    DEFAULT_ENABLED,
    EnvelopeError,
    NodeKeys,
    Suite,
    b64d,
    get_suite,
    suite_signing_with,
    thumbprint,
)

# --- encodings of signed data ---------------------------------------------------------------------

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")


_MAX_INT = 2**53 - 1  # I-JSON (RFC 7493), which RFC 8785 requires


def _plain(value: Any) -> bool:
    """Whether ``json.dumps(sort_keys=True)`` already gives the RFC 8785 bytes: no floats (ES6
    number formatting differs from repr), no integers beyond I-JSON, no object keys outside the
    BMP (Python sorts code points, JCS sorts UTF-16 units). Envelopes practically always are."""
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is str or t is bool or v is None or (t is int and -_MAX_INT <= v <= _MAX_INT):
            continue
        if t is dict:
            if not all(type(k) is str and (k.isascii() or max(k) <= "\uffff") for k in v):
                return False
            stack.extend(v.values())
        elif t is list:
            stack.extend(v)
        else:
            return False
    return True


def canonicalize(value: Mapping[str, Any]) -> bytes:
    """RFC 8785 (JCS) bytes: what gets signed. The stdlib encoder is three times faster than the
    ``rfc8785`` package and gives the same bytes on plain data (:func:`_plain`); the rest takes
    the package's path."""
    try:
        if _plain(value):
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            return text.encode("utf-8")
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError) as exc:
        raise EnvelopeError("malformed", f"cannot canonicalize: {exc}") from exc


def format_time(when: dt.datetime) -> str:
    """RFC 3339 in UTC with millisecond precision and a ``Z``."""
    if when.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    utc = when.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def is_time(value: object) -> bool:
    return isinstance(value, str) and bool(_TIME.fullmatch(value))


def parse_time(text: str) -> dt.datetime:
    if not is_time(text):
        raise EnvelopeError("malformed", f"not an RFC 3339 UTC time: {text!r}")
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise EnvelopeError("malformed", f"not a valid time: {text!r}") from exc


# --- peers' public keys ---------------------------------------------------------------------------

_PUBLIC_CACHE: dict[tuple[str, tuple[tuple[str, Any], ...]], tuple[str, Any]] = {}
_PUBLIC_CACHE_MAX = 1024
_MATERIAL = frozenset({"kty", "crv", "x", "y", "n", "e"})


def load_public(jwk: Mapping[str, Any], suite: Suite) -> tuple[str, Any]:
    """``(kid, loaded key)`` for a peer's public JWK, cached by its key material."""
    try:
        cache_key = (suite.name, tuple(sorted((k, v) for k, v in jwk.items() if k in _MATERIAL)))
        hit = _PUBLIC_CACHE.get(cache_key)
        if hit is None:
            hit = (thumbprint(jwk), suite.load_key(jwk))
            if len(_PUBLIC_CACHE) >= _PUBLIC_CACHE_MAX:
                _PUBLIC_CACHE.clear()
            _PUBLIC_CACHE[cache_key] = hit
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise EnvelopeError("malformed", f"unusable public key: {exc}") from exc
    return hit


def keys_of(jwks: Mapping[str, Any] | None, suite: Suite, use: str) -> list[dict[str, Any]]:
    """The JWKs of ``jwks`` (a JWK Set) that serve ``use`` in ``suite``."""
    found = (jwks or {}).get("keys") or []
    return [
        k for k in found if isinstance(k, dict) and k.get("use") == use and suite.matches(k, use)
    ]


def find_key(
    jwks: Mapping[str, Any] | None, suite: Suite, use: str, kid: str
) -> tuple[dict, Any] | None:
    """The JWK (and its loaded key) whose RFC 7638 thumbprint is ``kid``; the ``kid`` member a
    peers file states is not trusted, the thumbprint is recomputed."""
    for jwk in keys_of(jwks, suite, use):
        real_kid, key = load_public(jwk, suite)
        if real_kid == kid:
            return jwk, key
    return None


def valid_at(jwk: Mapping[str, Any], when: dt.datetime) -> bool:
    """Whether ``when`` falls in the key's ``[nbf, exp)`` window (absent bounds are open)."""
    ts = when.timestamp()
    nbf, exp = jwk.get("nbf"), jwk.get("exp")
    if not all(b is None or type(b) in (int, float) for b in (nbf, exp)):
        return False  # a bound nobody can read is not a bound to ignore
    return (nbf is None or ts >= nbf) and (exp is None or ts < exp)


# --- JWS statements, shared with envelope.py ------------------------------------------------------


def parse_jws(token: str) -> tuple[dict[str, Any], bytes]:
    """Header and payload of a JWS compact string, unverified."""
    parts = token.split(".")
    if len(parts) != 3:
        raise EnvelopeError("malformed", "a JWS compact serialization has three parts")
    try:
        header = json.loads(b64d(parts[0]))
        payload = b64d(parts[1])
    except ValueError as exc:
        raise EnvelopeError("malformed", f"undecodable JWS: {exc}") from exc
    # Exactly these three: no "b64": false, "crit" or embedded keys that would let a verifier
    # and a reader of the archived statement see different things.
    if not isinstance(header, dict) or set(header) != {"alg", "kid", "typ"}:
        raise EnvelopeError("malformed", "the JWS header must hold exactly alg, kid and typ")
    if not isinstance(header["kid"], str):
        raise EnvelopeError("malformed", "the JWS kid must be a string")
    return header, payload


def sign_jws(payload: bytes, signer: NodeKeys, typ: str) -> str:
    """JWS compact over ``payload``; the header is RFC 8785 canonical (keys in order, ASCII), so
    an Ed25519 signature is reproducible byte for byte by any implementation."""
    suite = get_suite(signer.suite)
    header = {"alg": suite.jws_alg, "kid": signer.signing_kid, "typ": typ}
    return suite.sign(header, payload, signer.signing_key)


def verify_jws(
    token: str,
    header: Mapping[str, Any],
    jwks: Mapping[str, Any] | None,
    *,
    typ: str,
    suite: Suite | None = None,
    enabled: Iterable[str] | None = None,
) -> tuple[Suite, dict[str, Any]]:
    """Check ``token`` (already split by :func:`parse_jws`) against ``jwks``; returns the suite and
    the JWK that verified it. The suite is ``suite`` when the caller knows it (an envelope names it
    in the JWE header), otherwise the enabled suite whose JWS ``alg`` the header names."""
    if header.get("typ") != typ:
        raise EnvelopeError("malformed", f"expected typ {typ!r}, got {header.get('typ')!r}")
    alg = header.get("alg")
    if suite is None:
        suite = suite_signing_with(alg, enabled)
    elif alg != suite.jws_alg:
        raise EnvelopeError(
            "algorithm_mismatch", f"suite {suite.name} signs with {suite.jws_alg}, not {alg!r}"
        )
    found = find_key(jwks, suite, "sig", header["kid"])
    if found is None:
        raise EnvelopeError("unknown_sender", f"no {suite.name} signing key {header['kid']}")
    jwk, key = found
    if not suite.verify(token, key):
        raise EnvelopeError("bad_signature", f"signature does not verify with key {header['kid']}")
    return suite, jwk


# --- replies --------------------------------------------------------------------------------------

RECEIPT_TYP = "migrex-receipt+jws"
REFUSAL_TYP = "migrex-refusal+jws"
STATUSES = frozenset({"accepted", "duplicate"})
_FIELDS = {
    RECEIPT_TYP: frozenset({"message_id", "digest", "received_at", "status"}),
    REFUSAL_TYP: frozenset({"message_id", "digest", "received_at", "code", "detail"}),
}
# A refusal for a broken rule of the agreement also names the article and the member (§6);
# one without them (an envelope that did not open, or a peer of protocol 1.0) is still valid.
_WHERE = frozenset({"article", "field"})


@dataclass(frozen=True)
class Receipt:
    message_id: str
    digest: str
    received_at: dt.datetime
    status: str  # "accepted" | "duplicate"
    kid: str  # the receiver's signing key
    token: str  # the JWS itself, the proof to archive


@dataclass(frozen=True)
class Refusal:
    message_id: str | None  # None when the receiver could not authenticate the envelope
    digest: str
    received_at: dt.datetime
    code: str
    detail: str
    kid: str
    token: str
    article: str | None = None  # the article of the agreement the message breaks
    field: str | None = None  # the member of the message that breaks it: `payload.summary`


def _sign(body: dict[str, Any], signer: NodeKeys, typ: str) -> bytes:
    return sign_jws(canonicalize(body), signer, typ).encode("ascii")


def sign_receipt(
    *,
    signer: NodeKeys,
    message_id: str,
    digest: str,
    received_at: dt.datetime,
    status: str = "accepted",
) -> bytes:
    """The receiver's receipt for the envelope whose received bytes hash to ``digest``."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {sorted(STATUSES)}")
    body = {
        "message_id": message_id,
        "digest": digest,
        "received_at": format_time(received_at),
        "status": status,
    }
    return _sign(body, signer, RECEIPT_TYP)


def sign_refusal(
    *,
    signer: NodeKeys,
    digest: str,
    received_at: dt.datetime,
    code: str,
    detail: str = "",
    message_id: str | None = None,
    article: str | None = None,
    field: str | None = None,
) -> bytes:
    """A signed refusal. ``message_id`` should only be given once the envelope's signature has
    verified (:class:`EnvelopeError` carries it exactly then); ``article`` and ``field`` name the
    rule of the agreement a message breaks and where."""
    body = {
        "message_id": message_id,
        "digest": digest,
        "received_at": format_time(received_at),
        "code": code,
        "detail": detail,
    }
    if article or field:
        body.update(article=article, field=field)
    return _sign(body, signer, REFUSAL_TYP)


def refusal_for(
    error: EnvelopeError, *, signer: NodeKeys, digest: str, received_at: dt.datetime
) -> bytes:
    """:func:`sign_refusal` for an error raised by ``open_``."""
    return sign_refusal(
        signer=signer,
        digest=digest,
        received_at=received_at,
        code=error.code,
        detail=error.detail,
        message_id=error.message_id,
    )


def _body(payload: bytes, typ: str) -> dict[str, Any]:
    try:
        body = json.loads(payload)
    except ValueError as exc:
        raise EnvelopeError("malformed", f"the reply is not JSON: {exc}") from exc
    optional = _WHERE if typ == REFUSAL_TYP else frozenset()
    if not isinstance(body, dict) or set(body) - optional != _FIELDS[typ]:
        raise EnvelopeError("malformed", f"a {typ} has exactly {sorted(_FIELDS[typ])}")
    if canonicalize(body) != payload:
        raise EnvelopeError("malformed", "the reply is not in RFC 8785 canonical form")
    return body


def verify_receipt(
    data: bytes | str,
    *,
    peer_keys: Mapping[str, Any] | None,
    message_id: str,
    digest: str,
    enabled_suites: Iterable[str] = DEFAULT_ENABLED,
) -> Receipt | Refusal:
    """Verify the receiver's reply to the envelope ``message_id`` whose sent bytes hash to
    ``digest``, against the receiver's JWK Set ``peer_keys``.

    Returns the :class:`Receipt` or the (authentic) :class:`Refusal`. Raises
    :class:`EnvelopeError`: ``malformed``, ``unknown_algorithm``, ``unknown_sender``,
    ``bad_signature``, ``key_not_valid``, or ``receipt_mismatch`` when the reply is about other
    bytes or another message."""
    try:
        token = data.decode("ascii") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise EnvelopeError("malformed", "a JWS compact serialization is ASCII") from exc
    header, payload = parse_jws(token)
    typ = header.get("typ")
    if typ not in _FIELDS:
        raise EnvelopeError("malformed", f"not a migrex reply (typ {typ!r})")
    _, jwk = verify_jws(token, header, peer_keys, typ=typ, enabled=enabled_suites)
    body = _body(payload, typ)
    if not isinstance(body["received_at"], str):
        raise EnvelopeError("malformed", "received_at must be a string")
    received_at = parse_time(body["received_at"])
    if not valid_at(jwk, received_at):
        raise EnvelopeError(
            "key_not_valid", f"key {header['kid']} was not valid at {body['received_at']}"
        )
    if body["digest"] != digest:
        raise EnvelopeError("receipt_mismatch", "the reply is about other bytes than those sent")
    if body["message_id"] != message_id and not (typ == REFUSAL_TYP and body["message_id"] is None):
        raise EnvelopeError("receipt_mismatch", f"the reply is about message {body['message_id']}")
    if typ == RECEIPT_TYP:
        if body["status"] not in STATUSES:
            raise EnvelopeError("malformed", f"unknown receipt status {body['status']!r}")
        return Receipt(message_id, digest, received_at, body["status"], header["kid"], token)
    where = (body.get("article"), body.get("field"))
    if not all(isinstance(body[k], str) for k in ("code", "detail")) or not all(
        w is None or isinstance(w, str) for w in where
    ):
        raise EnvelopeError("malformed", "code, detail, article and field must be strings")
    return Refusal(
        body["message_id"], digest, received_at, body["code"], body["detail"], header["kid"], token,
        *where,
    )  # fmt: skip
