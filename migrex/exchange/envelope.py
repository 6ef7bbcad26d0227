"""Envelopes: canonical JSON (RFC 8785), signed by the sender node (JWS), encrypted to the receiver
node (JWE). docs/protocol.md is the specification; this module is its reference implementation.
Pure: no Django. Freshness, duplicates and agreement checks belong to the caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .crypto import (
    DEFAULT_ENABLED,
    MAX_ENVELOPE_BYTES,
    MAX_WIRE_BYTES,
    SUITE_HEADER,
    EnvelopeError,
    NodeKeys,
    Suite,
    b64d,
    b64e,
    get_suite,
)
from .receipts import (
    canonicalize,
    format_time,
    is_time,
    keys_of,
    load_public,
    parse_jws,
    parse_time,
    sign_jws,
    valid_at,
    verify_jws,
)

ENVELOPE_TYP = "migrex-envelope+jws"
PROTOCOL_VERSION = 1
MAX_SKEW = dt.timedelta(minutes=5)

# --- UUIDv7 (RFC 9562 §5.7) -----------------------------------------------------------------------

_uuid_lock = threading.Lock()
_uuid_last = [0, 0]  # last millisecond, counter


def uuid7(unix_ms: int | None = None) -> uuid.UUID:
    """A time-ordered UUID: 48-bit Unix milliseconds, a 12-bit counter (RFC 9562 §6.2 method 1,
    so ids from this process sort in creation order even within one millisecond), 62 random bits.
    Passing ``unix_ms`` (for fixed test data) bypasses the counter."""
    if unix_ms is None:
        with _uuid_lock:
            ms = time.time_ns() // 1_000_000
            if ms <= _uuid_last[0]:  # same millisecond, or the clock stepped back
                ms, counter = _uuid_last[0], _uuid_last[1] + 1
                if counter > 0xFFF:
                    ms, counter = ms + 1, secrets.randbits(10)
            else:
                counter = secrets.randbits(10)  # random start, with room to count up
            _uuid_last[:] = [ms, counter]
    else:
        ms, counter = unix_ms, secrets.randbits(12)
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62
    return uuid.UUID(int=value | secrets.randbits(62))


# --- fields ---------------------------------------------------------------------------------------

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_B64URL = re.compile(rb"[A-Za-z0-9_-]*")
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _is_uuid7(v: object) -> bool:
    return isinstance(v, str) and bool(_UUID.fullmatch(v)) and v[14] == "7" and v[19] in "89ab"


def _is_uuid(v: object) -> bool:
    return isinstance(v, str) and bool(_UUID.fullmatch(v))


def _is_code(v: object) -> bool:
    return isinstance(v, str) and bool(_CODE.fullmatch(v))


#: Every envelope member, with its check; the set is closed (unknown members are refused).
FIELDS: dict[str, tuple[Callable[[object], bool], str]] = {
    "version": (lambda v: v == PROTOCOL_VERSION, f"must be {PROTOCOL_VERSION}"),
    "message_id": (_is_uuid7, "must be a lower-case UUIDv7"),
    "conversation_id": (_is_uuid, "must be a lower-case UUID"),
    "in_reply_to": (lambda v: v is None or _is_uuid(v), "must be a lower-case UUID or null"),
    "agreement": (_is_code, "must be an agreement code"),
    "kind": (_is_code, "must be a message kind code"),
    "sender_node": (_is_code, "must be a node id"),
    "sender_authority": (_is_code, "must be an authority code"),
    "receiver_node": (_is_code, "must be a node id"),
    "receiver_authority": (_is_code, "must be an authority code"),
    "created": (is_time, "must be RFC 3339 UTC with a Z, e.g. 2025-01-31T09:00:00.000Z"),
    "payload": (lambda v: isinstance(v, dict), "must be a JSON object"),
}


def validate_envelope(envelope: Mapping[str, Any]) -> dict[str, Any]:
    """A checked copy of ``envelope``; refuses with ``malformed`` naming every bad member."""
    if not isinstance(envelope, Mapping):
        raise EnvelopeError("malformed", "the envelope must be a JSON object")
    problems = [f"{name}: missing" for name in FIELDS if name not in envelope]
    problems += [f"{name}: not an envelope member" for name in envelope if name not in FIELDS]
    problems += [
        f"{name}: {why}"
        for name, (check, why) in FIELDS.items()
        if name in envelope and not check(envelope[name])
    ]
    if problems:
        raise EnvelopeError("malformed", "; ".join(sorted(problems)))
    parse_time(envelope["created"])
    return dict(envelope)


def _id(value: uuid.UUID | str | None) -> str | None:
    return None if value is None else str(uuid.UUID(str(value)))


def new_envelope(
    *,
    agreement: str,
    kind: str,
    sender_node: str,
    sender_authority: str,
    receiver_node: str,
    receiver_authority: str,
    payload: dict[str, Any],
    conversation_id: uuid.UUID | str | None = None,
    in_reply_to: uuid.UUID | str | None = None,
    created: dt.datetime | None = None,
    message_id: uuid.UUID | str | None = None,
) -> dict[str, Any]:
    """A validated envelope with a fresh UUIDv7 and ``created`` = now. A message that opens a
    conversation (no ``conversation_id``) names the conversation after itself."""
    when = created or dt.datetime.now(dt.UTC)
    mid = _id(message_id) or str(uuid7(None if created is None else int(when.timestamp() * 1000)))
    envelope = {
        "version": PROTOCOL_VERSION,
        "message_id": mid,
        "conversation_id": _id(conversation_id) or mid,
        "in_reply_to": _id(in_reply_to),
        "agreement": agreement,
        "kind": kind,
        "sender_node": sender_node,
        "sender_authority": sender_authority,
        "receiver_node": receiver_node,
        "receiver_authority": receiver_authority,
        "created": format_time(when),
        "payload": payload,
    }
    validate_envelope(envelope)
    canonicalize(envelope)  # refuse now, not at sending time, what JCS cannot represent
    return envelope


# --- sealing --------------------------------------------------------------------------------------


def digest(data: bytes | str) -> str:
    """base64url SHA-256 of the exact bytes sent/received: what receipts are about."""
    raw = data.encode("ascii") if isinstance(data, str) else data
    return b64e(hashlib.sha256(raw).digest())


def sign_envelope(envelope: Mapping[str, Any], sender: NodeKeys) -> str:
    """The inner JWS (compact) of ``envelope``: deterministic for Ed25519."""
    checked = validate_envelope(envelope)
    created = parse_time(checked["created"])
    if not sender.valid_at(created):
        raise EnvelopeError("key_not_valid", f"signing key {sender.signing_kid} is not valid then")
    canonical = canonicalize(checked)
    if len(canonical) > MAX_ENVELOPE_BYTES:
        raise EnvelopeError("too_large", f"{len(canonical)} bytes, at most {MAX_ENVELOPE_BYTES}")
    return sign_jws(canonical, sender, ENVELOPE_TYP)


def seal(
    envelope: Mapping[str, Any], *, sender: NodeKeys, receiver_public: Mapping[str, Any]
) -> bytes:
    """The JWE compact bytes to send: ``envelope`` signed with ``sender``'s signing key, encrypted
    to the receiver's encryption key of the same suite (the newest one valid at ``created``)."""
    signed = sign_envelope(envelope, sender)
    created = parse_time(envelope["created"])
    return encrypt_signed(signed, suite=sender.suite, receiver_public=receiver_public, when=created)


