"""The signed ping between two nodes (docs/protocol.md §8.3): the caller signs a small statement
naming both nodes and a fresh nonce, the peer verifies it with the caller's pinned keys and
answers with a statement of its own over the same nonce, which the caller verifies with the
peer's pinned keys. One round trip proves that the peer is up, that it holds the keys this node
pinned, that it trusts this node's current keys, and that the two clocks agree. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .crypto import EnvelopeError, NodeKeys
from .receipts import (
    canonicalize,
    format_time,
    parse_jws,
    parse_time,
    sign_jws,
    valid_at,
    verify_jws,
)

PING_TYP = "migrex-ping+jws"
PONG_TYP = "migrex-pong+jws"
MAX_BYTES = 4096  # a ping or a pong is a few hundred bytes
MAX_SKEW = dt.timedelta(minutes=5)  # as for envelopes (§9.1 step 10)
_MEMBERS = {
    PING_TYP: frozenset({"from", "to", "nonce", "sent_at"}),
    PONG_TYP: frozenset({"from", "to", "nonce", "answered_at"}),
}


@dataclass(frozen=True)
class Ping:
    sender: str  # the calling node
    receiver: str
    nonce: str
    at: dt.datetime


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def sign(
    *, typ: str, sender: str, receiver: str, nonce: str, at: dt.datetime, signer: NodeKeys
) -> bytes:
    """A ping (`PING_TYP`) or its answer (`PONG_TYP`), signed by `signer`."""
    when = "sent_at" if typ == PING_TYP else "answered_at"
    body = {"from": sender, "to": receiver, "nonce": nonce, when: format_time(at)}
    return sign_jws(canonicalize(body), signer, typ).encode("ascii")


def sender_of(data: bytes) -> str:
    """The node a ping says it comes from, unverified: whose pinned keys to verify it with."""
    return _parse(data, PING_TYP)[2]["from"]


def verify(
    data: bytes,
    *,
    typ: str,
    jwks: Mapping[str, Any] | None,
    receiver: str,
    now: dt.datetime,
    sender: str | None = None,
    nonce: str | None = None,
) -> Ping:
    """Check a ping or a pong against the JWK Set of the node that signed it. Raises
    EnvelopeError with a code of §7: `malformed`, `too_large`, `unknown_sender`,
    `bad_signature`, `key_not_valid`, `wrong_receiver`, `clock_skew`, or `receipt_mismatch`
    (a pong from another node or over another nonce than the ping's)."""
    token, header, body = _parse(data, typ)
    _, jwk = verify_jws(token, header, jwks, typ=typ)
    at = parse_time(body["sent_at" if typ == PING_TYP else "answered_at"])
    if not valid_at(jwk, at):
        raise EnvelopeError("key_not_valid", f"key {header['kid']} is not valid at {at}")
    if body["to"] != receiver:
        raise EnvelopeError("wrong_receiver", f"addressed to {body['to']!r}, not {receiver!r}")
    if (sender is not None and body["from"] != sender) or (
        nonce is not None and body["nonce"] != nonce
    ):
        raise EnvelopeError("receipt_mismatch", "the answer is not to this ping")
    skew = abs(at - now)
    if skew > MAX_SKEW:
        raise EnvelopeError("clock_skew", f"the clocks differ by {skew.total_seconds():.0f} s")
    return Ping(body["from"], body["to"], body["nonce"], at)


def _parse(data: bytes, typ: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    if len(data) > MAX_BYTES:
        raise EnvelopeError("too_large", f"a ping is at most {MAX_BYTES} bytes")
    try:
        token = data.decode("ascii")
    except UnicodeDecodeError:
        raise EnvelopeError("malformed", "a JWS compact serialization is ASCII") from None
    header, payload = parse_jws(token)
    if header.get("typ") != typ:
        raise EnvelopeError("malformed", f"expected typ {typ!r}, got {header.get('typ')!r}")
    try:
        body = json.loads(payload)
    except ValueError:
        raise EnvelopeError("malformed", "the payload is not JSON") from None
    if not isinstance(body, dict) or set(body) != _MEMBERS[typ]:
        raise EnvelopeError("malformed", f"a {typ} has exactly {sorted(_MEMBERS[typ])}")
    if not all(isinstance(v, str) and 0 < len(v) <= 128 for v in body.values()):
        raise EnvelopeError("malformed", "every member is a non-empty string of at most 128")
    if canonicalize(body) != payload:
        raise EnvelopeError("malformed", "the payload is not in RFC 8785 canonical form")
    return token, header, body
