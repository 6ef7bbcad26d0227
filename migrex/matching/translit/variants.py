"""The variant data of `data/variants.yaml`: spellings of one name that no transliteration yields,
and the patronymic endings."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from migrex.matching.translit.phonetic import _raw_key, _raw_words

VARIANTS_PATH = Path(__file__).parents[1] / "data" / "variants.yaml"


def _strip_vowels(root: str) -> str:
    return root.rstrip("aeiou")


@dataclass(frozen=True)
class _Variants:
    groups: tuple[tuple[str, ...], ...]
    key: dict[str, str]  # raw key of a member → raw key of the group's first member
    exact: dict[str, str]  # the same for "=" members, keyed with their double letters kept
    sensitive: frozenset[str]  # raw keys that an "=" member shares with other spellings
    root: dict[str, str]  # member keys with final vowels stripped, for patronymic roots
    male: tuple[str, ...]
    female: tuple[str, ...]
    patronymic: re.Pattern[str]


def _load(path: Path = VARIANTS_PATH) -> _Variants:
    """A member written "=Janna" is that spelling exactly, double letters included: Janna is
    Жанна while Jana is Яна."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    male = sorted({_raw_key(s) for s in data["patronymics"]["male"]}, key=len, reverse=True)
    female = sorted({_raw_key(s) for s in data["patronymics"]["female"]}, key=len, reverse=True)
    pattern = re.compile(
        rf"^(?P<root>[a-z]{{2,}}?)(?:(?P<m>{'|'.join(male)})|(?P<f>{'|'.join(female)}))$"
    )
    key: dict[str, str] = {}
    exact: dict[str, str] = {}
    sensitive: set[str] = set()
    groups = []
    for group in data["groups"]:
        members = tuple(str(m) for m in group)
        canonical = _raw_key(members[0].lstrip("="))
        for member in members:
            spelling = member.removeprefix("=")
            raw = _raw_key(spelling)
            if not raw or " " in raw:
                raise ValueError(f"variant {member!r} is not one word")
            if pattern.match(raw):
                raise ValueError(f"variant {member!r} reads as a patronymic")
            if member.startswith("="):
                exact[" ".join(_raw_words(spelling, False))] = canonical
                sensitive.add(raw)
            elif key.setdefault(raw, canonical) != canonical:
                raise ValueError(f"variant {member!r} ({raw}) is in two groups")
        groups.append(tuple(m.removeprefix("=") for m in members))
    root: dict[str, str | None] = {}
    for raw, canonical in key.items():
        stripped, target = _strip_vowels(raw), _strip_vowels(canonical)
        if root.setdefault(stripped, target) != target:
            root[stripped] = None
    roots = {k: t for k, t in root.items() if t}
    for target in set(roots.values()):
        roots.setdefault(target, target)
    # a root key maps to a key that maps to itself, or is left alone
    roots = {k: t for k, t in roots.items() if roots.get(t) == t}
    return _Variants(
        tuple(groups), key, exact, frozenset(sensitive), roots, tuple(male), tuple(female), pattern
    )


@functools.cache
def _variants() -> _Variants:
    return _load()


def variant_groups() -> tuple[tuple[str, ...], ...]:
    """The groups of `data/variants.yaml` as written."""
    return _variants().groups
