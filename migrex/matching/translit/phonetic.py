"""The phonetic reading behind `fold`: Cyrillic and Armenian written in one canonical ASCII Latin,
then any Latin read phonetically into words (see the package docstring for the rules)."""

from __future__ import annotations

import re
import unicodedata

from migrex.matching.translit.armenian import _HY_PASSPORT
from migrex.matching.translit.detection import _ARMENIAN, _language
from migrex.matching.translit.engine import _APOSTROPHES

_CYR_CANON_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "iu", "я": "ia", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u",
    "ү": "u", "һ": "h", "ӣ": "i",
}  # fmt: skip
_CYR_CANON = str.maketrans(_CYR_CANON_BASE)
_CYR_CANON_H = str.maketrans({**_CYR_CANON_BASE, "г": "h"})  # Belarusian and Ukrainian г
_ZG = re.compile("зг")

# Latin letters with diacritics spelt out. "tş" is the Kazakh 2021 ч.
_LATIN_SPELL = str.maketrans(
    {
        "č": "ch", "š": "sh", "ž": "zh", "ŭ": "u", "ć": "ts", "ś": "s", "ź": "z", "ń": "n",
        "ĺ": "l", "ľ": "l", "ł": "l", "ä": "a", "ğ": "g", "ñ": "n", "ö": "o", "ū": "u", "ü": "u",
        "ş": "sh", "ș": "sh", "ı": "i", "ŋ": "n", "ē": "e", "ë": "e", "ġ": "gh", "ṙ": "r",
        "ō": "o", "ò": "o", "ç": "ts", "ǰ": "j", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o",
        "ț": "ts", "ţ": "ts", "đ": "d", "ð": "d", "þ": "t", "ħ": "h", "ŧ": "t", "ƶ": "zh",
    }
)  # fmt: skip
_JOINERS = _APOSTROPHES + "·"  # BGN/PCGN writes a middle dot inside some letter pairs
_DROP = str.maketrans(dict.fromkeys(_JOINERS, ""))

_KK_MARKS = frozenset("äğqñöūüşıŋ")
_LAC_MARKS = frozenset("čšžŭćśźńĺł")
_ISO_MARKS = frozenset("ēëġǰṙō\u0315\u0323")
# Words are runs of letters, digits, apostrophes and combining marks; anything else separates.
_SPLIT = re.compile("[^\\w" + re.escape(_JOINERS) + "\u0300-\u036f]+|_+")
_NON_WORD = re.compile(r"[\W_]+")

_R = re.compile
_JI = _R("(?:^|(?<=[^aeiouy]))j(?=i)")
_C_SOFT = _R("cc(?=[eiy])|c(?=[eiybdfgjmnpsvwz])|(?<=[ei])c$|c(?=k[iya])")
_X_START = _R("^x|(?<=[^aeiouy])x")
_OW_ASCII = _R("ow(?=[^aeiouy])(?!sk)(?!na$)")
_BE_FINAL = _R("(?<=..)([ao])u$|(?<=..)(e)u$")
_OU = _R("ou(?!na$)")
_DOUBLE = _R(r"([a-z])\1+")
_SHSH = _R("(?:sh)+")
_IEI = _R("iei(?=[aeou])")  # ICAO ъ (ie) before an iotated vowel
# what one more round of _loop would change
_UNSTABLE_KEEP_DOUBLE = _R("kh|gh|ph|shsh|ie|io|^vo|(?<=..)[aoe]u$|" + _OU.pattern)
_UNSTABLE = _R(_UNSTABLE_KEEP_DOUBLE.pattern + r"|([a-z])\1")


def _mode(token: str, text_mode: str) -> str:
    if token.isascii():
        return "kk" if "q" in token else text_mode
    chars = set(token)
    if chars & _ISO_MARKS:
        return "iso"
    if chars & _KK_MARKS:
        return "kk"
    if chars & _LAC_MARKS:
        return "lac"
    return text_mode


