"""Scoring and the ICU baseline of `bench/linkage.py`.

The ICU baseline writes copies of both registries with every name transliterated by ICU's
BGN/PCGN transform for its language (Russian, Ukrainian, Belarusian, Kazakh, Armenian), then
Latin-ASCII and lower case, and links the copies with `migrex link --plain`: the same model
machinery on an off-the-shelf transliterator's output.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import icu
import pandas as pd

NAME_COLUMNS = ("surname", "first_name", "patronymic", "birth_place")
ARMENIAN = re.compile(r"[\u0531-\u058f]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
KAZAKH = re.compile(r"[әғқңөұүһӘҒҚҢӨҰҮҺ]")
BELARUSIAN = re.compile(r"[ўЎ]")
UKRAINIAN = re.compile(r"[їєґЇЄҐ]")


@cache
def _transform(transform: str):
    return icu.Transliterator.createInstance(transform + "; Any-Latin; Latin-ASCII; Lower")


def icu_latin(text: str) -> str:
    """A name in Latin letters by ICU's BGN/PCGN table for the language its letters show."""
    if not text:
        return ""
    if ARMENIAN.search(text):
        return _transform("Armenian-Latin/BGN").transliterate(text)
    if not CYRILLIC.search(text):
        return _transform("Any-Null").transliterate(text)
    if KAZAKH.search(text):
        language = "Kazakh"
    elif BELARUSIAN.search(text) or ("і" in text.lower() and re.search(r"[ыэЫЭ]", text)):
        language = "Belarusian"
    elif UKRAINIAN.search(text) or "і" in text.lower():
        language = "Ukrainian"
    else:
        language = "Russian"
    return _transform(f"{language}-Latin/BGN").transliterate(text)


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def transliterated_copies(a: Path, b: Path, folder: Path) -> tuple[Path, Path]:
    """Copies of both registries with their names through `icu_latin` (once per distinct name)."""
    out = []
    for path in (a, b):
        frame = _read(path)
        for column in NAME_COLUMNS:
            if column in frame.columns:
                values = frame[column].fillna("").astype(str)
                table = {value: icu_latin(value) for value in values.unique()}
                frame[column] = values.map(table)
        target = folder / f"icu_{path.stem}.parquet"
        frame.to_parquet(target, index=False)
        out.append(target)
    return out[0], out[1]


def script_of(text: str) -> str:
    """The script class of a record by its letters (for registries without labels)."""
    if ARMENIAN.search(text):
        return "Armenian"
    if KAZAKH.search(text):
        return "Kazakh"
    return "Cyrillic" if CYRILLIC.search(text) else "Latin"


def labels_by_letters(a: Path, b: Path) -> tuple[dict[str, str], dict[str, str]]:
    tables = []
    for path in (a, b):
        frame = _read(path)
        text = frame.get("surname", "").fillna("") + frame.get("first_name", "").fillna("")
        tables.append(dict(zip(frame["record_id"].astype(str), text.map(script_of), strict=True)))
    return tables[0], tables[1]


def score(found_path: Path, truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    pairs = found(found_path)
    hits = len(pairs & truth)
    precision = hits / len(pairs) if pairs else 0.0
    recall = hits / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def found(path: Path) -> set[tuple[str, str]]:
    frame = pd.read_csv(path, dtype=str)
    return set(zip(frame["record_id_a"], frame["record_id_b"], strict=True))


def by_class(
    pairs: set[tuple[str, str]],
    truth: set[tuple[str, str]],
    labels: tuple[dict[str, str], dict[str, str]],
) -> dict[str, tuple[int, float, float]]:
    """Per script pair: truth pairs, recall (found / truth in the class) and precision (right /
    found in the class, a found pair counting to its A record's and B record's scripts)."""

    def label(pair: tuple[str, str]) -> str:
        return f"{labels[0].get(pair[0], '?')}–{labels[1].get(pair[1], '?')}"

    counts: dict[str, list[int]] = {}
    for pair in truth:
        counts.setdefault(label(pair), [0, 0, 0, 0])[0] += 1
        if pair in pairs:
            counts[label(pair)][1] += 1
    for pair in pairs:
        entry = counts.setdefault(label(pair), [0, 0, 0, 0])
        entry[2] += 1
        entry[3] += pair in truth
    return {
        name: (n, hits / n if n else float("nan"), right / made if made else float("nan"))
        for name, (n, hits, made, right) in sorted(counts.items(), key=lambda kv: -kv[1][0])
    }
