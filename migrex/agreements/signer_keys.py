"""A signatory's own signing key (Art. 9.3): made here or imported from a PKCS#12 file of a
national certification authority, kept encrypted under the signatory's password, and the
detached signature it makes over a request. Pure: no Django.

Keys are Ed25519 or ECDSA P-256, the curves of the node keys (docs/protocol.md §3). A public key
travels as a JWK (RFC 7517) whose ``kid`` is its RFC 7638 thumbprint, with the certificate chain
in ``x5c`` when it came from a PKCS#12 file. The private key is stored as PKCS#8 encrypted with
AES-256-GCM under a key derived from the password by Argon2id (RFC 9106); the derivation's
parameters are kept beside the ciphertext, so they can be raised for new keys without touching
old ones. A signature is a JWS in compact form with a detached payload (RFC 7515 appendix F).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import pkcs12
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey
from joserfc.jws import JWSRegistry

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
#: (kty, crv) → the JWS algorithm; the only keys a signatory may hold.
ALGORITHMS = {("OKP", "Ed25519"): "Ed25519", ("EC", "P-256"): "ES256"}
_KEY_TYPES: dict[str, Any] = {"OKP": OKPKey, "EC": ECKey}
_MEMBERS = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y")}
#: RFC 9106 §4, the second recommended option (64 MiB, 3 passes, 4 lanes).
ARGON2ID = {"name": "argon2id", "time_cost": 3, "memory_cost": 65536, "parallelism": 4}
_SALT, _NONCE, _KEY_BYTES = 16, 12, 32
MAX_CONTENT = 16 * 1024 * 1024  # a request's canonical content; attachments count by digest


class SignerKeyError(Exception):
    """Why a key could not be made, opened or read: a stable ``code`` and a ``detail``."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


class _Registry(JWSRegistry):
    max_payload_length = MAX_CONTENT * 4 // 3 + 4096


_JWS = {alg: _Registry(algorithms=[alg]) for alg in ALGORITHMS.values()}


# --- making and importing keys --------------------------------------------------------------------


def generate() -> PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


def from_pkcs12(data: bytes, password: str) -> tuple[PrivateKey, list[x509.Certificate]]:
    """The private key of a PKCS#12 file and its certificate chain (the signatory's own first).
    A file that does not open (wrong password, not PKCS#12) or holds another kind of key is
    refused with one clear reason."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, _secret(password) or None)
    except (ValueError, TypeError) as exc:
        raise SignerKeyError(
            "pkcs12_unreadable", "the file does not open: wrong password or not a PKCS#12 file"
        ) from exc
    if key is None:
        raise SignerKeyError("pkcs12_unreadable", "the file holds no private key")
    if not isinstance(key, ed25519.Ed25519PrivateKey) and not (
        isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1)
    ):
        raise SignerKeyError(
            "key_unsupported",
            f"the key is {_describe(key)}: only Ed25519 and ECDSA P-256 keys sign requests",
        )
    chain = [c for c in [cert, *extra] if c is not None]
    if chain and chain[0].public_key() != key.public_key():
        raise SignerKeyError("pkcs12_unreadable", "the certificate is not that of the key")
    return key, chain


def _describe(key: object) -> str:
    curve = getattr(key, "curve", None)
    name = type(key).__name__.removeprefix("_").replace("PrivateKey", "")
    return f"{name} {curve.name}" if curve is not None else name


def public_jwk(key: PrivateKey, chain: Iterable[x509.Certificate] = ()) -> dict[str, Any]:
    """The public JWK of ``key``, with ``kid`` (RFC 7638), ``alg``, ``use`` and, for a key of a
    certification authority, the certificate chain as ``x5c`` (RFC 7517 §4.7)."""
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    loaded = (OKPKey if isinstance(key, ed25519.Ed25519PrivateKey) else ECKey).import_key(pem)
    jwk = loaded.as_dict(private=False)
    jwk = {m: jwk[m] for m in _MEMBERS[jwk["kty"]]}
    jwk.update(kid=loaded.thumbprint(), use="sig", alg=ALGORITHMS[jwk["kty"], jwk["crv"]])
    certs = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain]
    if certs:
        jwk["x5c"] = certs
    return jwk


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint, base64url: the key's ``kid`` and its fingerprint."""
    return _imported(*_public_members(jwk))[1]