def _text_mode(modes: list[str]) -> str:
    for mode in ("iso", "kk", "lac"):
        if mode in modes:
            return mode
    return "ascii"


def _loop(word: str, collapse: bool = True) -> str:
    unstable = _UNSTABLE if collapse else _UNSTABLE_KEEP_DOUBLE
    for _ in range(8):
        word = word.replace("kh", "h").replace("gh", "g").replace("ph", "f")
        if "shsh" in word:
            word = _SHSH.sub("sh", word)
        if word.endswith("u"):
            word = _BE_FINAL.sub(lambda m: "ov" if m.group(1) else "ev", word)
        if "ou" in word:
            word = _OU.sub("u", word)
        if collapse:
            word = _DOUBLE.sub(r"\1", word)
        if "iei" in word:
            word = _IEI.sub("i", word)
        word = word.replace("ie", "e").replace("io", "e")
        if word.startswith("vo"):
            word = word[1:]
        if not unstable.search(word):
            break
    return word


def _read_latin(token: str, mode: str, collapse: bool = True) -> str:
    """One lowercase token (Latin, diacritics still there) → its phonetic key."""
    token = token.translate(_DROP)
    if mode == "iso":
        token = token.replace("j", "dz")
        token = token.replace("ow", "u").replace("x", "kh")
    token = token.replace("tş", "ch").translate(_LATIN_SPELL)
    if not token.isascii():
        token = "".join(
            c for c in unicodedata.normalize("NFKD", token) if unicodedata.category(c) != "Mn"
        )
        token = token.lower().translate(_CYR_CANON)  # ѐ, ѓ, ќ... are е, г, к with a mark
    if "j" in token:
        token = token.replace("dj", "dzh")
        if mode == "kk":
            token = token.replace("j", "zh")
        token = _JI.sub("zh", token).replace("j", "i")
    if "ow" in token and mode in ("ascii", "lac"):
        token = _OW_ASCII.sub("u", token)
    if "c" in token:
        token = token.replace("tsch", "ch").replace("tch", "ch").replace("cz", "ch")
        token = token.replace("ch", "h")
        if mode in ("lac", "iso"):
            token = token.replace("tc", "ts").replace("c", "ts")
        else:
            token = _C_SOFT.sub("ts", token.replace("tc", "ts")).replace("ck", "k")
            token = token.replace("c", "k")
    if "x" in token:
        token = _X_START.sub("h", token).replace("x", "ks")
    token = token.replace("q", "k").replace("w", "v").replace("y", "i")
    return _loop(token, collapse)


def _native_to_latin(text: str, language: str | None) -> str:
    """Cyrillic and Armenian letters → the canonical ASCII Latin of `fold` (lowercase)."""
    if _ARMENIAN.search(text):
        text = _HY_PASSPORT(text)
    text = unicodedata.normalize("NFC", text.lower())
    if language in ("be", "uk"):
        return _ZG.sub("zgh", text).translate(_CYR_CANON_H)
    return text.translate(_CYR_CANON)


def _raw_words(text: str, collapse: bool = True) -> tuple[str, ...]:
    """The phonetic words of `text`; `collapse=False` keeps double letters (for the exact
    spellings of the variant data)."""
    text = unicodedata.normalize("NFKC", text).replace("İ", "ı")
    text = _native_to_latin(text, _language(text))
    tokens = [t for t in _SPLIT.split(text) if t]
    modes = [_mode(t, "ascii") for t in tokens]
    text_mode = _text_mode(modes)
    words: list[str] = []
    for token, mode in zip(tokens, modes, strict=True):
        word = _read_latin(token, text_mode if mode == "ascii" else mode, collapse)
        words.extend(w for w in _NON_WORD.split(word) if w)
    return tuple(words)


def _raw_key(text: str) -> str:
    return " ".join(_raw_words(text))
