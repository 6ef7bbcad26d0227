"""docs/protocol.md's tables say what the code does: every code the exchange can refuse or fail
with, and every code of a rule of the agreement a received message can break, is in §7's tables;
the Art. 6 fields of §13.9 are those of the person schema, and the topics, categories and refusal
grounds of §13.10 are those of the agreement profiles shipped."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
import types

from django.conf import settings

from migrex.agreements.profile import load_profile, rule_or_empty, shipped_profile_paths
from migrex.cases.validation import TEXT_CONTENT
from migrex.exchange import kinds
from migrex.persons.schema import FIELD_CODES

DOCS = settings.BASE_DIR / "docs"
MIGREX = settings.BASE_DIR / "migrex"
EXCHANGE = MIGREX / "exchange"
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
    """The codes of §7's tables (the exchange's and the rules' of §7.1): each row's first cell."""
    found = set()
    for cells in rows(section("## 7. Error codes", "\n## 8.")):
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


# The rules of the agreement, module by module: every code they name, on either side of the
# exchange (a few are the sending node's own refusals, in §7's table as such).
RULE_MODULES = ("cases/rules.py", "cases/validation.py", "cases/signatures.py", "persons/rules.py")
# The calls whose first argument is a code: the errors of migrex.core.errors and the helpers
# that wrap them, and the exchange's own.
CODED = {"invalid", "error", "fail", "_invalid", *RAISING}


def _logs(call: ast.Call) -> bool:
    """`log.error("…")` writes a log line; it names no code."""
    owner = getattr(call.func, "value", None)
    return isinstance(owner, ast.Name) and owner.id in {"log", "logger"}


def codes_named(tree: ast.AST, first: set[str], keyword: set[str] | None) -> dict[str, int]:
    """code → line, for every constant code in `tree`: the first argument of a call to one of
    `first`, and `code="…"` of a call to one of `keyword` (of any call when None)."""
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _logs(node):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        named = keyword is None or name in keyword
        values = [k.value for k in node.keywords if k.arg == "code" and named]
        if name in first and node.args:
            values.append(node.args[0])
        for value in values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.setdefault(value.value, node.lineno)
    return found


def sources(paths) -> dict[str, ast.AST]:
    return {str(p.relative_to(MIGREX)): ast.parse(p.read_text(encoding="utf-8")) for p in paths}


def undocumented(found: dict[str, str]) -> dict[str, str]:
    documented = documented_codes()
    return {code: where for code, where in found.items() if code not in documented}


def test_every_code_of_the_rules_of_the_agreement_is_in_the_table():
    found = {}
    for path, tree in sources(MIGREX / m for m in RULE_MODULES).items():
        for code, line in codes_named(tree, CODED, None).items():
            assert CODE.fullmatch(code), (path, line, code)
            found.setdefault(code, f"{path}:{line}")
    # validation.check_content names the Art. 9.2 items each profile requires (`summary_required`)
    for profile_path in shipped_profile_paths().values():
        for item in rule_or_empty(load_profile(profile_path), "rules.request_content"):
            if item.required and item.code in TEXT_CONTENT:
                found.setdefault(f"{item.code}_required", profile_path.name)
    assert {"citizenship_not_party", "text_required", "summary_required"} <= set(found)
    assert not undocumented(found), f"codes not in docs/protocol.md §7: {undocumented(found)}"


def test_every_refusal_raised_anywhere_is_in_the_table():
    paths = (p for p in MIGREX.rglob("*.py") if "tests" not in p.relative_to(MIGREX).parts)
    found = {}
    for path, tree in sources(paths).items():
        for code, line in codes_named(tree, {"_Refused", "EnvelopeError"}, set()).items():
            found.setdefault(code, f"{path}:{line}")
    assert {"conversation_conflict", "stream_broken"} <= set(found)
    assert not undocumented(found), f"codes not in docs/protocol.md §7: {undocumented(found)}"


def test_every_code_a_received_message_can_be_refused_with_is_in_the_table():
    """What the handler of each kind (kinds.register) can raise: the codes of the functions it
    calls, and those they call, through this project's modules and the tables of functions
    they look a rule up in (cases/rules.py RULES …)."""
    found: dict[str, str] = {}
    todo = [kind.handler for kind in kinds.known()]
    seen: set = set()
    while todo:
        function = inspect.unwrap(todo.pop())
        if not isinstance(function, types.FunctionType) or function in seen:
            continue
        seen.add(function)
        module = function.__module__ or ""
        if not module.startswith("migrex.") or ".tests" in module:
            continue
        if function.__name__ == "<lambda>":  # an entry of a table of messages: raises nothing,
            continue  # and its source line (the table's) does not parse alone
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        for code, line in codes_named(tree, CODED, None).items():
            found.setdefault(code, f"{module}:{function.__code__.co_firstlineno + line - 1}")
        scope = {**function.__globals__, **_closure(function)}
        for node in ast.walk(tree):
            target = _resolve(node, scope)
            todo += [v for v in target.values() if callable(v)] if isinstance(target, dict) else []
            todo += [target] if isinstance(target, types.FunctionType) else []
    assert {"unknown_conversation", "citizenship_not_party", "record_count"} <= set(found)
    assert not undocumented(found), f"codes not in docs/protocol.md §7: {undocumented(found)}"


def _closure(function: types.FunctionType) -> dict:
    cells = zip(function.__code__.co_freevars, function.__closure__ or (), strict=True)
    return {name: cell.cell_contents for name, cell in cells}


def _resolve(node: ast.AST, scope: dict):
    """What a name (`check_content`) or a module's attribute (`validation.check_content`)
    stands for, or None."""
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, scope)
        return getattr(base, node.attr, None) if isinstance(base, types.ModuleType) else None
    return None


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
