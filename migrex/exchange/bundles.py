"""Offline packages (docs/protocol.md §12): the envelopes pending for a peer carried as one file
while the network is down, and the peer's signed replies carried back. Pure: no Django.

A package holds the envelopes exactly as they would have been POSTed, plus a *manifest* that the
sending node signs (JWS, ``typ`` ``migrex-package+jws``) and encrypts to the receiving node (JWE,
as an envelope): it lists the SHA-256 of every envelope in order, so one changed, dropped, added
or reordered envelope refuses the whole package. The envelopes keep their own signature and
encryption; the manifest does not repeat them, so a package is as large as its envelopes.

The reply file is one signed and encrypted document of the same kind (``typ``
``migrex-package-receipts+jws``) holding the receiver's signed reply to each envelope, in order:
the same receipts and refusals the receiver would have given over HTTP.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .crypto import DEFAULT_ENABLED, EnvelopeError, NodeKeys
from .envelope import (
    MAX_SKEW,
    _is_code,
    _is_uuid7,
    decrypt_signed,
    digest,
    encrypt_signed,
    uuid7,
)
from .receipts import (
    canonicalize,
    format_time,
    is_time,
    parse_jws,
    parse_time,
    sign_jws,
    valid_at,
    verify_jws,
)

PACKAGE_FORMAT = "migrex-package/1"
RECEIPTS_FORMAT = "migrex-package-receipts/1"
MANIFEST_TYP = "migrex-package+jws"
RECEIPTS_TYP = "migrex-package-receipts+jws"
#: How old a package may be when it is imported: the carrying time through diplomatic channels.
MAX_PACKAGE_AGE = dt.timedelta(days=30)

_DIGEST = re.compile(r"[A-Za-z0-9_-]{43}")
_JOSE = re.compile(r"[A-Za-z0-9_.-]+")


def _is_digest(v: object) -> bool:
    return isinstance(v, str) and bool(_DIGEST.fullmatch(v))


def _is_jose_list(v: object) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) and _JOSE.fullmatch(x) for x in v)


_COMMON: dict[str, Callable[[object], bool]] = {
    "format": lambda v: isinstance(v, str),
    "package_id": _is_uuid7,
    "sender_node": _is_code,
    "receiver_node": _is_code,
    "created": is_time,
}
_MEMBERS: dict[str, dict[str, Callable[[object], bool]]] = {
    MANIFEST_TYP: {
        **_COMMON,
        "envelopes": lambda v: isinstance(v, list) and all(map(_is_digest, v)),
    },
    RECEIPTS_TYP: {**_COMMON, "package_digest": _is_digest, "replies": _is_jose_list},
}
_FORMATS = {MANIFEST_TYP: PACKAGE_FORMAT, RECEIPTS_TYP: RECEIPTS_FORMAT}


@dataclass(frozen=True)
class Document:
    """A manifest or a reply document that decrypted and verified."""

    body: dict[str, Any]
    digest: str  # of the sealed document's bytes (the JWE compact string)
    signed: str  # the JWS: the signer's statement, worth keeping
    kid: str
    created: dt.datetime


def _seal(
    body: dict[str, Any], typ: str, sender: NodeKeys, receiver_public: Mapping[str, Any]
) -> tuple[bytes, str]:
    """The JWE compact bytes of ``body`` signed as ``typ``, and the JWS inside."""
    created = parse_time(body["created"])
    if not sender.valid_at(created):
        raise EnvelopeError("key_not_valid", f"signing key {sender.signing_kid} is not valid then")
    signed = sign_jws(canonicalize(body), sender, typ)
    sealed = encrypt_signed(
        signed, suite=sender.suite, receiver_public=receiver_public, when=created
    )
    return sealed, signed


def _open(
    sealed: bytes | str,
    typ: str,
    *,
    receiver: NodeKeys | Iterable[NodeKeys],
    node_id: str,
    sender_keys: Callable[[str], Mapping[str, Any] | None],
    now: dt.datetime,
    max_age: dt.timedelta,
    enabled_suites: Iterable[str],
) -> Document:
    """The checks of an envelope (§9), for a document of type ``typ``: decrypt, verify with the
    claimed sender node's keys, key valid at ``created``, addressed to ``node_id``, ``created``
    at most ``max_age`` old and at most the clock tolerance in the future."""
    raw, suite, signed = decrypt_signed(sealed, receiver=receiver, enabled_suites=enabled_suites)
    header, payload = parse_jws(signed)
    if header.get("typ") != typ:
        raise EnvelopeError("malformed", f"expected typ {typ!r}, got {header.get('typ')!r}")
    try:
        body = json.loads(payload)
    except ValueError as exc:
        raise EnvelopeError("malformed", f"the {typ} is not JSON: {exc}") from exc
    members = _MEMBERS[typ]
    if not isinstance(body, dict) or set(body) != set(members):
        raise EnvelopeError("malformed", f"a {typ} has exactly {sorted(members)}")
    bad = sorted(name for name, check in members.items() if not check(body[name]))
    if bad or body["format"] != _FORMATS[typ]:
        raise EnvelopeError("malformed", f"invalid {', '.join(bad or ['format'])} in the {typ}")
    if canonicalize(body) != payload:
        raise EnvelopeError("malformed", f"the {typ} is not in RFC 8785 canonical form")
    try:
        jwks = sender_keys(body["sender_node"])
    except LookupError:
        jwks = None
    _, jwk = verify_jws(signed, header, jwks, typ=typ, suite=suite)
    created = parse_time(body["created"])
    if not valid_at(jwk, created):
        raise EnvelopeError("key_not_valid", f"key {header['kid']} was not valid at {created}")
    if body["receiver_node"] != node_id:
        detail = f"addressed to {body['receiver_node']!r}, this is {node_id!r}"
        raise EnvelopeError("wrong_receiver", detail)
    if created - now > MAX_SKEW or now - created > max_age:
        detail = f"created {body['created']}, now {format_time(now)}, at most {max_age} old"
        raise EnvelopeError("clock_skew", detail)
    return Document(body, digest(raw), signed, header["kid"], created)


# --- the package ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    package_id: str
    sender_node: str
    receiver_node: str
    created: dt.datetime
    digest: str  # of the sealed manifest: what the reply file answers
    signed: str  # the manifest JWS
    envelopes: list[bytes]  # exactly as sealed, in the manifest's order


def write_package(
    envelopes: list[bytes],
    *,
    sender_node: str,
    receiver_node: str,
    sender: NodeKeys,
    receiver_public: Mapping[str, Any],
    created: dt.datetime | None = None,
    package_id: str | None = None,
) -> tuple[bytes, Package]:
    """The package file for ``envelopes`` (each a sealed envelope, in the order the receiver must
    process them) and what it holds."""
    when = created or dt.datetime.now(dt.UTC)
    manifest = {
        "format": PACKAGE_FORMAT,
        "package_id": package_id or str(uuid7()),
        "sender_node": sender_node,
        "receiver_node": receiver_node,
        "created": format_time(when),
        "envelopes": [digest(e) for e in envelopes],
    }
    if len(set(manifest["envelopes"])) != len(envelopes):
        raise ValueError("the same envelope twice in one package")
    sealed, signed = _seal(manifest, MANIFEST_TYP, sender, receiver_public)
    text = [e.decode("ascii") for e in envelopes]
    data = {"format": PACKAGE_FORMAT, "manifest": sealed.decode("ascii"), "envelopes": text}
    # One envelope per line: the file can be inspected, diffed and split by line tools.
    out = json.dumps(data, indent=0).encode("ascii") + b"\n"
    package = Package(
        manifest["package_id"], sender_node, receiver_node, parse_time(manifest["created"]),
        digest(sealed), signed, list(envelopes),
    )  # fmt: skip
    return out, package


def read_package(
    data: bytes,
    *,
    receiver: NodeKeys | Iterable[NodeKeys],
    node_id: str,
    sender_keys: Callable[[str], Mapping[str, Any] | None],
    now: dt.datetime,
    max_age: dt.timedelta = MAX_PACKAGE_AGE,
    enabled_suites: Iterable[str] = DEFAULT_ENABLED,
) -> Package:
    """Open a package file with the checks of an envelope; every envelope must be the one the
    manifest lists at its place (``package_mismatch`` otherwise). The envelopes themselves are
    opened afterwards, one by one, by the receiver's inbox."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    try:
        outer = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EnvelopeError("malformed", f"not a migrex package: {exc}") from exc
    if not isinstance(outer, dict) or set(outer) != {"format", "manifest", "envelopes"}:
        raise EnvelopeError("malformed", "a package has exactly format, manifest and envelopes")
    if outer["format"] != PACKAGE_FORMAT:
        raise EnvelopeError("malformed", f"not a {PACKAGE_FORMAT} file: {outer['format']!r}")
    if not isinstance(outer["manifest"], str) or not _is_jose_list(outer["envelopes"]):
        raise EnvelopeError("malformed", "the manifest and the envelopes are JOSE compact strings")
    doc = _open(
        outer["manifest"],
        MANIFEST_TYP,
        receiver=receiver,
        node_id=node_id,
        sender_keys=sender_keys,
        now=now,
        max_age=max_age,
        enabled_suites=enabled_suites,
    )
    listed = doc.body["envelopes"]
    envelopes = [e.encode("ascii") for e in outer["envelopes"]]
    if len(set(listed)) != len(listed):
        raise EnvelopeError("malformed", "the manifest lists an envelope twice")
    if [digest(e) for e in envelopes] != listed:
        raise EnvelopeError(
            "package_mismatch",
            f"the file's {len(envelopes)} envelopes are not the {len(listed)} the manifest lists",
        )
    b = doc.body
    return Package(
        b["package_id"], b["sender_node"], b["receiver_node"], doc.created, doc.digest,
        doc.signed, envelopes,
    )  # fmt: skip


