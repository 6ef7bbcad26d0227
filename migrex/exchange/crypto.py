"""Keys and algorithm suites for the exchange (docs/protocol.md §3–§4). Pure: no Django.

A *suite* names one signature algorithm (JWS) and one key-agreement/encryption pair (JWE). Envelopes
carry the suite name in the JWE protected header, so a receiver picks the algorithm before it
decrypts. A node holds two key pairs per suite, one for signing and one for encryption; loaded key
objects are cached, because parsing a JWK costs more than an Ed25519 signature.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwe import JWERegistry
from joserfc.jwk import ECKey, OctKey, OKPKey
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter

#: Largest canonical envelope accepted; photographs and fingerprint cards (Art. 6) travel inline.
MAX_ENVELOPE_BYTES = 8 * 1024 * 1024
#: The JWE compact string carrying it: base64url twice (JWS, then JWE) plus headers.
MAX_WIRE_BYTES = MAX_ENVELOPE_BYTES * 16 // 9 + 16384
SUITE_HEADER = "migrex-suite"


class EnvelopeError(Exception):
    """A refusal with a stable ``code`` (docs/protocol.md §7) and a human-readable ``detail``.

    ``message_id`` is set only once the envelope's signature has been verified, so a signed refusal
    never echoes an identifier an attacker made up.
    """

    def __init__(self, code: str, detail: str = "", *, message_id: str | None = None) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.message_id = message_id


# --- wire encodings -------------------------------------------------------------------------------


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str | bytes) -> bytes:
    raw = text.encode("ascii") if isinstance(text, str) else text
    return base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))


class Suite(Protocol):
    """What the exchange needs from an algorithm suite; see :func:`register_suite`."""

    name: str
    jws_alg: str
    jwe_alg: str
    jwe_enc: str

    def generate(self) -> tuple[dict[str, Any], dict[str, Any]]: ...  # private (sig, enc) JWKs
    def matches(self, jwk: Mapping[str, Any], use: str) -> bool: ...  # use: "sig" | "enc"

    def load_key(self, jwk: Mapping[str, Any]) -> Any: ...
    def sign(self, header: dict[str, Any], payload: bytes, key: Any) -> str: ...
    def verify(self, token: str, key: Any) -> bool: ...
    def encrypt(self, header: dict[str, Any], plaintext: bytes, key: Any) -> str: ...
    def decrypt(self, token: str, key: Any) -> bytes: ...


_KEY_TYPES: dict[str, Any] = {"OKP": OKPKey, "EC": ECKey}


class _JWS(JWSRegistry):  # joserfc's defaults (128 kB, 64 kB) are too small for a photograph
    max_payload_length = MAX_ENVELOPE_BYTES * 4 // 3 + 4096


class _JWE(JWERegistry):
    max_ciphertext_length = MAX_WIRE_BYTES


@dataclass(frozen=True)
class JoseSuite:
    """A suite built from algorithms that joserfc already implements."""

    name: str
    jws_alg: str
    sig_kty: str
    sig_crv: str
    jwe_alg: str
    jwe_enc: str
    enc_kty: str
    enc_crv: str
    _jws: JWSRegistry = field(init=False, repr=False, compare=False)
    _jwe: JWERegistry = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        headers = {SUITE_HEADER: HeaderParameter("migrex algorithm suite", "str")}
        object.__setattr__(self, "_jws", _JWS(algorithms=[self.jws_alg]))
        jwe_reg = _JWE(header_registry=headers, algorithms=[self.jwe_alg, self.jwe_enc])
        object.__setattr__(self, "_jwe", jwe_reg)

    def generate(self) -> tuple[dict[str, Any], dict[str, Any]]:
        sig = _KEY_TYPES[self.sig_kty].generate_key(self.sig_crv, private=True)
        enc = _KEY_TYPES[self.enc_kty].generate_key(self.enc_crv, private=True)
        return sig.as_dict(private=True), enc.as_dict(private=True)

    def matches(self, jwk: Mapping[str, Any], use: str) -> bool:
        if use == "sig":
            return jwk.get("alg") == self.jws_alg and jwk.get("crv") == self.sig_crv
        return jwk.get("alg") == self.jwe_alg and jwk.get("crv") == self.enc_crv

    def load_key(self, jwk: Mapping[str, Any]) -> Any:
        material = {k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y", "d")}
        return _KEY_TYPES[jwk["kty"]].import_key(material)

    def sign(self, header: dict[str, Any], payload: bytes, key: Any) -> str:
        return jws.serialize_compact(header, payload, key, registry=self._jws)

    def verify(self, token: str, key: Any) -> bool:
        try:
            jws.deserialize_compact(token, key, registry=self._jws)
        except (JoseError, ValueError):
            return False
        return True

    def encrypt(self, header: dict[str, Any], plaintext: bytes, key: Any) -> str:
        return jwe.encrypt_compact(header, plaintext, key, registry=self._jwe)

    def decrypt(self, token: str, key: Any) -> bytes:
        plaintext = jwe.decrypt_compact(token, key, registry=self._jwe).plaintext
        if plaintext is None:
            raise ValueError("empty plaintext")
        return plaintext


_SUITES: dict[str, Suite] = {}
DEFAULT_SUITE = "ed25519"
DEFAULT_ENABLED = frozenset({"ed25519", "p256"})


def register_suite(suite: Suite) -> Suite:
    """Make ``suite`` available under ``suite.name``. One call, at import time of its module.

    A national suite (for example GOST R 34.10-2012 signatures with GOST R 34.12-2015 "Kuznyechik"
    encryption) is any object with the :class:`Suite` attributes and methods, backed by whatever
    certified library the national regulator requires (the algorithm names below are
    illustrative: JOSE has no registered GOST identifiers, the two parties agree on them)::

        class GostSuite:
            name = "gost2012"
            jws_alg, jwe_alg, jwe_enc = "GOST3410-2012-256", "ECDH-GOST+KExp15", "KUZNYECHIK-MGM"
            def generate(self): ...   # private JWKs from the certified library
            def matches(self, jwk, use): ...
            def load_key(self, jwk): ...
            def sign(self, header, payload, key): ...     # JWS compact string
            def verify(self, token, key): ...            # bool
            def encrypt(self, header, plaintext, key): ...  # JWE compact string
            def decrypt(self, token, key): ...           # plaintext bytes

        register_suite(GostSuite())
        THUMBPRINT_MEMBERS["GOST"] = ("crv", "kty", "x", "y")  # only if it brings a new "kty"

    Registering does not enable it: each node lists the suites it accepts (``enabled_suites``), so
    a suite can be installed everywhere before either side starts sending with it.
    """
    if suite.name in _SUITES:
        raise ValueError(f"suite {suite.name!r} is already registered")
    _SUITES[suite.name] = suite
    return suite


def get_suite(name: object, enabled: Iterable[str] | None = None) -> Suite:
    """The registered suite ``name``; refuses unknown names and names not in ``enabled``."""
    if not isinstance(name, str) or not name:
        raise EnvelopeError("malformed", f"missing {SUITE_HEADER!r} header")
    suite = _SUITES.get(name)
    if suite is None:
        raise EnvelopeError("unknown_algorithm", f"suite {name!r} is not known to this node")
    if enabled is not None and name not in enabled:
        raise EnvelopeError("algorithm_disabled", f"suite {name!r} is disabled on this node")
    return suite


def suite_signing_with(alg: object, enabled: Iterable[str] | None = None) -> Suite:
    """The enabled suite whose JWS algorithm is ``alg`` (replies do not name their suite)."""
    names = _SUITES if enabled is None else enabled
    for suite in filter(None, map(_SUITES.get, names)):
        if suite.jws_alg == alg:
            return suite
    raise EnvelopeError("unknown_algorithm", f"JWS alg {alg!r} is not enabled on this node")


register_suite(
    JoseSuite("ed25519", "Ed25519", "OKP", "Ed25519", "ECDH-ES+A256KW", "A256GCM", "OKP", "X25519")
)
register_suite(
    JoseSuite("p256", "ES256", "EC", "P-256", "ECDH-ES+A256KW", "A256GCM", "EC", "P-256")
)


# --- keys -----------------------------------------------------------------------------------------

#: RFC 7638 §3.2 required members per key type; a suite with a new ``kty`` adds its own.
THUMBPRINT_MEMBERS: dict[str, tuple[str, ...]] = {
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "RSA": ("e", "kty", "n"),
}


def _thumbprint_digest(jwk: Mapping[str, Any]) -> bytes:
    members = THUMBPRINT_MEMBERS.get(jwk.get("kty", ""))  # type: ignore[arg-type]
    if members is None or any(not isinstance(jwk.get(m), str) for m in members):
        raise EnvelopeError("malformed", f"not a usable public JWK (kty={jwk.get('kty')!r})")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint, base64url: the ``kid`` of every migrex key."""
    return b64e(_thumbprint_digest(jwk))


