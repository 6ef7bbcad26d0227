"""The link-analysis graph as JSON (nodes, edges, networks), CSV (edges) and GraphML."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape, quoteattr

from migrex.channels.graph import Graph, Network, shared
from migrex.core import csvcells


def as_json(g: Graph, found: list[Network]) -> dict:
    network_of = {n: net.number for net in found for n in net.nodes}
    links = shared(g)
    return {
        "nodes": [
            {**node, "network": network_of.get(node_id), "shared_by": len(links.get(node_id, []))}
            for node_id, node in g.nodes.items()
        ],
        "edges": g.edges,
        "networks": [
            {
                "number": net.number,
                "size": len(net.nodes),
                "parties": net.parties,
                "channels": net.channels,
                "shared": net.shared,
            }
            for net in found
        ],
    }


def as_csv(g: Graph) -> str:
    out = io.StringIO()
    writer = csvcells.writer(out)
    writer.writerow(
        [
            "source",
            "source_kind",
            "source_label",
            "edge",
            "role",
            "target",
            "target_kind",
            "target_label",
        ]
    )
    for e in g.edges:
        s, t = g.nodes[e["source"]], g.nodes[e["target"]]
        writer.writerow(
            [
                s["id"],
                s["kind"],
                s["label"],
                e["kind"],
                e.get("role", ""),
                t["id"],
                t["kind"],
                t["label"],
            ]
        )
    return out.getvalue()


def as_graphml(g: Graph) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>',
        '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
        '  <key id="edge" for="edge" attr.name="kind" attr.type="string"/>',
        '  <key id="role" for="edge" attr.name="role" attr.type="string"/>',
        '  <graph id="links" edgedefault="undirected">',
    ]
    for node_id, node in g.nodes.items():
        lines.append(
            f'    <node id={quoteattr(node_id)}><data key="kind">{escape(node["kind"])}</data>'
            f'<data key="label">{escape(node["label"])}</data></node>'
        )
    for e in g.edges:
        lines.append(
            f"    <edge source={quoteattr(e['source'])} target={quoteattr(e['target'])}>"
            f'<data key="edge">{escape(e["kind"])}</data>'
            f'<data key="role">{escape(e.get("role", ""))}</data></edge>'
        )
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines)
