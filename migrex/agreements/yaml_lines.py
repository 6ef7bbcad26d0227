"""Reading profile YAML: a YAML 1.2-boolean safe loader, and the line of every key path."""

import re
from typing import Any

import yaml

from migrex.agreements.schema_base import KeyPath, _dotted


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml is ~10x faster
    """SafeLoader with YAML 1.2 booleans: only true/false, so `no`, `on` or code NO stay text."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:  # 2019-13-45: let validation report it with its key path
        return node.value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _map_lines(
    node: yaml.Node,
    path: KeyPath,
    lines: dict[str, int],
    dups: list[tuple[str, str, int]],
    above: frozenset[int] = frozenset(),
) -> None:
    """Record in `lines` the line of each key path under `node`; in `dups` each duplicate key
    as (problem, dotted path, line)."""
    if id(node) in above:  # an alias of its own ancestor: a cycle that validation will report
        return
    above |= {id(node)}
    lines.setdefault(_dotted(path), node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value in node.value:
            scalar = isinstance(key_node, yaml.ScalarNode)
            key, line = key_node.value if scalar else key_node.tag, key_node.start_mark.line + 1
            if key in seen:
                problem = f"duplicate key {key!r} (first at line {seen[key]})"
                dups.append((problem, _dotted((*path, key)), line))
            seen.setdefault(key, line)
            lines.setdefault(_dotted((*path, key)), line)  # the key's line, not its value's
            _map_lines(value, (*path, key), lines, dups, above)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _map_lines(item, (*path, i), lines, dups, above)


def _line(lines: dict[str, int], path: str) -> int | None:
    parts = path.split(".") if path else []
    while parts and ".".join(parts) not in lines:
        parts.pop()
    return lines.get(".".join(parts))