def fingerprint_for_humans(jwk: Mapping[str, Any]) -> str:
    """The same SHA-256 as :func:`thumbprint`, in upper-case hex groups of four, to read out over
    the phone when two administrations check each other's keys out of band."""
    hexa = _thumbprint_digest(jwk).hex().upper()
    return " ".join(hexa[i : i + 4] for i in range(0, len(hexa), 4))


@dataclass(frozen=True, eq=False)
class NodeKeys:
    """One generation of a node's private keys for one suite: a signing and an encryption JWK.

    During a rotation a node holds two generations; validity bounds are published as ``nbf``/``exp``
    (NumericDate) members of the public JWKs.
    """

    suite: str
    signing: dict[str, Any]
    encryption: dict[str, Any]
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None

    @cached_property
    def signing_kid(self) -> str:
        return thumbprint(self.signing)

    @cached_property
    def encryption_kid(self) -> str:
        return thumbprint(self.encryption)

    @cached_property
    def signing_key(self) -> Any:
        return get_suite(self.suite).load_key(self.signing)

    @cached_property
    def encryption_key(self) -> Any:
        return get_suite(self.suite).load_key(self.encryption)

    def valid_at(self, when: dt.datetime) -> bool:
        return (self.not_before is None or when >= self.not_before) and (
            self.not_after is None or when < self.not_after
        )

    def public(self) -> list[dict[str, Any]]:
        suite = get_suite(self.suite)
        out = []
        for use, jwk, alg in (
            ("sig", self.signing, suite.jws_alg),
            ("enc", self.encryption, suite.jwe_alg),
        ):
            members = THUMBPRINT_MEMBERS[jwk["kty"]]
            pub: dict[str, Any] = {m: jwk[m] for m in members}
            pub.update(kid=thumbprint(jwk), use=use, alg=alg)
            for name, when in (("nbf", self.not_before), ("exp", self.not_after)):
                if when is not None:
                    pub[name] = int(when.timestamp())
            out.append(pub)
        return out


