"""The stylesheet as the browser reads it. Each part of the interface appends its rules to
migrex/core/static/migrex/migrex.css in one block headed `/* --- part --- */`; a block left open
(a merge that drops the `}` of an @media) puts every later part inside that @media, where its
rules apply on narrow screens only: the reports' chart drawn at full width in black and the case
page's review step unstyled at 1280 px, with no test of behaviour failing."""

from __future__ import annotations

from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "migrex" / "migrex.css"


def blocks(css: str) -> tuple[list[tuple[int, int, str]], list[str]]:
    """Each heading comment with its line and the depth of braces it stands at; and what is
    wrong with the nesting (a `}` that closes nothing, blocks still open at the end). Strings
    and comments do not count."""
    headings, faults = [], []
    depth, line, i = 0, 1, 0
    while i < len(css):
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            end = len(css) if end < 0 else end + 2
            comment = css[i:end]
            if comment.startswith("/* ---"):
                headings.append((line, depth, comment.splitlines()[0]))
            line += comment.count("\n")
            i = end
            continue
        char = css[i]
        if char in "\"'":
            end = css.find(char, i + 1)
            end = len(css) if end < 0 else end + 1
            line += css[i:end].count("\n")
            i = end
            continue
        if char == "\n":
            line += 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                faults.append(f"line {line}: a }} that closes no block")
                depth = 0
        i += 1
    if depth:
        faults.append(f"{depth} block(s) still open at the end of the file")
    return headings, faults


def test_every_part_of_the_stylesheet_stands_at_the_top_level():
    headings, faults = blocks(STYLESHEET.read_text())
    inside = [f"line {n}: {text} is inside a block" for n, depth, text in headings if depth]
    assert headings, "no part heading found"
    assert not faults + inside, "\n".join(faults + inside)


def test_the_check_sees_a_block_a_merge_left_open():
    css = "@media (max-width: 760px) {\n  .a { b: c; }\n/* --- next part --- */\n.d { e: f; }\n"
    headings, faults = blocks(css)
    assert headings == [(3, 1, "/* --- next part --- */")]
    assert faults == ["1 block(s) still open at the end of the file"]
    assert blocks('.a::before { content: "}"; }')[1] == []
