"""The README and docs/ stay true: every file they point to exists, and every setting the code
reads from the environment is in the README's table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCS = [
    ROOT / "README.md",
    ROOT / "docs" / "architecture.md",
    ROOT / "docs" / "protocol.md",
    ROOT / "docs" / "operations.md",
]
# `env.flag("MIGREX_HTTPS", …)` in config/settings.py, os.environ.get("…") elsewhere
READ = re.compile(
    r"""(?:env\.[a-z]+|os\.environ\.get|environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def test_every_path_the_docs_name_exists():
    missing = []
    for doc in DOCS:
        for path in re.findall(
            r"`((?:migrex|config|bench|docs|contrib)/[\w./-]+)`", doc.read_text()
        ):
            if not (ROOT / path.rstrip("/")).exists():
                missing.append(f"{doc.name}: {path}")
    assert not missing, missing


def test_every_setting_read_from_the_environment_is_in_the_readme():
    read = set()
    for path in [*(ROOT / "migrex").rglob("*.py"), *(ROOT / "config").rglob("*.py")]:
        if "tests" in path.parts or path.name in ("conftest.py", "nodes.py"):
            continue
        read |= set(READ.findall(path.read_text(encoding="utf-8")))
    table = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", table, flags=re.M))
    listed |= {
        n
        for row in re.findall(r"^\| (`.*?`) \|", table, flags=re.M)
        for n in re.findall(r"`([A-Z][A-Z0-9_]+)`", row)
    }
    assert read, "no setting found: the pattern is out of date"
    assert read <= listed, sorted(read - listed)