def generate_node_keys(
    suite: str = DEFAULT_SUITE,
    *,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> NodeKeys:
    """A fresh signing and encryption key pair for ``suite`` (private JWKs with kid/use/alg)."""
    s = get_suite(suite)
    if any(b is not None and b.tzinfo is None for b in (not_before, not_after)):
        raise ValueError("key validity needs timezone-aware datetimes")
    sig, enc = s.generate()
    sig.update(kid=thumbprint(sig), use="sig", alg=s.jws_alg)
    enc.update(kid=thumbprint(enc), use="enc", alg=s.jwe_alg)
    return NodeKeys(suite, sig, enc, not_before, not_after)


def public_jwks(keys: NodeKeys | Iterable[NodeKeys]) -> dict[str, Any]:
    """The JWK Set a node publishes to its peers (all generations and suites it is using)."""
    generations = [keys] if isinstance(keys, NodeKeys) else list(keys)
    return {"keys": [jwk for g in generations for jwk in g.public()]}


# --- private keys at rest -------------------------------------------------------------------------

KEY_FILE_FORMAT = "migrex-node-keys/1"
PBES2_ALG, PBES2_COUNT, MIN_PASSPHRASE = "PBES2-HS512+A256KW", 210_000, 12
_KEYFILE_JWE = JWERegistry(algorithms=[PBES2_ALG, "A256GCM"])


def _secret(passphrase: str) -> OctKey:
    # NFC, so a passphrase typed with "й" composed or decomposed opens the same file (RFC 8265).
    return OctKey.import_key(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def export_private(keys: NodeKeys, passphrase: str) -> bytes:
    """``keys`` as a JWE (PBES2-HS512+A256KW, A256GCM, 210,000 PBKDF2 rounds) under ``passphrase``.

    A JWE rather than two PEM files keeps the suite and validity with the keys, and any JOSE
    library can open it given the passphrase.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValueError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    body = {
        "format": KEY_FILE_FORMAT,
        "suite": keys.suite,
        "signing": keys.signing,
        "encryption": keys.encryption,
        "nbf": None if keys.not_before is None else int(keys.not_before.timestamp()),
        "exp": None if keys.not_after is None else int(keys.not_after.timestamp()),
    }
    header = {
        "alg": PBES2_ALG,
        "enc": "A256GCM",
        "cty": "migrex-node-keys+json",
        "p2c": PBES2_COUNT,
    }
    plaintext = json.dumps(body, sort_keys=True).encode("utf-8")
    token = jwe.encrypt_compact(header, plaintext, _secret(passphrase), registry=_KEYFILE_JWE)
    return token.encode("ascii")


def import_private(data: bytes | str, passphrase: str) -> NodeKeys:
    """Inverse of :func:`export_private`; a wrong passphrase raises ``bad_passphrase``."""
    try:
        key_file = jwe.decrypt_compact(data, _secret(passphrase), registry=_KEYFILE_JWE)
        plaintext = key_file.plaintext or b""
    except (JoseError, ValueError) as exc:
        raise EnvelopeError("bad_passphrase", "cannot decrypt the key file") from exc
    body = json.loads(plaintext)
    if body.get("format") != KEY_FILE_FORMAT:
        raise EnvelopeError("malformed", f"not a {KEY_FILE_FORMAT} key file")
    bounds = [
        None if b is None else dt.datetime.fromtimestamp(b, dt.UTC)
        for b in (body["nbf"], body["exp"])
    ]
    return NodeKeys(get_suite(body["suite"]).name, body["signing"], body["encryption"], *bounds)
