"""Reporting periods as SDMX writes them in TIME_PERIOD: a year (`2024`), a month (`2024-03` or
`2024-M03`), a quarter (`2024-Q1`), a half-year (`2024-S1`), a week (`2024-W05`), a day
(`2024-03-15`) or the year as a reporting period (`2024-A1`). Plain module: no Django."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_FORMS = [
    (re.compile(r"(\d{4})"), "A", None),
    (re.compile(r"(\d{4})-A1"), "A", None),
    (re.compile(r"(\d{4})-S([12])"), "S", 2),
    (re.compile(r"(\d{4})-Q([1-4])"), "Q", 4),
    (re.compile(r"(\d{4})-M(\d{2})"), "M", 12),
    (re.compile(r"(\d{4})-(\d{2})"), "M", 12),
    (re.compile(r"(\d{4})-W(\d{2})"), "W", 53),
]
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, order=True)
class Period:
    """A period ordered by (frequency, year, index): `year` and the number of the month,
    quarter… within it (0 for a year)."""

    freq: str  # A, S, Q, M, W or D
    year: int
    index: int
    text: str

    def previous_year(self) -> tuple[str, int, int]:
        """The same period a year earlier, as a key to compare with (year-on-year change)."""
        return (self.freq, self.year - 1, self.index)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.freq, self.year, self.index)


def parse(text: str) -> Period | None:
    """The period `text` names, or None if it is not one."""
    text = text.strip()
    match = _DAY.fullmatch(text)
    if match:
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
        return Period("D", day.year, day.timetuple().tm_yday, text)
    for pattern, freq, top in _FORMS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        year = int(match[1])
        index = int(match[2]) if top else 0
        if year < 1900 or year > 2200 or (top and not 1 <= index <= top):
            return None
        return Period(freq, year, index, text)
    return None