# --- the replies ----------------------------------------------------------------------------------


def write_receipts(
    replies: list[bytes],
    *,
    package: Package,
    node_id: str,
    sender: NodeKeys,
    receiver_public: Mapping[str, Any],
    created: dt.datetime | None = None,
) -> bytes:
    """The reply file to ``package``: this node's signed reply to each of its envelopes, in
    order, signed by this node and encrypted to the package's sender."""
    if len(replies) != len(package.envelopes):
        raise ValueError("one reply per envelope of the package")
    body = {
        "format": RECEIPTS_FORMAT,
        "package_id": package.package_id,
        "package_digest": package.digest,
        "sender_node": node_id,
        "receiver_node": package.sender_node,
        "created": format_time(created or dt.datetime.now(dt.UTC)),
        "replies": [r.decode("ascii") for r in replies],
    }
    sealed, _ = _seal(body, RECEIPTS_TYP, sender, receiver_public)
    data = {"format": RECEIPTS_FORMAT, "receipts": sealed.decode("ascii")}
    return json.dumps(data, indent=0).encode("ascii") + b"\n"


@dataclass(frozen=True)
class Replies:
    package_id: str
    package_digest: str
    sender_node: str  # the node that imported the package
    created: dt.datetime
    replies: list[str]  # signed receipts and refusals, in the package's order
    signed: str


