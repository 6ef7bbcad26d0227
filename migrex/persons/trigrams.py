"""The trigrams and the similarity of `pg_trgm`, in Python: what the search for near spellings
keeps and orders by on both databases (persons/similar.py). Pure: no Django."""

from __future__ import annotations

import functools
import re

_WORD = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=1 << 16)
def trigrams(key: str) -> frozenset[str]:
    """The trigrams pg_trgm makes of `key`: of each word (letters and digits), lower-cased,
    with two spaces before and one after it."""
    grams: set[str] = set()
    for word in _WORD.findall(key.lower()):
        padded = f"  {word} "
        grams.update(padded[at : at + 3] for at in range(len(padded) - 2))
    return frozenset(grams)


def similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity`: the trigrams both have, of the trigrams either has."""
    x, y = trigrams(a), trigrams(b)
    shared = len(x & y)
    union = len(x) + len(y) - shared
    return shared / union if union else 0.0
