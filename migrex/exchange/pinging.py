"""Pinging the peers (docs/protocol.md §8.3): a signed ping to each configured peer at once, a
short timeout, and the answer verified with the peer's pinned keys. What failed is said as a
short cause for anyone (`unreachable`, `refused`, `bad answer`, `clock skew`) and in full, with
the URL and the error, for the operator."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from migrex.exchange import peers, tls
from migrex.exchange.crypto import EnvelopeError, NodeKeys
from migrex.exchange.models import Peer
from migrex.exchange.ping import PING_TYP, PONG_TYP, new_nonce, sign, verify

PATH = "/exchange/ping"
EXPORT = "send it this node's peer file (`migrex keys export`) to add again"
ADVICE = {
    "unreachable": "check that the peer's node runs and that this machine reaches its URL "
    "(firewall, proxy, DNS)",
    "clock skew": "set both nodes' clocks right (NTP): messages are refused beyond 5 minutes",
    "not configured": "the peer's node holds no valid key: its administrator runs "
    "`migrex keys init` or `rotate`",
    "no ping": "the peer's node does not answer pings (an older version?): ask its operator",
    "refused": f"the peer does not trust this node's current keys: {EXPORT}",
    "bad answer": "the peer answers with keys this node has not pinned: get its current peer "
    "file and run `migrex peers add`",
    "client certificate": "the peer pins another TLS client certificate for this node: hand its "
    "operators this node's certificate (MIGREX_TLS_CLIENT_CERT) for `migrex peers pin`",
    "tls": "the peer's server certificate does not verify: it must chain to MIGREX_TLS_CA_FILE "
    "(or the system's store) and name the host of the peer's URL",
    "keys expiring": "the keys pinned for the peer end soon: get its current peer file and run "
    "`migrex peers add`",
}


@dataclass(frozen=True)
class Answer:
    node_id: str
    ok: bool
    cause: str = ""  # a key of ADVICE
    detail: str = ""

    @property
    def advice(self) -> str:
        return f"{self.node_id}: {ADVICE.get(self.cause, '')}"

    def line(self) -> str:
        return f"{self.node_id} " + ("answered" if self.ok else f"{self.cause} ({self.detail})")


def ping_all(signer: NodeKeys, *, timeout: float) -> list[Answer]:
    """Every peer pinged at once (no database access in the threads)."""
    found = sorted((t.peer for t in peers.trusted().values()), key=lambda p: p.node_id)
    if not found:
        return []
    with ThreadPoolExecutor(min(8, len(found))) as pool:
        return list(pool.map(lambda p: ping_peer(p, signer, timeout=timeout), found))


def ping_peer(peer: Peer, signer: NodeKeys, *, timeout: float) -> Answer:
    me = settings.MIGREX_NODE_ID
    nonce = new_nonce()
    body = sign(
        typ=PING_TYP, sender=me, receiver=peer.node_id, nonce=nonce, at=timezone.now(),
        signer=signer,
    )  # fmt: skip
    url = peer.url.rstrip("/") + PATH
    try:
        status, reply = post(url, body, timeout=timeout)
    except ssl.SSLError as exc:
        return Answer(peer.node_id, False, "tls", f"{url}: {exc}")
    except (OSError, http.client.HTTPException) as exc:
        return Answer(peer.node_id, False, "unreachable", f"{url}: {type(exc).__name__}: {exc}")
    if status != 200:
        code = _code(reply)
        cause = {
            "node_not_configured": "not configured",
            "clock_skew": "clock skew",
            "client_certificate": "client certificate",
            None: "no ping",
        }.get(code, "refused")
        return Answer(peer.node_id, False, cause, f"{url}: HTTP {status} {code or ''}".strip())
    try:
        verify(
            reply, typ=PONG_TYP, jwks=peer.jwks, receiver=me, now=timezone.now(),
            sender=peer.node_id, nonce=nonce,
        )  # fmt: skip
    except EnvelopeError as exc:
        cause = "clock skew" if exc.code == "clock_skew" else "bad answer"
        return Answer(peer.node_id, False, cause, f"{url}: {exc.code}: {exc.detail}")
    ends = pinned_until(peer.jwks)
    margin = dt.timedelta(days=settings.MIGREX_READY["key_days"])
    if ends is not None and ends - timezone.now() < margin:
        return Answer(peer.node_id, False, "keys expiring", f"pinned keys end {ends:%Y-%m-%d}")
    return Answer(peer.node_id, True)


def pinned_until(jwks: dict) -> dt.datetime | None:
    """When the last of the peer's pinned signing keys, or of its encryption keys, ends (None:
    one of each without an end): after that, nothing it signs verifies, or nothing can be
    encrypted to it."""
    ends = []
    for use in ("sig", "enc"):
        keys = [k for k in jwks.get("keys", []) if isinstance(k, dict) and k.get("use") == use]
        if not keys or any(not isinstance(k.get("exp"), int) for k in keys):
            continue
        ends.append(max(k["exp"] for k in keys))
    return dt.datetime.fromtimestamp(min(ends), dt.UTC) if ends else None


def post(url: str, body: bytes, *, timeout: float) -> tuple[int, bytes]:
    """One POST on a connection of its own, `timeout` seconds per socket operation."""
    parts = urlsplit(url)
    conn = tls.connection(parts, timeout)
    try:
        conn.request("POST", parts.path, body=body, headers={"Content-Type": "application/jose"})
        response = conn.getresponse()
        return response.status, response.read(16384)
    finally:
        conn.close()


def _code(reply: bytes) -> str | None:
    """The `code` of an unsigned error answer (views._bad), if it is one."""
    try:
        code = json.loads(reply).get("code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None
