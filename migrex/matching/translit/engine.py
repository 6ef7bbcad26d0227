"""A small context-aware transliteration engine: longest-match tables with initial, after-vowel
and final entries, capitalisation kept."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

_APOSTROPHES = "'’ʼʹʺ`´‘ʻʽ”\"\u0315"


def _letter(char: str) -> bool:
    return char.isalpha() or unicodedata.category(char) == "Mn"


class _Table:
    """Longest-match table. Keys are lowercase source sequences; `initial` applies at the start of
    a word, `after` after one of `triggers`, `final` at the end of a word. `caps` gives the
    capitalised form of an output where str.upper of its first letter is wrong (Kazakh İ)."""

    def __init__(
        self,
        base: dict[str, str],
        *,
        initial: dict[str, str] | None = None,
        after: dict[str, str] | None = None,
        final: dict[str, str] | None = None,
        triggers: Iterable[str] = (),
        caps: dict[str, str] | None = None,
    ):
        self.base = base
        self.initial = initial or {}
        self.after = after or {}
        self.final = final or {}
        self.triggers = frozenset(triggers)
        self.caps = caps or {}
        keys = [*self.base, *self.initial, *self.after, *self.final]
        self.maxlen = max(len(k) for k in keys)
        self.keys = frozenset(keys)

    def _capitalised(self, out: str) -> str:
        return self.caps.get(out) or out[:1].upper() + out[1:]

    def _out(self, key: str, text: str, low: str, i: int, size: int) -> str | None:
        """The output for `key` at `i`, or None when only a contextual entry exists and its
        context does not hold."""
        prev = text[i - 1] if i else ""
        nxt = text[i + size] if i + size < len(text) else ""
        if key in self.final and not (nxt and _letter(nxt)):
            return self.final[key]
        if key in self.initial and (not prev or not (_letter(prev) or prev in _APOSTROPHES)):
            return self.initial[key]
        if key in self.after and prev and low[i - 1] in self.triggers:
            return self.after[key]
        return self.base.get(key)

    def __call__(self, text: str) -> str:
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        n, i, parts = len(text), 0, []
        while i < n:
            for size in range(min(self.maxlen, n - i), 0, -1):
                key = low[i : i + size]
                if key in self.keys:
                    out = self._out(key, text, low, i, size)
                    if out is not None:
                        break
            else:
                parts.append(text[i])
                i += 1
                continue
            if out and text[i] != low[i]:
                prev = text[i - 1] if i else ""
                nxt = text[i + size] if i + size < n else ""
                whole = (nxt.isalpha() and nxt.isupper()) or (
                    not (nxt and nxt.isalpha()) and prev.isalpha() and prev.isupper()
                )
                out = self._capitalised(out)
                if whole:
                    out = out.upper()
            parts.append(out)
            i += size
        return "".join(parts)
