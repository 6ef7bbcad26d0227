"""Ukrainian: the national table of the Cabinet of Ministers (resolution No. 55 of 2010)."""

from __future__ import annotations

from migrex.matching.translit.engine import _APOSTROPHES, _Table

_UK_NATIONAL = _Table(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
        "з": "z", "зг": "zgh", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
        "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
        "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia",
        **dict.fromkeys(_APOSTROPHES, ""),
    },
    initial={"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"},
)  # fmt: skip
