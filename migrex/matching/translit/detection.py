"""Script and language detection of a name: Cyrillic (Russian, Kazakh, Belarusian, Ukrainian),
Armenian, Latin, mixed or none."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

_KAZAKH_ONLY = frozenset("әғқңөұүһӘҒҚҢӨҰҮҺ")
_UKRAINIAN_ONLY = frozenset("їєґЇЄҐ")
_BELARUSIAN_ONLY = frozenset("ўЎ")
_I_DOTTED = frozenset("іІ")
_NOT_BELARUSIAN = frozenset("ищъИЩЪ")
_NOT_UKRAINIAN = frozenset("ыэёъЫЭЁЪ")


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u052f"


def _is_armenian(char: str) -> bool:
    return "\u0531" <= char <= "\u058a" or "\ufb13" <= char <= "\ufb17"


_ARMENIAN = re.compile("[\u0531-\u058a\ufb13-\ufb17]")


@dataclass(frozen=True, slots=True)
class Detected:
    """`script`: cyrillic, armenian, latin, mixed or none; `language`: ru, kk, be, uk, hy or None
    (Latin text has no language of its own)."""

    script: str
    language: str | None


def _cyrillic_language(letters: set[str]) -> str:
    if letters & _KAZAKH_ONLY:
        return "kk"
    if letters & _BELARUSIAN_ONLY:
        return "be"
    if letters & _UKRAINIAN_ONLY:
        return "uk"
    if letters & _I_DOTTED:
        if not letters & _NOT_BELARUSIAN:
            return "be"
        if not letters & _NOT_UKRAINIAN:
            return "uk"
        return "kk"
    return "ru"


def _detect(text: str) -> Detected:
    if text.isascii():
        return Detected("latin" if any(c.isalpha() for c in text) else "none", None)
    cyr: set[str] = set()
    scripts: set[str] = set()
    for char in set(text):
        if not char.isalpha():
            continue
        if _is_cyrillic(char):
            cyr.add(char)
            scripts.add("cyrillic")
        elif _is_armenian(char):
            scripts.add("armenian")
        elif char.isascii() or unicodedata.name(char, "").startswith("LATIN"):
            scripts.add("latin")
        else:
            scripts.add("other")
    if not scripts:
        return Detected("none", None)
    script = next(iter(scripts)) if len(scripts) == 1 else "mixed"
    if script == "other":
        script = "mixed"
    if cyr and "armenian" not in scripts:
        return Detected(script, _cyrillic_language(cyr))
    if "armenian" in scripts and not cyr:
        return Detected(script, "hy")
    return Detected(script, None)


_CYRILLIC_LETTER = re.compile("[\u0400-\u0481\u048a-\u052f]")


def _language(text: str) -> str | None:
    """`detect(text).language`, quicker."""
    if text.isascii():
        return None
    cyr = set(_CYRILLIC_LETTER.findall(text))
    armenian = _ARMENIAN.search(text) is not None
    if cyr and not armenian:
        return _cyrillic_language(cyr)
    return "hy" if armenian and not cyr else None


@functools.lru_cache(maxsize=1 << 16)
def detect(text: str) -> Detected:
    """Kazakh by ә ғ қ ң ө ұ ү һ; Belarusian by ў, or by і without и/щ/ъ; Ukrainian by ї є ґ, or by
    і without ы/э/ё/ъ; Russian otherwise. Armenian script is Armenian; Latin has no language.
    `script` is "mixed" for more than one script, or for letters of another script."""
    return _detect(text)