def check_public_jwk(value: object) -> dict[str, Any]:
    """A public JWK as another party sent it, cleaned to the members migrex uses; refuses a
    private member, an unsupported curve, and a certificate that is not that of the key."""
    if not isinstance(value, Mapping):
        raise SignerKeyError("key_invalid", "not a JWK object")
    if "d" in value:
        raise SignerKeyError("key_invalid", "a private key was sent: only the public one goes")
    kty, crv = value.get("kty"), value.get("crv")
    if (kty, crv) not in ALGORITHMS:
        raise SignerKeyError("key_unsupported", f"{kty}/{crv}: only Ed25519 and P-256 keys sign")
    members = _MEMBERS[str(kty)]
    if any(not isinstance(value.get(m), str) or len(value[m]) > 128 for m in members):
        raise SignerKeyError("key_invalid", f"the members {', '.join(members)} are required")
    jwk: dict[str, Any] = {m: value[m] for m in members}
    try:
        kid = thumbprint(jwk)
    except (JoseError, ValueError, TypeError) as exc:
        raise SignerKeyError("key_invalid", f"not a usable public key: {exc}") from exc
    if value.get("kid") not in (None, kid):
        raise SignerKeyError("key_invalid", "kid is not the key's RFC 7638 thumbprint")
    jwk.update(kid=kid, use="sig", alg=ALGORITHMS[kty, crv])
    chain = value.get("x5c")
    if chain is not None:
        jwk["x5c"] = _check_chain(chain, jwk)
    return jwk


def _check_chain(chain: object, jwk: Mapping[str, Any]) -> list[str]:
    if not isinstance(chain, list) or not chain or len(chain) > 10:
        raise SignerKeyError("key_invalid", "x5c must be a list of certificates")
    try:
        first = x509.load_der_x509_certificate(base64.b64decode(chain[0], validate=True))
        public = first.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        same = _KEY_TYPES[jwk["kty"]].import_key(public).thumbprint() == jwk["kid"]
    except (ValueError, TypeError, JoseError) as exc:
        raise SignerKeyError("key_invalid", f"x5c: not a certificate: {exc}") from exc
    if not same:
        raise SignerKeyError("key_invalid", "x5c: the certificate is not that of the key")
    return [str(c) for c in chain]


def _load(jwk: Mapping[str, Any]) -> Any:
    return _imported(*_public_members(jwk))[0]


def _public_members(jwk: Mapping[str, Any]) -> tuple[str, tuple[tuple[str, Any], ...]]:
    kty = jwk.get("kty")
    if kty not in _MEMBERS:
        raise SignerKeyError("key_unsupported", f"key type {kty!r}")
    return str(kty), tuple((m, jwk[m]) for m in _MEMBERS[str(kty)])


@functools.lru_cache(maxsize=1024)
def _imported(kty: str, members: tuple[tuple[str, Any], ...]) -> tuple[Any, str]:
    """The key and its thumbprint, imported once per public key (a node verifies every request
    with one of a few listed keys). Public keys only: nothing secret stays in memory."""
    key = _KEY_TYPES[kty].import_key(dict(members))
    return key, key.thumbprint()


# --- the private key at rest ----------------------------------------------------------------------


