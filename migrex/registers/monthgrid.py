"""A month as weeks of days (Monday first), each day with the activities that take place on it.
Plain Python: no Django."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass, field


@dataclass
class Day:
    date: dt.date
    in_month: bool
    events: list = field(default_factory=list)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, self.month, _calendar.monthrange(self.year, self.month)[1])

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_month(value: str) -> Month | None:
    """`YYYY-MM` → Month; None if it is not one (years 1900–2999)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1900 <= year <= 2999 and 1 <= month <= 12):
        return None
    return Month(year, month)


def weeks(month: Month, events) -> list[list[Day]]:
    """Full weeks covering the month; an event spanning several days is on each of them."""
    grid = _calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    days = {d: Day(d, d.month == month.month) for week in grid for d in week}
    for event in events:
        day = max(event.starts_on, grid[0][0])
        while day <= min(event.ends_on, grid[-1][-1]):
            days[day].events.append(event)
            day += dt.timedelta(days=1)
    return [[days[d] for d in week] for week in grid]
