"""The JSON Schema of every message kind's payload (draft 2020-12), as docs/schemas/ holds them
for another implementation: generated from the kinds' pydantic schemas (kinds.py), written by
`migrex protocol schemas`, and checked against the files by the test suite."""

from __future__ import annotations

import json
from pathlib import Path

from migrex.exchange import kinds

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_of(kind: kinds.Kind) -> dict:
    body = kind.schema.model_json_schema(mode="validation")
    return {
        "$schema": DIALECT,
        "$id": f"https://migrex.invalid/protocol/1/{kind.name}.json",
        **body,
        "title": kind.name,
        "description": (kind.schema.__doc__ or "").strip().split("\n\n")[0].replace("\n", " "),
    }


def text_of(kind: kinds.Kind) -> str:
    return json.dumps(schema_of(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def files() -> dict[str, str]:
    """{file name: content} of every kind this node knows."""
    return {f"{kind.name}.json": text_of(kind) for kind in kinds.known()}


def write(directory: Path) -> list[str]:
    """Write every schema into `directory`, remove the files of kinds no longer known; the
    names of the files that changed."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted, changed = files(), []
    for name, content in wanted.items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            changed.append(name)
    for path in directory.glob("*.json"):
        if path.name not in wanted:
            path.unlink()
            changed.append(path.name)
    return changed
