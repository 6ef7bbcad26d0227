"""Armenian: the passport spelling, BGN/PCGN (1981) and ISO 9985 (1996), and Armenian written in
Russian Cyrillic (`cyrillic`)."""

from __future__ import annotations

import re

from migrex.matching.translit.detection import _is_armenian
from migrex.matching.translit.engine import _Table

_HY_VOWELS = "աեէըիոօւ"
_HY_COMMON = {
    "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y", "ժ": "zh",
    "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h", "ձ": "dz", "ղ": "gh",
    "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o", "պ": "p", "ջ": "j", "ս": "s",
    "վ": "v", "տ": "t", "ր": "r", "օ": "o", "ֆ": "f", "ու": "u", "և": "ev", "ւ": "v",
}  # fmt: skip
_HY_CONTEXT = {
    "initial": {"ե": "ye", "ո": "vo", "և": "yev"},
    "after": {"ե": "ye", "և": "yev"},
    "triggers": _HY_VOWELS,
}

_HY_PASSPORT = _Table(
    {**_HY_COMMON, "թ": "t", "չ": "ch", "ռ": "r", "ց": "ts", "փ": "p", "ք": "k"},
    **_HY_CONTEXT,
)  # fmt: skip
_HY_BGN = _Table(
    {**_HY_COMMON, "թ": "t’", "չ": "ch’", "ռ": "rr", "ց": "ts’", "փ": "p’", "ք": "k’"},
    **_HY_CONTEXT,
)  # fmt: skip
_ASPIRATE = "\u0315"  # ISO 9985 marks aspiration with a comma above right
_HY_ISO = _Table(
    {
        "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "ē", "ը": "ë",
        "թ": "t" + _ASPIRATE, "ժ": "ž", "ի": "i", "լ": "l", "խ": "x", "ծ": "ç", "կ": "k", "հ": "h",
        "ձ": "j", "ղ": "ġ", "ճ": "č\u0323", "մ": "m", "յ": "y", "ն": "n", "շ": "š", "ո": "o",
        "չ": "č", "պ": "p", "ջ": "ǰ", "ռ": "ṙ", "ս": "s", "վ": "v", "տ": "t", "ր": "r",
        "ց": "c" + _ASPIRATE, "ւ": "w", "փ": "p" + _ASPIRATE, "ք": "k" + _ASPIRATE, "օ": "ō",
        "ֆ": "f", "և": "ew",
    }
)  # fmt: skip

# --- Armenian in Russian Cyrillic -----------------------------------------------------------------

_HY_CYR = {
    "ա": "а", "բ": "б", "գ": "г", "դ": "д", "ե": "е", "զ": "з", "է": "э", "ը": "ы", "թ": "т",
    "ժ": "ж", "ի": "и", "լ": "л", "խ": "х", "ծ": "ц", "կ": "к", "ձ": "дз", "ղ": "г", "ճ": "ч",
    "մ": "м", "յ": "й", "ն": "н", "շ": "ш", "ո": "о", "չ": "ч", "պ": "п", "ջ": "дж", "ռ": "р",
    "ս": "с", "վ": "в", "տ": "т", "ր": "р", "ց": "ц", "ւ": "в", "փ": "п", "ք": "к", "օ": "о",
    "ֆ": "ф", "և": "ев", "ու": "у", "յա": "я", "յու": "ю", "յե": "е", "յո": "йо",
}  # fmt: skip
_HY_CYR_VOWELS = frozenset("աեէըիոօւ")


def _hy_cyrillic_word(word: str) -> str:
    low = word.lower()
    n, i, parts = len(low), 0, []
    while i < n:
        char = low[i]
        nxt = low[i + 1] if i + 1 < n else ""
        if char == "հ":
            # Russian usage drops Armenian h before a vowel (Hakobyan → Акопян, Sahakyan → Саакян)
            # and writes г before a consonant (Hrant → Грант).
            parts.append("г" if nxt and nxt not in _HY_CYR_VOWELS else "")
            i += 1
            continue
        if char == "ո" and i == 0 and nxt != "ւ":
            parts.append("во")
            i += 1
            continue
        for size in (3, 2, 1):
            out = _HY_CYR.get(low[i : i + size])
            if out is not None:
                parts.append(out)
                i += size
                break
        else:
            parts.append(word[i])
            i += 1
    out = "".join(parts)
    if len(word) > 1 and word.isupper():
        return out.upper()
    if word[:1].isupper():
        return out[:1].upper() + out[1:]
    return out


_HY_WORD = re.compile("[\u0531-\u0587]+")


def _hy_cyrillic(text: str) -> str:
    return _HY_WORD.sub(lambda m: _hy_cyrillic_word(m.group(0)), text)


def cyrillic(text: str) -> str:
    """Armenian written in Russian Cyrillic the mechanical way (Գրիգորյան → Григорян,
    Հարությունյան → Арутюнян); established Russian forms that differ (Оганесян) are variant
    data. Text without Armenian letters is returned unchanged."""
    if not any(_is_armenian(c) for c in text):
        return text
    return _hy_cyrillic(text)
