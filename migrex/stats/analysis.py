"""What the charts show, computed from observations: the series of a dataset, the change over
a year, and mirror statistics (what each party reported for the same indicator and period).
Plain module: no Django."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from migrex.stats.periods import Period
from migrex.stats.periods import parse as parse_period

Key = tuple[tuple[str, str], ...]  # the dimensions other than the period, sorted


@dataclass(frozen=True)
class Point:
    period: Period
    value: Decimal


def key_of(dimensions: dict[str, str]) -> Key:
    return tuple(sorted(dimensions.items()))


def label(key: Key) -> str:
    return ", ".join(f"{name}: {value}" for name, value in key) or "—"


def series(observations: Iterable[tuple[str, dict[str, str], Decimal]]) -> dict[Key, list[Point]]:
    """Observations (period, dimensions, value) grouped by their other dimensions, each series
    in time order."""
    found: dict[Key, list[Point]] = {}
    for period, dimensions, value in observations:
        parsed = parse_period(period)
        if parsed is not None:
            found.setdefault(key_of(dimensions), []).append(Point(parsed, value))
    return {k: sorted(v, key=lambda p: p.period.key) for k, v in found.items()}


def percent(new: Decimal, old: Decimal) -> Decimal | None:
    """(new − old) / old, in per cent to one decimal place (half up); None when old is 0."""
    if old == 0:
        return None
    return ((new - old) * 100 / old).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Change:
    previous: Point
    current: Point

    @property
    def delta(self) -> Decimal:
        return self.current.value - self.previous.value

    @property
    def percent(self) -> Decimal | None:
        return percent(self.current.value, self.previous.value)


def year_on_year(points: list[Point]) -> list[Change]:
    """Each period against the same period a year earlier (2024 against 2023, 2024-Q1 against
    2023-Q1), where the series has both."""
    by_key = {p.period.key: p for p in points}
    return [
        Change(by_key[p.period.previous_year()], p)
        for p in points
        if p.period.previous_year() in by_key
    ]


@dataclass(frozen=True)
class MirrorRow:
    period: str
    key: Key
    ours: Decimal | None
    theirs: Decimal | None

    @property
    def gap(self) -> Decimal | None:
        if self.ours is None or self.theirs is None:
            return None
        return self.ours - self.theirs

    @property
    def gap_percent(self) -> Decimal | None:
        """The gap against the other party's figure."""
        if self.ours is None or self.theirs is None:
            return None
        return percent(self.ours, self.theirs)


def mirror(ours: dict[Key, list[Point]], theirs: dict[Key, list[Point]]) -> list[MirrorRow]:
    """Pair the two parties' figures by period and dimensions. Two datasets of one series each
    are paired by period alone: each party names its dimensions in its own words."""
    if len(ours) == 1 and len(theirs) == 1:
        ours = {(): next(iter(ours.values()))}
        theirs = {(): next(iter(theirs.values()))}
    rows: dict[tuple, list] = {}
    for side, found in ((0, ours), (1, theirs)):
        for key, points in found.items():
            for p in points:
                row = rows.setdefault((p.period.key, key), [p.period.text, key, None, None])
                row[2 + side] = p.value
    return [MirrorRow(*rows[k]) for k in sorted(rows)]
