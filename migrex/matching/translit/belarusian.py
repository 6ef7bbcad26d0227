"""Belarusian: the national system for geographic names (2000/2007) and the ICAO 9303 practice of
Belarusian passports."""

from __future__ import annotations

from migrex.matching.translit.engine import _APOSTROPHES, _Table

_BE_VOWELS = "аеёіоуыэюяў"
_BE_NATIONAL = _Table(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "ie", "ё": "io", "ж": "ž",
        "з": "z", "і": "i", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "ŭ", "ф": "f", "х": "ch", "ц": "c",
        "ч": "č", "ш": "š", "щ": "šč", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
        "зь": "ź", "ль": "ĺ", "нь": "ń", "сь": "ś", "ць": "ć",
        **dict.fromkeys(_APOSTROPHES, ""),
    },
    initial={"е": "je", "ё": "jo", "ю": "ju", "я": "ja"},
    after={"е": "je", "ё": "jo", "ю": "ju", "я": "ja"},
    triggers=_BE_VOWELS + "ь" + _APOSTROPHES,
)  # fmt: skip

_BE_ICAO = _Table(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "ё": "io", "ж": "zh",
        "з": "z", "і": "i", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu",
        "я": "ia", "цц": "ts",
        **dict.fromkeys(_APOSTROPHES, ""),
    },
    initial={"е": "ye", "ё": "yo", "ю": "yu", "я": "ya"},
    after={"е": "ye", "ё": "yo", "ю": "yu", "я": "ya"},
    final={"ый": "y"},
    triggers="аеёоуэюяў",
)  # fmt: skip