def _secret(password: str) -> bytes:
    # NFC, so a password typed with "й" composed or decomposed opens the same key (RFC 8265).
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _derive(password: str, kdf: Mapping[str, Any]) -> bytes:
    if kdf.get("name") != "argon2id":
        raise SignerKeyError("kdf_unknown", f"key derivation {kdf.get('name')!r} is not known")
    return hash_secret_raw(
        _secret(password),
        base64.b64decode(kdf["salt"]),
        time_cost=int(kdf["time_cost"]),
        memory_cost=int(kdf["memory_cost"]),
        parallelism=int(kdf["parallelism"]),
        hash_len=_KEY_BYTES,
        type=Type.ID,
    )


def seal(
    key: PrivateKey, password: str, kid: str, kdf: Mapping[str, Any] | None = None
) -> tuple[bytes, dict[str, Any]]:
    """``key`` encrypted under ``password``: (nonce + AES-256-GCM ciphertext of its PKCS#8, the
    derivation's parameters with their salt). The ``kid`` is authenticated with it, so a sealed
    key cannot be passed off as another's."""
    params = {**(kdf or ARGON2ID), "salt": base64.b64encode(os.urandom(_SALT)).decode()}
    nonce = os.urandom(_NONCE)
    plain = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    sealed = AESGCM(_derive(password, params)).encrypt(nonce, plain, kid.encode())
    return nonce + sealed, params


def unseal(sealed: bytes, kdf: Mapping[str, Any], password: str, kid: str) -> PrivateKey:
    """Inverse of :func:`seal`; a wrong password raises ``wrong_password``."""
    try:
        plain = AESGCM(_derive(password, kdf)).decrypt(
            sealed[:_NONCE], sealed[_NONCE:], kid.encode()
        )
    except InvalidTag as exc:
        raise SignerKeyError("wrong_password", "the key does not open with this password") from exc
    key = serialization.load_der_private_key(plain, password=None)
    if not isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        raise SignerKeyError("key_unsupported", "the stored key is of an unknown type")
    return key


# --- signatures -----------------------------------------------------------------------------------


def sign(key: PrivateKey, content: bytes) -> str:
    """The detached JWS (``header..signature``) of ``content`` by ``key``; the header holds
    exactly ``alg`` and ``kid``."""
    jwk = public_jwk(key)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    private = _KEY_TYPES[jwk["kty"]].import_key(pem)
    header = {"alg": jwk["alg"], "kid": jwk["kid"]}
    token = jws.serialize_compact(header, content, private, registry=_JWS[jwk["alg"]])
    return jws.detach_content(token)


def verify(token: str, content: bytes, jwk: Mapping[str, Any]) -> bool:
    """Whether ``token`` is ``jwk``'s detached signature over ``content``: the header names that
    key and its algorithm, nothing else, and the payload part is empty."""
    try:
        parts = token.split(".")
        if len(parts) != 3 or parts[1]:
            return False
        raw = parts[0].encode("ascii")
        header = json.loads(base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4)))
        alg = ALGORITHMS.get((jwk.get("kty"), jwk.get("crv")))
        if alg is None or header != {"alg": alg, "kid": thumbprint(jwk)}:
            return False
        jws.deserialize_compact(token, _load(jwk), payload=content, registry=_JWS[alg])
    except (JoseError, ValueError, TypeError, KeyError, SignerKeyError):
        return False
    return True


# --- a list of signatories, as a signature is checked against it ----------------------------------


@dataclass(frozen=True)
class Listed:
    """One entry of a signatory list as a signature is checked against it (Art. 9.3)."""

    full_name: str
    position: str
    valid_from: dt.date
    valid_to: dt.date | None
    jwk: Mapping[str, Any] | None

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def named(entries: Iterable[Listed], name: str, position: str, on: dt.date) -> list[Listed]:
    """The entries for this name and position valid on ``on``."""
    return [e for e in entries if (e.full_name, e.position) == (name, position) and e.valid_on(on)]


def with_key(entries: Iterable[Listed], kid: str) -> Listed | None:
    """The entry that gives the key ``kid``, if any."""
    return next((e for e in entries if e.jwk is not None and e.jwk.get("kid") == kid), None)
