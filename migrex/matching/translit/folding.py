"""The folding key: `fold` for any name, `fold_patronymic` for a patronymic."""

from __future__ import annotations

import functools
import itertools
import time

from migrex.matching.translit.fallback import latin_ascii
from migrex.matching.translit.phonetic import _raw_words
from migrex.matching.translit.variants import _strip_vowels, _Variants, _variants


def _patronymic(raw: str, v: _Variants) -> tuple[str, str] | None:
    match = v.patronymic.match(raw)
    if not match:
        return None
    root = _strip_vowels(match.group("root"))
    if len(root) < 2:
        return None
    return v.root.get(root, root), "M" if match.group("m") else "F"


def _word_key(raw: str, v: _Variants, exact: str | None = None) -> str:
    if exact is not None and exact in v.exact:
        return v.exact[exact]
    patronymic = _patronymic(raw, v)
    if patronymic:
        root, sex = patronymic
        return root + ("ovih" if sex == "M" else "ovna")
    if raw in v.key:
        return v.key[raw]
    if raw.endswith("a") and raw[:-1] in v.key:  # Аляксандра, Пятрова: the stem is a variant
        out = v.key[raw[:-1]] + "a"
        return v.key.get(out, out)
    return raw


def _joined(words: tuple[str, ...], v: _Variants) -> list[str]:
    """A separate Kazakh «ұлы»/«қызы» joins the name before it."""
    out: list[str] = []
    for word in words:
        if out and (word in v.male or word in v.female) and len(word) <= 4:
            out[-1] += word
        else:
            out.append(word)
    return out


def _keys(text: str, v: _Variants) -> list[str]:
    words = _raw_words(text)
    exact: list[str | None] = [None] * len(words)
    if not v.sensitive.isdisjoint(words):
        uncollapsed = _raw_words(text, False)
        if len(uncollapsed) == len(words):  # collapsing letters never splits a word
            pairs = zip(words, uncollapsed, strict=True)
            exact = [u if w in v.sensitive else None for w, u in pairs]
    joined = _joined(words, v)
    if len(joined) != len(words):
        exact = [None] * len(joined)
    return [_word_key(w, v, e) for w, e in zip(joined, exact, strict=True)]


@functools.lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """The comparison key of a name in any script and spelling (see the package docstring)."""
    v = _variants()
    keys = _keys(text, v)
    if all(key.isascii() for key in keys):
        return " ".join(keys)
    # A script or a letter no table holds: ICU's general transliterator, word by word.
    out: list[str] = []
    for word in text.split():
        words = _keys(word, v)
        if not all(key.isascii() for key in words):
            words = _keys(latin_ascii(word), v)
        out.extend(key for key in words if key)
    return " ".join(out)


@functools.lru_cache(maxsize=1 << 16)
def fold_patronymic(text: str) -> tuple[str, str | None]:
    """(root key, sex) of a patronymic: Нурланович, Нұрланұлы, Nurlanuly and Nurlanovich all give
    ("nurlan", "M"); Сергеевна and Sergeiqyzy give ("serg", "F"). Anything else: (fold(text), None).
    """
    v = _variants()
    words = _joined(_raw_words(text), v)
    if len(words) == 1:
        patronymic = _patronymic(words[0], v)
        if patronymic:
            return patronymic
    return fold(text), None


def _bench(rounds: int = 50) -> tuple[float, float]:  # pragma: no cover - a measurement
    """µs per uncached and per cached call of `fold` on full names (surname, given name,
    patronymic) in Cyrillic, Latin and Armenian script."""
    surnames = ["Иванова", "Оганесян", "Hovhannisyan", "Лукашэнка", "Тоқаев", "Գրիգորյան"]
    given = ["Сергей", "Aliaksandr", "Нұрсұлтан", "Janna", "Yuliya", "Տիգրան", "Мікалай", "Olga"]
    fathers = ["Нурланович", "Sergeevna", "Аляксандравіч", "Nurlanuly", "Ивановна", "Petrovich"]
    names = [" ".join(p) for p in itertools.product(surnames, given, fathers)]
    fold("")
    uncached = 0.0
    for _ in range(rounds):
        fold.cache_clear()
        start = time.perf_counter()
        for name in names:
            fold(name)
        uncached += time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(rounds):
        for name in names:
            fold(name)
    cached = time.perf_counter() - start
    return uncached / rounds / len(names) * 1e6, cached / rounds / len(names) * 1e6
