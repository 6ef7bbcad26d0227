"""Peers: the other parties' nodes, configured per agreement from the file each node hands out
(its URL and public keys), checked by reading fingerprints out of band."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from migrex.agreements.models import Agreement, Party
from migrex.audit.actions import Action
from migrex.audit.services import record
from migrex.core import reference
from migrex.exchange import keys
from migrex.exchange.models import Peer

FORMAT = "migrex-peer/1"


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
    pass


@transaction.atomic
def import_peer(data: dict, *, agreements: list[str], url: str | None = None) -> Peer:
    """Add or update a peer from its file, trusted for `agreements`."""
    if data.get("format") != FORMAT:
        raise PeerFileError(f"not a migrex peer file (format {data.get('format')!r})")
    missing = [k for k in ("node_id", "party", "url", "keys") if not data.get(k)]
    if missing:
        raise PeerFileError(f"the peer file lacks {', '.join(missing)}")
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
