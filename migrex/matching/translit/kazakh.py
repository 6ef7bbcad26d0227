"""Kazakh: the ICAO 9303 practice of Kazakh passports and the Latin alphabet of 2021."""

from __future__ import annotations

from migrex.matching.translit.engine import _Table
from migrex.matching.translit.russian import _RU_ICAO

_KK_ICAO = _Table(
    {
        **_RU_ICAO,
        "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    }
)  # fmt: skip

_KK_2021 = _Table(
    {
        "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io",
        "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
        "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū",
        "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "tş", "ш": "ş", "щ": "şş",
        "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    },
    caps={"i": "İ", "io": "İo", "iu": "İu", "ia": "İa"},
)  # fmt: skip
