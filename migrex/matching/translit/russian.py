"""Russian: the schemes of `iuliia` (ICAO Doc 9303, GOST R 52535.1-2006, MVD 310-1997,
MVD 782-2000, BGN/PCGN) and the ICAO table that the Kazakh passport practice extends."""

from __future__ import annotations

import re
from collections.abc import Callable

import iuliia

_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")


def _iuliia(schema, *, fix: Callable[[str], str] | None = None) -> Callable[[str], str]:
    """iuliia keeps the case of the first letter only; an all-uppercase word is transliterated in
    lowercase and raised again."""

    def word(match: re.Match[str]) -> str:
        w = match.group(0)
        out = schema.translate(w.lower()).upper() if len(w) > 1 and w.isupper() else None
        out = out if out is not None else schema.translate(w)
        return fix(out) if fix else out

    def run(text: str) -> str:
        return _WORD.sub(word, text)

    return run


def _bgn_yo(text: str) -> str:
    return text.replace("ё", "ë").replace("Ё", "Ë")


_RU_ICAO_9303 = _iuliia(iuliia.ICAO_DOC_9303)
_RU_GOST_52535 = _iuliia(iuliia.GOST_52535)
_RU_MVD_310 = _iuliia(iuliia.MVD_310)
_RU_MVD_782 = _iuliia(iuliia.MVD_782)
_RU_BGN_PCGN = _iuliia(iuliia.BGN_PCGN, fix=_bgn_yo)

_RU_ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
