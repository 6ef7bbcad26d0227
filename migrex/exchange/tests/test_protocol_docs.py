"""docs/protocol.md and docs/schemas/ say what the node does: every message kind it knows, with
the members its schema takes, and the JSON Schema file generated from that schema."""

from __future__ import annotations

import re

from django.conf import settings

from migrex.exchange import kinds, schemas

DOCS = settings.BASE_DIR / "docs"
ROW = re.compile(r"^\| `([a-z_]+)` \| (.*) \| \[[a-z_]+\.json\]\(schemas/([a-z_]+)\.json\) \|$")


def documented() -> dict[str, tuple[set[str], set[str]]]:
    """kind → (members, required members) as §13's table lists them."""
    text = (DOCS / "protocol.md").read_text(encoding="utf-8")
    section = text.split("## 13. Message kinds and payloads")[1]
    found = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            kind, members, file = match.groups()
            assert file == kind, line
            names = re.findall(r"`([a-z_]+)`(\??)", members)
            found[kind] = ({n for n, _ in names}, {n for n, optional in names if not optional})
    return found


def test_every_kind_is_in_the_protocol_with_the_members_of_its_schema():
    table = documented()
    assert set(table) == {k.name for k in kinds.known()}
    for kind in kinds.known():
        schema = kind.schema.model_json_schema()
        members = set(schema.get("properties", {}))
        required = set(schema.get("required", []))
        assert table[kind.name] == (members, required), kind.name


def test_the_json_schemas_in_docs_are_those_the_node_validates_with():
    """`migrex protocol schemas` writes them; a change of a payload schema must be written."""
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in (DOCS / "schemas").glob("*.json")}
    assert on_disk == schemas.files()
