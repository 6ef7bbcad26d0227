"""What test_walk.py looks for on a page, and which links it follows.

The codes are the project's own, read from where they are defined (the agreement profiles, the
audit log's actions, the case workflow's states), and the English words are those of the
interface's msgids (ours and Django's, as the Russian catalogue holds them): no guessed lists.
"""

from __future__ import annotations

import re
from collections import deque
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

# --- in the browser ------------------------------------------------------------------------------

# What a person reads: the rendered text (not hidden elements, not attributes), the window's
# title, the options of the lists, the placeholders of empty fields and the values of buttons.
VISIBLE_TEXT = """() => [
  document.title,
  document.body.innerText,
  ...Array.from(document.querySelectorAll('option')).map(o => o.text),
  ...Array.from(document.querySelectorAll('input[placeholder], textarea[placeholder]'))
    .map(e => e.placeholder),
  ...Array.from(document.querySelectorAll('input[type=submit], input[type=button]'))
    .map(e => e.value),
].join('\\n')"""
WIDTH = "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
# Tables that scroll sideways inside their own frame (.table-wrap): their classes.
FRAMED_SCROLL = """() => Array.from(document.querySelectorAll('.table-wrap'))
  .filter(w => w.offsetParent !== null && w.scrollWidth > w.clientWidth + 1)
  .map(w => (w.querySelector('table') || w).className)"""
LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => !a.hasAttribute('download'))
  .map(a => a.href)"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def axe_faults(violations: list[dict]) -> list[str]:
    return [
        f"axe {v['impact']} {v['id']} ({v['help']}): {', '.join(v['nodes'])}" for v in violations
    ]


AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"


@cache
def _axe_source() -> str:
    return AXE.read_text()


def axe_here(page) -> list[str]:
    """axe's serious and critical violations on the page as it stands (a page a form's POST
    led to as well): axe is evaluated through the browser's DevTools protocol, which the
    node's Content-Security-Policy does not govern, so the page keeps its policy."""
    if not page.evaluate("() => typeof axe === 'object'"):
        page.evaluate(_axe_source())
    return axe_faults(page.evaluate(AXE_RUN))


# --- which links ---------------------------------------------------------------------------------

NEVER = re.compile(
    r"^/(login|logout|i18n|static|media|api|healthz|readyz|metrics|exchange/inbox)"
    r"|\.(pdf|csv|json|graphml|xlsx|png|svg)$|/export/|/data\.csv|/sdmx\.csv"
)
# The admin: its index, the apps' pages and the changelists; not the forms, nor the history.
ADMIN = re.compile(r"^/admin/(?:[a-z_]+/(?:[a-z_]+/)?)?$")


def pattern(path: str) -> str:
    """The page, whatever the object (digits stand for any id) and its filters or page number."""
    parts = urlsplit(path)
    if parts.path.startswith("/audit/subject/"):  # one subject stands for them all
        return "/audit/subject/*/"
    return re.sub(r"\d+", "N", parts.path)


class Walk:
    """The pages still to visit, breadth first: each page pattern once, except that a page of
    one object (a case, a dataset) is visited once from each list that leads to one."""

    def __init__(self, site: str):
        self.origin = urlsplit(site).netloc
        self.queue: deque[str] = deque()
        self.seen: set[tuple[str, str]] = set()
        self.visited = 0

    def add(self, href: str, referrer: str | None) -> None:
        parts = urlsplit(href)
        if parts.netloc and parts.netloc != self.origin:
            return
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if NEVER.search(parts.path) or "format=" in parts.query:
            return
        if parts.path.startswith("/admin/") and (parts.query or not ADMIN.match(parts.path)):
            return
        key = pattern(path)
        # An object's page once from each list (a page without an object of its own) leading to it.
        lists = referrer and not re.search(r"\d", urlsplit(referrer).path)
        source = pattern(referrer) if lists and re.search(r"\d", parts.path) else ""
        if (key, source) in self.seen or any(k == key and not s for k, s in self.seen):
            return
        self.seen.add((key, source))
        self.queue.append(path)

    def next(self) -> str | None:
        if not self.queue:
            return None
        self.visited += 1
        return self.queue.popleft()


