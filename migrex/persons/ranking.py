"""How strongly a search entry agrees with a query, field by field (persons/search.py reads the
candidates from the indexes; this ranks them).

Each field both the query and the entry have is exact, close or differs:

- names: exact when the folding keys are equal (`translit.fold`), close when their skeletons are
  (`translit.skeleton`: Ахмедов / Ахметов, Axmetov / Ахметов) or the keys are near letter by
  letter (Jaro-Winkler ≥ 0.88: a typo), differs otherwise;
- birth date: close when one digit differs (1985 / 1988), day and month are swapped, or it is a
  day off (31.07 / 01.08: a date written on the other side of midnight, or counted differently);
- document and sex: exact or differs.

Each level weighs what it tells (Fellegi-Sunter): log2(m / u), m the chance that the records
of one person are at that level, u the chance that two people's are (`EVIDENCE`). An exact birth
date is about 14 bits (one day in some 22,000, seldom wrong), a close one about 4 (some 40 dates
are close to any, and a record's date is wrong a few times in a hundred); a common surname
exact about 7, a surname that differs -5 (married names, typos beyond the keys); a patronymic
that differs -5, a sex that differs -6. So a namesake born on a near day no longer outranks the
person whose given name, patronymic and exact birth date agree under another surname, and an
exact date outranks a near one by more than a patronymic alone can make up. A field the entry
does not hold tells nothing (0). An entry holding the surname asked as its given name and the
given name as its surname (a clerk's slip) is compared the other way round too, less the chance
of that slip (`SWAPPED`), and the better reading counts: the search reads such an entry when
another field brings it (its birth date, its document), and ranks it by what it holds. The
score is that sum scaled to 0…1 between every asked field differing and every one exact: the
order of the candidates, shown as a share.

Candidates with one score are ordered by how many letters their
names are from the query's (Levenshtein over the folding keys: Кораль finds Король, one letter
off, before Кароль, two), then by how many of the candidates read share their names (search.py):
of two spellings one letter off, the one most records have is rarely the typo.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import operator
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler, Levenshtein

from migrex.matching.translit import skeleton

# log2(m / u) of each level (the module docstring): m the share of one person's record pairs at
# that level, u the share of two people's. Estimates for the registries of the parties (about
# 4 % of birth dates and a few % of surnames differ between two records of one person; a
# surname shared by half a percent of people, a given name by 3 %, a patronymic's root by 5 %),
# not fitted to any data set.
EVIDENCE = {
    "surname": {"exact": 7.4, "close": 3.6, "differs": -5.0},  # m .85 .12 .03, u .005 .01 .985
    "given_name": {"exact": 5.0, "close": 1.3, "differs": -5.6},  # m .93 .05 .02, u .03 .02 .95
    "patronymic": {"exact": 4.2, "close": 0.5, "differs": -4.9},  # m .9 .07 .03, u .05 .05 .9
    "birth_date": {"exact": 14.4, "close": 4.3, "differs": -7.6},  # m .96 .035 .005
    "document": {"exact": 17.9, "differs": -0.4},  # m .25 .75 (passports are renewed), u 1e-6
    "sex": {"exact": 1.0, "differs": -5.6},  # m .99 .01, u .5 .5
}
# A record that holds the surname as its given name and the given name as its surname (a clerk's
# slip, or a form read the other way): compared the other way round, its names' evidence less
# the chance of that, log2(m) with m about .02 of one person's record pairs.
SWAPPED = -5.6
EXACT, CLOSE, DIFFERS = "exact", "close", "differs"
NAMES = ("surname", "given_name", "patronymic")


@dataclass
class Candidate:
    entry: object  # persons.models.SearchEntry
    score: float  # 0…1: the evidence, from every asked field differing to every one exact
    fields: dict[str, str] = field(default_factory=dict)  # field -> exact | close | differs
    letters: int = 0  # how many letters the names are from the query's: orders equal scores
    swapped: bool = False  # the entry's surname and given name agree the other way round


def dates(a: dt.date, b: dt.date) -> str:
    if a == b:
        return EXACT
    if abs((a - b).days) == 1:
        return CLOSE
    x, y = a.isoformat(), b.isoformat()
    one_digit = sum(p != q for p, q in zip(x, y, strict=True)) == 1
    swapped = a.year == b.year and a.month == b.day and a.day == b.month
    return CLOSE if one_digit or swapped else DIFFERS


@functools.lru_cache(maxsize=4096)
def near_dates(day: dt.date) -> tuple[dt.date, ...]:
    """Every other date `dates` calls close to `day`, what a wrong birth date may be, within a
    century of it: a wrong hundreds or thousands digit of the year (1080, 2980) is no one's.
    Remembered: a search asks them of its lookups and of its ranking."""
    found = set()
    for days in (-1, 1):
        with contextlib.suppress(OverflowError):  # 0001-01-01 and 9999-12-31 have one side
            found.add(day + dt.timedelta(days=days))
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
    return tuple(sorted(d for d in found if abs(d.year - day.year) < 100))


@functools.lru_cache(maxsize=4096)
def _near(day: dt.date) -> frozenset[dt.date]:
    return frozenset(near_dates(day))


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
    remembered per field and value: namesakes are compared once. A birth date is looked up among
    the query's `near_dates`, computed once, rather than compared digit by digit row by row."""

    def __init__(self, keys: dict[str, object], columns: tuple[str, ...] = ()):
        self.asked = [(name, keys[name]) for name in EVIDENCE if keys[name]]
        self.low = sum(EVIDENCE[name][DIFFERS] for name, _ in self.asked)
        self.span = sum(EVIDENCE[name][EXACT] for name, _ in self.asked) - self.low or 1.0
        self.positions = [columns.index(name) for name, _ in self.asked] if columns else []
        # Per asked field: value held -> (level, letters apart, its evidence).
        self.known: list[dict] = [{} for _ in self.asked]
        born = keys.get("birth_date")
        self.near = _near(born) if born else frozenset()
        # A row is ranked by the evidence of its surname and given name, remembered per pair
        # (namesakes share it), then of the other fields one by one, added in the same order as
        # `order` adds them: the same sums.
        named = self._named = sum(name in NAMES[:2] for name, _ in self.asked)
        self._names = operator.itemgetter(*self.positions[:named]) if named and columns else None
        self._single = named == 1
        self._rest = [(at, self.positions[at]) for at in range(named, len(self.asked))]
        self._sums: dict = {}
        # Both names asked: each compared with the other field too (SWAPPED), per value held.
        self._turned: list[dict] = [{}, {}] if named == 2 else []

    def _level(self, name: str, asked, held) -> tuple[str, int]:
        if name in NAMES:
            return names(asked, held)
        if name == "birth_date":
            if held == asked:
                return EXACT, 0
            if held in self.near:
                return CLOSE, 0
            # near_dates keeps to a century of the date; `dates` calls a digit wrong further
            # off close too (no one's birth date, but the same level as before).
            return (DIFFERS if abs(held.year - asked.year) < 100 else dates(asked, held)), 0
        return EXACT if asked == held else DIFFERS, 0

    def _known(self, at: int, held) -> tuple[str, int, float]:
        known = self.known[at].get(held)
        if known is None:
            name, asked = self.asked[at]
            level, apart = self._level(name, asked, held)
            known = self.known[at][held] = (level, apart, EVIDENCE[name][level])
        return known

    def _turned_level(self, at: int, held) -> tuple[str, int, float]:
        """The level of the name held in field `at` (0 surname, 1 given name) against the
        query's other name, with that name's evidence."""
        known = self._turned[at].get(held)
        if known is None:
            name, asked = self.asked[1 - at]
            level, apart = names(asked, held)
            known = self._turned[at][held] = (level, apart, EVIDENCE[name][level])
        return known

    def _pair(self, held: tuple) -> tuple[float, int, bool]:
        """The evidence of an entry's names (`held`: its values of the asked names), the
        letters apart, and whether they agree better the other way round (SWAPPED)."""
        bits, letters = self._sum(held)
        if self._turned and held[0] and held[1]:
            surname, given = self._turned_level(1, held[1]), self._turned_level(0, held[0])
            turned = surname[2] + given[2] + SWAPPED
            if turned > bits:
                return turned, surname[1] + given[1], True
        return bits, letters, False

    def _total(self, values) -> tuple[float, int, bool]:
        named = self._named
        bits, letters, swapped = self._pair(tuple(values[:named])) if named else (0.0, 0, False)
        bits, letters = self._sum(values[named:], named, bits, letters)  # as `ranks` adds them
        return bits, letters, swapped

    def order(self, values) -> tuple[float, int]:
        """The score and the letters apart of an entry's `values` of the asked fields (in their
        order), without the fields' levels: what ranks a row read."""
        bits, letters, _ = self._total(values)
        return round((bits - self.low) / self.span, 3), letters

    def ranks(self, rows) -> list[tuple[float, int]]:
        """`order` of each row, read in the order of `columns`: the same figures, computed
        faster (a search ranks hundreds of rows and makes candidates of twenty)."""
        if self._names is None:
            return [self.order(self.values(row)) for row in rows]
        names, sums, low, span = self._names, self._sums, self.low, self.span
        rest = [(at, position, self.known[at]) for at, position in self._rest]
        single, ranked = self._single, []
        for row in rows:
            held = names(row)
            summed = sums.get(held)
            if summed is None:
                summed = sums[held] = self._pair((held,) if single else held)
            bits, letters, _ = summed
            for at, position, known in rest:
                value = row[position]
                if value:
                    level = known.get(value) or self._known(at, value)
                    bits += level[2]
                    letters += level[1]
            ranked.append((round((bits - low) / span, 3), letters))
        return ranked

    def _sum(self, values, start: int = 0, bits: float = 0.0, letters: int = 0):
        """`bits` and `letters` with the evidence and letters apart of `values` added, those
        of the asked fields from the `start`th on, each in its own field."""
        for at, held in enumerate(values, start):
            if held:
                known = self._known(at, held)
                bits += known[2]
                letters += known[1]
        return bits, letters

    def candidate(self, entry, values) -> Candidate:
        """`values`: the entry's values of the asked fields, in their order."""
        bits, letters, swapped = self._total(values)
        fields = {}
        for at, (name, _) in enumerate(self.asked):
            if swapped and at < 2:  # the query's name against the entry's other one
                fields[name] = self._turned_level(1 - at, values[1 - at])[0]
            elif values[at]:
                fields[name] = self._known(at, values[at])[0]
        score = round((bits - self.low) / self.span, 3)
        return Candidate(entry, score, fields, letters, swapped)

    def values(self, row) -> list:
        return [row[p] for p in self.positions]

    def row(self, row) -> Candidate:
        """The candidate of a row read in the order of `columns` (the row is its entry)."""
        return self.candidate(row, self.values(row))

    def entry(self, entry) -> Candidate:
        return self.candidate(entry, [getattr(entry, name) for name, _ in self.asked])


def compare(keys: dict[str, object], entry) -> Candidate:
    """One entry scored against a query's keys."""
    return Scorer(keys).entry(entry)