def encrypt_signed(
    signed: str, *, suite: str, receiver_public: Mapping[str, Any], when: dt.datetime
) -> bytes:
    """The JWE compact bytes (§4.2) carrying the JWS ``signed``, encrypted to the receiver's
    newest encryption key of ``suite`` valid at ``when``. Shared by envelopes and the signed
    documents of offline packages (bundles.py)."""
    s = get_suite(suite)
    usable = [k for k in keys_of(receiver_public, s, "enc") if valid_at(k, when)]
    if not usable:
        raise EnvelopeError("no_receiver_key", f"the receiver has no {s.name} encryption key")
    jwk = max(usable, key=lambda k: k.get("nbf") or 0)
    kid, key = load_public(jwk, s)
    header = {
        "alg": s.jwe_alg,
        "enc": s.jwe_enc,
        "kid": kid,
        "cty": "JOSE",
        SUITE_HEADER: s.name,
    }
    return s.encrypt(header, signed.encode("ascii"), key).encode("ascii")


# --- opening --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """An envelope that decrypted, verified and passed the pure checks."""

    envelope: dict[str, Any]
    digest: str  # of the received bytes; goes into the receipt
    suite: str
    kid: str  # the sender's signing key
    signed: str  # the inner JWS: the sender's non-repudiable statement, worth keeping
    created: dt.datetime


def _canonical_b64(segment: bytes) -> bool:
    """No padding, and the bits of the last character that encode no data are zero."""
    tail = len(segment) % 4
    if tail == 0:
        return True
    unused = {2: 0x0F, 3: 0x03}.get(tail)
    return unused is not None and not _B64_ALPHABET.index(segment[-1]) & unused


