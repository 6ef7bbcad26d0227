"""Peers: the other parties' nodes, configured per agreement from the file each node hands out
(its URL and public keys), checked by reading fingerprints out of band. The file's format,
`migrex-peer/1`, is specified in docs/protocol.md §5.2."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from migrex.agreements.models import Agreement, Party
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core import reference
from migrex.exchange import keys
from migrex.exchange.crypto import (
    DEFAULT_ENABLED,
    THUMBPRINT_MEMBERS,
    EnvelopeError,
    get_suite,
    thumbprint,
)
from migrex.exchange.envelope import FIELDS
from migrex.exchange.models import Peer
from migrex.exchange.receipts import load_public

FORMAT = "migrex-peer/1"
MEMBERS = ("format", "node_id", "party", "url", "keys")
# What a key of the file holds besides its public key material (crypto.THUMBPRINT_MEMBERS).
KEY_MEMBERS = ("kid", "use", "alg", "nbf", "exp")
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "k", "oth"})
MAX_URL = Peer._meta.get_field("url").max_length


def own_peer_file() -> dict:
    """What this node gives the other party so that it can add this node as a peer."""
    return {
        "format": FORMAT,
        "node_id": settings.MIGREX_NODE_ID,
        "party": settings.MIGREX_PARTY,
        "url": settings.MIGREX_PUBLIC_URL,
        "keys": keys.published(),
    }


class PeerFileError(ValueError):
    """A peer file that cannot be used: every member that is missing or wrong, by path, on one
    line (`keys.keys[0].kid: missing …; url: …`)."""


def check_peer_file(data: object, url: str | None = None) -> None:
    """PeerFileError naming every member of `data` that is not as §5.2 says (and `--url`, the
    URL given instead of the file's, when there is one)."""
    if not isinstance(data, dict):
        raise PeerFileError(f"not a migrex peer file: a JSON object is expected, not {_type(data)}")
    if data.get("format") != FORMAT:
        raise PeerFileError(f"format: {data.get('format')!r} is not {FORMAT!r}")
    problems = [f"{name}: missing" for name in MEMBERS if name not in data]
    problems += [f"{name}: not a member of {FORMAT}" for name in data if name not in MEMBERS]
    if "node_id" in data and not FIELDS["sender_node"][0](data["node_id"]):
        problems.append(f"node_id: {data['node_id']!r} is not a node id (a code, §2)")
    if "party" in data and not (isinstance(data["party"], str) and data["party"]):
        problems.append(f"party: {data['party']!r} is not a party code")
    if "url" in data:
        problems += _url_problems("url", data["url"])
    if url is not None:
        problems += _url_problems("--url", url)
    if "keys" in data:
        problems += _jwks_problems(data["keys"])
    if problems:
        raise PeerFileError("; ".join(problems))


def _type(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string"}.get(type(value), repr(value))


def _url_problems(where: str, value: object) -> list[str]:
    parts = urlsplit(value) if isinstance(value, str) else None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or len(value) > MAX_URL
    ):
        return [f"{where}: {value!r} is not the node's base URL (http or https, at most {MAX_URL})"]
    return []


def _jwks_problems(jwks: object) -> list[str]:
    if not isinstance(jwks, dict) or set(jwks) != {"keys"} or not isinstance(jwks["keys"], list):
        return ['keys: a JWK Set {"keys": [...]} with nothing else is expected']
    problems = []
    for i, jwk in enumerate(jwks["keys"]):
        problems += _key_problems(f"keys.keys[{i}]", jwk)
    for use, what in (("sig", "signing"), ("enc", "encryption")):
        if not any(isinstance(k, dict) and k.get("use") == use for k in jwks["keys"]):
            problems.append(f"keys.keys: no {what} key (use {use!r})")
    return problems


def _key_problems(where: str, jwk: object) -> list[str]:
    """One public key: its material, `use` and `alg` of a suite this node accepts, validity
    bounds, and a `kid` that is the key's RFC 7638 thumbprint (a kid is never trusted as stated:
    it is computed from the key, §5)."""
    if not isinstance(jwk, dict):
        return [f"{where}: a JWK object is expected, not {_type(jwk)}"]
    material = THUMBPRINT_MEMBERS.get(jwk.get("kty"))
    if material is None:
        known = ", ".join(sorted(THUMBPRINT_MEMBERS))
        return [f"{where}.kty: {jwk.get('kty')!r} is not a key type of this node ({known})"]
    problems = [f"{where}.{m}: missing" for m in material if not isinstance(jwk.get(m), str)]
    for name in sorted(set(jwk) - set(material) - set(KEY_MEMBERS)):
        if name in PRIVATE_MEMBERS:
            problems.append(
                f"{where}.{name}: a private key member; a peer file has public keys only"
            )
        else:
            problems.append(f"{where}.{name}: not a member of a key in a peer file")
    use = jwk.get("use")
    if use not in ("sig", "enc"):
        problems.append(f"{where}.use: {use!r} is neither 'sig' nor 'enc'")
    for bound in ("nbf", "exp"):
        value = jwk.get(bound)
        if value is not None and (type(value) is not int or value < 0):
            problems.append(f"{where}.{bound}: {value!r} is not a NumericDate (whole seconds)")
    if type(jwk.get("nbf")) is int and type(jwk.get("exp")) is int and jwk["exp"] <= jwk["nbf"]:
        problems.append(f"{where}.exp: {jwk['exp']} is not after nbf {jwk['nbf']}")
    if problems:
        return problems
    suites = [s for s in map(get_suite, sorted(DEFAULT_ENABLED)) if s.matches(jwk, use)]
    if not suites:
        names = ", ".join(sorted(DEFAULT_ENABLED))
        return [
            f"{where}.alg: {jwk.get('alg')!r} with crv {jwk.get('crv')!r} for use {use!r} is of "
            f"no suite this node accepts ({names})"
        ]
    try:
        load_public({m: jwk[m] for m in material}, suites[0])
    except EnvelopeError as exc:
        return [f"{where}: not a usable {suites[0].name} key ({exc.detail})"]
    computed = thumbprint(jwk)
    if "kid" not in jwk:
        return [f"{where}.kid: missing (the key's RFC 7638 thumbprint is {computed!r})"]
    if jwk["kid"] != computed:
        return [
            f"{where}.kid: the file states {jwk['kid']!r}, but the key's RFC 7638 thumbprint "
            f"is {computed!r}; a kid is always computed from the key, so this key is refused"
        ]
    return []


@transaction.atomic
def import_peer(data: dict, *, agreements: list[str], url: str | None = None) -> Peer:
    """Add or update a peer from its file (checked by check_peer_file), trusted for
    `agreements`."""
    check_peer_file(data, url)
    if data["party"] == settings.MIGREX_PARTY:
        raise PeerFileError(f"{data['node_id']} serves this node's own party {data['party']}")
    party = Party.objects.filter(code=data["party"]).first()
    if party is None:
        raise PeerFileError(f"party {data['party']} is in no loaded agreement")
    chosen = list(Agreement.objects.filter(code__in=agreements, parties=party))
    unknown = sorted(set(agreements) - {a.code for a in chosen})
    if unknown:
        raise PeerFileError(f"{data['party']} is not a party to {', '.join(unknown)}")
    peer, _ = Peer.objects.update_or_create(
        node_id=data["node_id"],
        defaults={"party": party, "url": url or data["url"], "jwks": data["keys"]},
    )
    peer.agreements.add(*chosen)
    record(
        Action.PEER_CONFIGURED,
        subject=peer.node_id,
        detail={
            "url": peer.url,
            "agreements": [a.code for a in chosen],
            "keys": [k["kid"] for k in data["keys"]["keys"]],
        },
    )
    return peer


@dataclass(frozen=True)
class Trusted:
    peer: Peer
    agreements: frozenset[str]  # codes of the agreements it is trusted for


@reference.cached
def trusted() -> dict[str, Trusted]:
    """Every peer by node id, loaded once per generation of the reference data. Read-only."""
    links: dict[int, set[str]] = {}
    for peer_id, code in Peer.agreements.through.objects.values_list("peer_id", "agreement__code"):
        links.setdefault(peer_id, set()).add(code)
    return {p.node_id: Trusted(p, frozenset(links.get(p.pk, ()))) for p in Peer.objects.all()}


def peer_for(agreement: str, party: str) -> Peer:
    for t in trusted().values():
        if t.peer.party_id == party and agreement in t.agreements:
            return t.peer
    raise LookupError(f"no peer node of {party} is configured for {agreement}")


def sender_keys(node_id: str) -> dict | None:
    t = trusted().get(node_id)
    return t.peer.jwks if t else None


@transaction.atomic
def pin_client_certificate(node_id: str, sha256: str) -> Peer:
    """Take messages and pings from `node_id` only over a TLS connection on which it showed the
    client certificate with this SHA-256 (lower-case hex; "" unpins), docs/protocol.md §8.4."""
    peer = Peer.objects.filter(node_id=node_id).first()
    if peer is None:
        raise PeerFileError(f"no peer node {node_id} is configured (migrex peers add)")
    peer.tls_client_cert = sha256
    peer.save(update_fields=["tls_client_cert", "updated_at"])
    record(Action.PEER_CONFIGURED, subject=node_id, detail={"client_certificate": sha256 or None})
    return peer


def client_certificate_refusal(node_id: str, presented: str | None) -> str | None:
    """Why a message or ping that `node_id` sent over HTTP is not taken, by the client
    certificate it showed the proxy (`presented`: its SHA-256, "" none, None when the request
    did not come through the trusted proxy), or None when it is taken (§8.4)."""
    t = trusted().get(node_id)
    pinned = t.peer.tls_client_cert if t else ""
    if not pinned or presented == pinned:
        return None
    if presented is None:
        return "the peer's client certificate is pinned, and this did not come through the proxy"
    if not presented:
        return "the peer's client certificate is pinned, and the connection showed none"
    return f"the connection showed client certificate {presented[:16]}…, not the pinned one"
