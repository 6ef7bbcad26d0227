"""How strongly a search entry agrees with a query, field by field (persons/search.py reads the
candidates from the indexes; this ranks them).

Each field both the query and the entry have is exact, close or differs:

- names: exact when the folding keys are equal (`translit.fold`), close when their skeletons are
  (`translit.skeleton`: Ахмедов / Ахметов, Axmetov / Ахметов) or the keys are near letter by
  letter (Jaro-Winkler ≥ 0.88: a typo), differs otherwise;
- birth date: close when one digit differs (1985 / 1988), day and month are swapped, or it is a
  day off (31.07 / 01.08: a date written on the other side of midnight, or counted differently);
- document and sex: exact or differs.

The score is the weighted share of the asked fields that agree (close counts 0.6). A birth date
weighs more than a surname: among a million people about 45 share a birth date, while a common
surname with a common given name is shared by thousands, so a person whose surname is spelt
beyond recognition but whose given name and birth date agree is a better candidate than a
namesake born on another day. Candidates with one score are ordered by how many letters their
names are from the query's (Levenshtein over the folding keys: Кораль finds Король, one letter
off, before Кароль, two), then by how many of the candidates read share their names (search.py):
of two spellings one letter off, the one most records have is rarely the typo.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler, Levenshtein

from migrex.matching.translit import skeleton

# How much each field counts when both the query and the record have it.
WEIGHTS = {
    "surname": 3.0,
    "given_name": 2.0,
    "patronymic": 1.0,
    "birth_date": 3.5,
    "document": 3.0,
    "sex": 0.5,
}
EXACT, CLOSE, DIFFERS = "exact", "close", "differs"
STRENGTH = {EXACT: 1.0, CLOSE: 0.6, DIFFERS: 0.0}
NAMES = ("surname", "given_name", "patronymic")


@dataclass
class Candidate:
    entry: object  # persons.models.SearchEntry
    score: float  # 0…1: the weighted share of the query's fields that agree
    fields: dict[str, str] = field(default_factory=dict)  # field -> exact | close | differs
    letters: int = 0  # how many letters the names are from the query's: orders equal scores


def dates(a: dt.date, b: dt.date) -> str:
    if a == b:
        return EXACT
    if abs((a - b).days) == 1:
        return CLOSE
    x, y = a.isoformat(), b.isoformat()
    one_digit = sum(p != q for p, q in zip(x, y, strict=True)) == 1
    swapped = a.year == b.year and a.month == b.day and a.day == b.month
    return CLOSE if one_digit or swapped else DIFFERS


def near_dates(day: dt.date) -> list[dt.date]:
    """Every other date `dates` calls close to `day`, what a wrong birth date may be, within a
    century of it: a wrong hundreds or thousands digit of the year (1080, 2980) is no one's."""
    found = {day - dt.timedelta(days=1), day + dt.timedelta(days=1)}
    text = day.isoformat()
    for at, digit in enumerate(text):
        if not digit.isdigit():
            continue
        for other in "0123456789".replace(digit, ""):
            try:
                found.add(dt.date.fromisoformat(text[:at] + other + text[at + 1 :]))
            except ValueError:
                continue
    with contextlib.suppress(ValueError):
        found.add(day.replace(month=day.day, day=day.month))
    found.discard(day)
    return sorted(d for d in found if abs(d.year - day.year) < 100)


def names(a: str, b: str) -> tuple[str, int]:
    """Two folding keys of one field: the level, and how many letters apart they are."""
    if a == b:
        return EXACT, 0
    letters = Levenshtein.distance(a, b)
    if skeleton(a) == skeleton(b) or JaroWinkler.similarity(a, b) >= 0.88:
        return CLOSE, letters
    return DIFFERS, letters


class Scorer:
    """Scores entries against one query's keys (`search.Query.keys`). An entry is anything with
    the fields as attributes, or a row whose values are in the order of `columns`. Levels are
    remembered per value: namesakes are compared once."""

    def __init__(self, keys: dict[str, object], columns: tuple[str, ...] = ()):
        self.asked = [(name, keys[name]) for name in WEIGHTS if keys[name]]
        self.total = sum(WEIGHTS[name] for name, _ in self.asked) or 1.0
        self.positions = [columns.index(name) for name, _ in self.asked] if columns else []
        self.levels: dict[tuple[str, object], tuple[str, int]] = {}

    def level(self, name: str, asked, held) -> tuple[str, int]:
        known = self.levels.get((name, held))
        if known is None:
            if name in NAMES:
                known = names(asked, held)
            elif name == "birth_date":
                known = dates(asked, held), 0
            else:
                known = EXACT if asked == held else DIFFERS, 0
            self.levels[(name, held)] = known
        return known

    def candidate(self, entry, values) -> Candidate:
        """`values`: the entry's values of the asked fields, in their order."""
        fields, won, letters = {}, 0.0, 0
        for (name, asked), held in zip(self.asked, values, strict=True):
            if held:
                level, apart = self.level(name, asked, held)
                fields[name] = level
                won += WEIGHTS[name] * STRENGTH[level]
                letters += apart
        return Candidate(entry, round(won / self.total, 3), fields, letters)

    def row(self, row) -> Candidate:
        """The candidate of a row read in the order of `columns` (the row is its entry)."""
        return self.candidate(row, [row[p] for p in self.positions])

    def entry(self, entry) -> Candidate:
        return self.candidate(entry, [getattr(entry, name) for name, _ in self.asked])


def compare(keys: dict[str, object], entry) -> Candidate:
    """One entry scored against a query's keys."""
    return Scorer(keys).entry(entry)