def _wire_header(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_WIRE_BYTES:
        raise EnvelopeError("too_large", f"{len(raw)} bytes, at most {MAX_WIRE_BYTES} accepted")
    parts = raw.split(b".")
    if len(parts) != 5 or not all(_B64URL.fullmatch(p) for p in parts):
        raise EnvelopeError("malformed", "not a JWE compact serialization")
    # Canonical base64url only, or two byte strings (two digests) would carry one message.
    if not all(_canonical_b64(p) for p in parts):
        raise EnvelopeError("malformed", "non-canonical base64url in the JWE")
    try:
        header = json.loads(b64d(parts[0]))
    except ValueError as exc:
        raise EnvelopeError("malformed", f"undecodable JWE: {exc}") from exc
    if not isinstance(header, dict):
        raise EnvelopeError("malformed", "the JWE header is not a JSON object")
    return header


def _decryption_key(receiver: NodeKeys | Iterable[NodeKeys], suite: str, kid: object) -> Any:
    keyring = [receiver] if isinstance(receiver, NodeKeys) else receiver
    for keys in keyring:
        if keys.suite == suite and keys.encryption_kid == kid:
            return keys.encryption_key
    raise EnvelopeError("decryption_failed", f"no {suite} encryption key {kid} on this node")


def decrypt_signed(
    data: bytes | str,
    *,
    receiver: NodeKeys | Iterable[NodeKeys],
    enabled_suites: Iterable[str] = DEFAULT_ENABLED,
) -> tuple[bytes, Suite, str]:
    """Steps 1–3 of §9: the received bytes, the suite and the JWS compact string the JWE carries
    (not yet verified). Shared by envelopes and the signed documents of offline packages."""
    try:
        raw = data.encode("ascii") if isinstance(data, str) else bytes(data)
    except UnicodeEncodeError as exc:
        raise EnvelopeError("malformed", "a JWE compact serialization is ASCII") from exc
    header = _wire_header(raw)
    suite = get_suite(header.get(SUITE_HEADER), enabled_suites)
    if header.get("alg") != suite.jwe_alg or header.get("enc") != suite.jwe_enc:
        found = f"{header.get('alg')!r}/{header.get('enc')!r}"
        raise EnvelopeError("algorithm_mismatch", f"suite {suite.name} does not use {found}")
    key = _decryption_key(receiver, suite.name, header.get("kid"))
    try:
        plaintext = suite.decrypt(raw.decode("ascii"), key)
    except Exception as exc:  # one answer for every failure: no padding/curve/tag oracle
        detail = f"the JWE does not decrypt with key {header.get('kid')}"
        raise EnvelopeError("decryption_failed", detail) from exc
    try:
        signed = plaintext.decode("ascii")
    except UnicodeDecodeError as exc:
        raise EnvelopeError("malformed", "the JWE does not hold a JWS compact string") from exc
    return raw, suite, signed


def _parse_payload(payload: bytes) -> dict[str, Any]:
    try:
        envelope = json.loads(payload)
    except ValueError as exc:
        raise EnvelopeError("malformed", f"the envelope is not JSON: {exc}") from exc
    envelope = validate_envelope(envelope)
    if canonicalize(envelope) != payload:
        raise EnvelopeError("malformed", "the signed envelope is not in RFC 8785 canonical form")
    return envelope


def open_(
    data: bytes | str,
    *,
    receiver: NodeKeys | Iterable[NodeKeys],
    node_id: str,
    sender_keys: Callable[[str], Mapping[str, Any] | None],
    now: dt.datetime,
    max_skew: dt.timedelta = MAX_SKEW,
    enabled_suites: Iterable[str] = DEFAULT_ENABLED,
) -> Opened:
    """Decrypt ``data`` with this node's keys (``receiver``: one generation, or several during a
    rotation), verify it with the claimed sender node's JWK Set (``sender_keys(node)``), and check
    it is addressed to ``node_id`` and created within ``max_skew`` of ``now``.

    Raises :class:`EnvelopeError`; once the signature has verified the error carries the
    ``message_id``. Opening the same bytes twice gives the same result: deduplication is the
    caller's job."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    raw, suite, signed = decrypt_signed(data, receiver=receiver, enabled_suites=enabled_suites)
    jws_header, payload = parse_jws(signed)
    envelope = _parse_payload(payload)
    try:
        jwks = sender_keys(envelope["sender_node"])
    except LookupError:
        jwks = None
    _, jwk = verify_jws(signed, jws_header, jwks, typ=ENVELOPE_TYP, suite=suite)
    mid = envelope["message_id"]
    created = parse_time(envelope["created"])
    if not valid_at(jwk, created):
        detail = f"key {jws_header['kid']} was not valid at {envelope['created']}"
        raise EnvelopeError("key_not_valid", detail, message_id=mid)
    if envelope["receiver_node"] != node_id:
        detail = f"addressed to {envelope['receiver_node']!r}, this is {node_id!r}"
        raise EnvelopeError("wrong_receiver", detail, message_id=mid)
    if abs(created - now) > max_skew:
        detail = f"created {envelope['created']}, now {format_time(now)}, tolerance {max_skew}"
        raise EnvelopeError("clock_skew", detail, message_id=mid)
    return Opened(envelope, digest(raw), suite.name, jws_header["kid"], signed, created)
