"""docs/protocol.md's tables say what the code does: every code the exchange can refuse or fail
with is in §7's table, the Art. 6 fields of §13.9 are those of the person schema, and the topics,
categories and refusal grounds of §13.10 are those of the agreement profiles shipped."""

from __future__ import annotations

import ast
import re

from django.conf import settings

from migrex.agreements.profile import load_profile, shipped_profile_paths
from migrex.persons.schema import FIELD_CODES

DOCS = settings.BASE_DIR / "docs"
EXCHANGE = settings.BASE_DIR / "migrex" / "exchange"
# The exceptions whose first argument is a code of §7, and the calls that name one as `code=`:
# a route's error (routes.py) and the unsigned answers of the inbox endpoints (views.py).
RAISING = {"EnvelopeError", "_Refused", "SignatureError"}
NAMING = {"RouteError", "_bad"}
CODE = re.compile(r"[a-z][a-z0-9_]*")


def section(start: str, end: str) -> str:
    text = (DOCS / "protocol.md").read_text(encoding="utf-8")
    return text.split(start, 1)[1].split(end, 1)[0]


def rows(text: str) -> list[list[str]]:
    """The cells of every table row of `text`, header and separator rows included."""
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|")
    ]


def codes_in(cell: str) -> set[str]:
    return set(re.findall(r"`([a-z][a-z0-9_]*)`", cell))


def documented_codes() -> set[str]:
    """The codes of §7's table: one per row, first cell."""
    found = set()
    for cells in rows(section("## 7. Error codes", "### 7.1")):
        found |= codes_in(cells[0])
    return found


def emitted_codes() -> dict[str, str]:
    """code → where, for every code the exchange's own modules raise or answer with: the first
    argument of EnvelopeError/_Refused/SignatureError, and the `code="…"` of RouteError and of the
    unsigned errors of views.py."""
    found: dict[str, str] = {}
    for path in sorted(EXCHANGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            values = [k.value for k in node.keywords if k.arg == "code" and name in NAMING]
            if name in RAISING and node.args:
                values.append(node.args[0])
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    assert CODE.fullmatch(value.value), (path.name, node.lineno, value.value)
                    found.setdefault(value.value, f"{path.name}:{node.lineno}")
    return found


def test_every_code_the_exchange_emits_is_in_the_protocols_code_table():
    emitted = emitted_codes()
    assert {"malformed", "unknown_kind", "payload_invalid", "unknown_agreement"} <= set(emitted)
    missing = {code: where for code, where in emitted.items() if code not in documented_codes()}
    assert not missing, f"codes not in docs/protocol.md §7: {missing}"


def test_the_person_fields_of_the_protocol_are_those_of_the_schema():
    documented = set()
    for cells in rows(section("### 13.9 Persons", "### 13.10")):
        documented |= codes_in(cells[0]) if cells[0] != "field" else set()
    assert documented == FIELD_CODES


def test_the_profile_codes_of_the_protocol_are_those_of_the_profiles_shipped():
    """Each table of §13.10 has a column per profile that has the list (a profile without one
    has none of its codes); a row's code belongs to the profile unless its cell is `—`."""
    text = section("### 13.10", "\n## ")
    tables = {name: rows(part) for name, part in _tables(text).items()}
    for code, path in shipped_profile_paths().items():
        profile = load_profile(path)
        expected = {
            "topic code": profile.topic_codes,
            "category": profile.category_codes,
            "ground code": profile.refusal_ground_codes,
        }
        for header, codes in expected.items():
            table = tables[header]
            columns = [i for i, cell in enumerate(table[0]) if f"`{code}`" in cell]
            listed = {
                next(iter(codes_in(cells[0])))
                for cells in table[2:]
                if columns and cells[columns[0]] != "—"
            }
            assert listed == set(codes), (code, header)


def _tables(text: str) -> dict[str, str]:
    """Each table of `text` by the first cell of its header."""
    found = {}
    for block in re.split(r"\n\s*\n", text):
        if block.startswith("| "):
            found[block.split("|")[1].strip()] = block
    return found