def read_receipts(
    data: bytes,
    *,
    receiver: NodeKeys | Iterable[NodeKeys],
    node_id: str,
    sender_keys: Callable[[str], Mapping[str, Any] | None],
    now: dt.datetime,
    enabled_suites: Iterable[str] = DEFAULT_ENABLED,
) -> Replies:
    """Open a reply file. Each reply is then checked like an HTTP reply (receipts.verify_receipt)
    against the digest of the envelope the sender put in the package."""
    try:
        outer = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EnvelopeError("malformed", f"not a migrex reply file: {exc}") from exc
    if not isinstance(outer, dict) or set(outer) != {"format", "receipts"}:
        raise EnvelopeError("malformed", "a reply file has exactly format and receipts")
    if outer["format"] != RECEIPTS_FORMAT or not isinstance(outer["receipts"], str):
        raise EnvelopeError("malformed", f"not a {RECEIPTS_FORMAT} file")
    doc = _open(
        outer["receipts"],
        RECEIPTS_TYP,
        receiver=receiver,
        node_id=node_id,
        sender_keys=sender_keys,
        now=now,
        max_age=dt.timedelta.max,  # replies are proof: reading them late is fine
        enabled_suites=enabled_suites,
    )
    b = doc.body
    return Replies(
        b["package_id"], b["package_digest"], b["sender_node"], doc.created, list(b["replies"]),
        doc.signed,
    )  # fmt: skip
