"""CSV a spreadsheet opens without running anything (OWASP "CSV Injection").

A cell that begins with `=`, `+`, `-`, `@`, TAB or CR is a formula to Excel and LibreOffice
(`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`), whoever wrote it: an officer, an imported file or the
other party's message. Every CSV the node writes goes through `writer`, which prefixes such a
text cell with `'` as OWASP recommends. A plain number (`-42`, `+1.5`, `-1e3`) is left as it is,
so a negative value stays a number; numbers that are not text (int, Decimal) are never touched.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: object) -> object:
    """`value`, or `'value` if it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class _Writer:
    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out, **kwargs) -> _Writer:
    """`csv.writer(out, **kwargs)` whose every cell is neutralised."""
    return _Writer(out, **kwargs)