# --- what a person must not read -----------------------------------------------------------------

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
PYTHON = re.compile(r"\b(True|False|None)\b|\{'|'\}|\[\]|\{\}")
SUBJECT = re.compile(r"\b[a-z_]+:\d+\b")  # an audit subject: caseperson:1
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # a state, a topic, a category: temporary_stay
SEX = re.compile(r"(?<![\w./-])[MF](?![\w./-])")  # a sex as the data stores it
LATIN_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,]+[A-Za-z][a-z]+){2,}\b")  # 3 Latin words
URL = re.compile(r"\bhttps?://\S+|\S+@\S+")
# A digest or key as the audit log shows it (base64url: letters, digits, - and _), 16 characters or
# more with a digit in it: it is not a word, and its letters may happen to spell `a_h`.
DIGEST = re.compile(r"(?<![\w-])(?=[\w-]*\d)[\w-]{16,}(?![\w-])", re.ASCII)
# Latin words a Russian page may carry: the product's name and its mark.
LATIN_OK = {"migrex"}


@cache
def codes() -> frozenset[str]:
    """The project's codes a person must not read: the agreements' and authorities' codes,
    the audit actions, the case states."""
    from migrex.agreements.profile import load_profile, shipped_profile_paths
    from migrex.audit.actions import Action
    from migrex.cases.workflow import State

    found: set[str] = {a.value for a in Action} | {s.value for s in State if "_" in s.value}
    for code, path in shipped_profile_paths().items():
        found.add(code)
        profile = load_profile(path)
        found |= {a.code for a in profile.authorities}
    return frozenset(found)


@cache
def english() -> frozenset[str]:
    """The words of the interface's msgids, lower-cased (3 letters or more), but those the
    Russian keeps too (a name in Latin letters, an abbreviation, the product's name)."""
    from django.utils import translation
    from django.utils.translation import trans_real

    with translation.override("ru"):
        catalog = trans_real.translation("ru")._catalog
    words: set[str] = set()
    kept: set[str] = set()
    for key, translated in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04")[-1]  # a context comes before the msgid
        msgid = re.sub(r"%\(\w+\)\w|\{\w*\}|%\w", " ", msgid)
        words |= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", msgid)}
        kept |= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", translated)}
    return frozenset(words - kept - LATIN_OK)


def around(text: str, match: re.Match, width: int = 30) -> str:
    start, end = max(0, match.start() - width), match.end() + width
    return " ".join(text[start:end].split())


def text_faults(text: str) -> list[str]:
    """Each fault in the text a person reads, with the words around it."""
    text = DIGEST.sub(" ", URL.sub(" ", text))
    found: list[str] = []

    def note(kind: str, match: re.Match) -> None:
        line = f"{kind} «{match.group(0)}» in «{around(text, match)}»"
        if line not in found:
            found.append(line)

    known = codes()
    for match in re.finditer(r"[a-z][a-z0-9]*(?:[._:-][a-z0-9]+)+", text):
        if match.group(0) in known:
            note("code", match)
    for kind, regex in (
        ("ISO date", ISO_DATE),
        ("Python value", PYTHON),
        ("subject code", SUBJECT),
        ("code", SNAKE),
        ("sex code", SEX),
        ("English", LATIN_RUN),
    ):
        for match in regex.finditer(text):
            note(kind, match)
    vocabulary = english()
    # Words alone: not a login name, a code or a file name (kz-operator, message.received).
    for match in re.finditer(r"(?<![\w.:/-])[A-Za-z]{3,}(?![\w.:/-])", text):
        word = match.group(0)
        if not word.isupper() and word.lower() in vocabulary:
            note("English word", match)
    return found
