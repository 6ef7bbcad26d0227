"""Link analysis over channels and the persons, entities, documents, addresses and phones the
node holds (Art. 4): a graph, its connected networks, and the documents, addresses and phones
that two or more persons or entities share.

Pure module (no Django): the selectors hand it plain participants.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

PARTY_KINDS = frozenset({"person", "entity"})
LINK_KINDS = frozenset({"document", "address", "phone"})

EDGE_DOCUMENT, EDGE_ADDRESS, EDGE_PHONE, EDGE_CHANNEL = (
    "has_document",
    "lives_at",
    "uses_phone",
    "involved_in",
)

# Long and short forms of the words Russian addresses are written with, to one short form.
_ADDRESS_WORDS = {
    "улица": "ул",
    "ул": "ул",
    "проспект": "пр",
    "пр-т": "пр",
    "просп": "пр",
    "пр": "пр",
    "переулок": "пер",
    "пер": "пер",
    "микрорайон": "мкр",
    "мкр": "мкр",
    "мкрн": "мкр",
    "дом": "д",
    "д": "д",
    "квартира": "кв",
    "кв": "кв",
    "корпус": "к",
    "корп": "к",
    "к": "к",
    "город": "г",
    "г": "г",
    "область": "обл",
    "обл": "обл",
    "республика": "респ",
    "респ": "респ",
}


def normalise_phone(raw: str) -> str:
    """Digits only, in international form where the national trunk prefix is recognisable:
    `8 701 …` (Kazakhstan, 11 digits) → `7701…`; `80 29 …` (Belarus, 11 digits) → `37529…`."""
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("00"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("80"):
        return "375" + digits[2:]
    if len(digits) == 11 and digits.startswith("8"):
        return "7" + digits[1:]
    return digits


def normalise_address(raw: str) -> str:
    """Lower case, ё as е, punctuation as spaces, numbers apart from their words, and the usual
    abbreviations in one form: `ул. Абая, д.10, кв 5` and `Улица Абая дом 10 квартира 5` are one
    address."""
    text = unicodedata.normalize("NFKC", raw or "").lower().replace("ё", "е")
    text = re.sub(r"(\d)([^\W\d_])", r"\1 \2", text)  # "10кв" → "10 кв"
    text = re.sub(r"([^\W\d_])(\d)", r"\1 \2", text)  # "д10" → "д 10"
    words = re.findall(r"[^\W_]+(?:-[^\W_]+)?", text)
    return " ".join(_ADDRESS_WORDS.get(w, w) for w in words)


def normalise_document(series: str | None, number: str | None) -> str:
    return re.sub(r"[^0-9A-ZА-ЯЁ]", "", f"{series or ''}{number or ''}".upper())


@dataclass
class Participant:
    """A person or an entity as the link analysis sees it."""

    id: str  # unique across the graph, e.g. "person:ch:12"
    kind: str  # "person" or "entity"
    label: str
    source: str  # where it comes from, for the details panel
    documents: list[str] = field(default_factory=list)  # normalised numbers
    addresses: list[str] = field(default_factory=list)  # raw; normalised here
    phones: list[str] = field(default_factory=list)  # raw; normalised here
    channels: list[tuple[str, str, str]] = field(default_factory=list)  # (id, label, role)
    details: dict = field(default_factory=dict)


@dataclass
class Graph:
    nodes: dict[str, dict] = field(default_factory=dict)
    edges: list[dict] = field(default_factory=list)

    def add_node(self, node_id: str, kind: str, label: str, **details) -> None:
        if node_id not in self.nodes:
            self.nodes[node_id] = {"id": node_id, "kind": kind, "label": label, **details}

    def add_edge(self, source: str, target: str, kind: str, **details) -> None:
        self.edges.append({"source": source, "target": target, "kind": kind, **details})

    def neighbours(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for e in self.edges:
            found[e["source"]].add(e["target"])
            found[e["target"]].add(e["source"])
        return found


def build(participants: list[Participant], channels: list[tuple[str, str, str]] = ()) -> Graph:
    """`channels`: (id, label, url) of every channel, so that one without participants shows."""
    g = Graph()
    for channel_id, label, url in channels:
        g.add_node(channel_id, "channel", label, url=url)
    for p in participants:
        g.add_node(p.id, p.kind, p.label, source=p.source, **p.details)
        for number in p.documents:
            if number:
                g.add_node(f"document:{number}", "document", number)
                g.add_edge(p.id, f"document:{number}", EDGE_DOCUMENT)
        for raw in p.addresses:
            if key := normalise_address(raw):
                g.add_node(f"address:{key}", "address", raw.strip())
                g.add_edge(p.id, f"address:{key}", EDGE_ADDRESS)
        for raw in p.phones:
            if digits := normalise_phone(raw):
                g.add_node(f"phone:{digits}", "phone", "+" + digits)
                g.add_edge(p.id, f"phone:{digits}", EDGE_PHONE)
        for channel_id, label, role in p.channels:
            g.add_node(channel_id, "channel", label)
            g.add_edge(p.id, channel_id, EDGE_CHANNEL, role=role)
    return g


class _UnionFind:
    def __init__(self, items) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class Network:
    number: int
    nodes: list[str]
    parties: int  # persons and entities
    channels: int
    shared: list[str]  # documents, addresses, phones of two or more parties


def networks(g: Graph) -> list[Network]:
    """Connected components, largest first (by persons and entities, then by all nodes)."""
    uf = _UnionFind(g.nodes)
    for e in g.edges:
        uf.union(e["source"], e["target"])
    groups: dict[str, list[str]] = defaultdict(list)
    for node_id in g.nodes:
        groups[uf.find(node_id)].append(node_id)
    shared_ids = set(shared(g))
    found = []
    for members in groups.values():
        kinds = [g.nodes[n]["kind"] for n in members]
        found.append(
            Network(
                number=0,
                nodes=sorted(members),
                parties=sum(k in PARTY_KINDS for k in kinds),
                channels=kinds.count("channel"),
                shared=sorted(n for n in members if n in shared_ids),
            )
        )
    found.sort(key=lambda n: (-n.parties, -len(n.nodes), n.nodes[0]))
    for i, n in enumerate(found, start=1):
        n.number = i
    return found


def shared(g: Graph) -> dict[str, list[str]]:
    """Document, address and phone nodes linked to two or more persons or entities."""
    holders: dict[str, set[str]] = defaultdict(set)
    for e in g.edges:
        if g.nodes[e["target"]]["kind"] in LINK_KINDS and g.nodes[e["source"]]["kind"] in (
            PARTY_KINDS
        ):
            holders[e["target"]].add(e["source"])
    return {k: sorted(v) for k, v in sorted(holders.items()) if len(v) >= 2}
