"""Names in Russian, Kazakh, Belarusian and Ukrainian Cyrillic, Armenian script and Latin spellings:
script and language detection, the official romanisation schemes, and a folding key that lets all
spellings of one name meet.

Schemes (`SCHEMES`, name → `Scheme`):

- Russian, through `iuliia`: ICAO Doc 9303, GOST R 52535.1-2006, MVD 310-1997, MVD 782-2000,
  BGN/PCGN (iuliia leaves a Cyrillic ё in that one; it is written ë as BGN/PCGN has it).
- Kazakh: the ICAO 9303 practice of Kazakh passports (Ә→A, Ғ→G, Қ→K, Ң→N, Ө→O, Ұ→U, Ү→U, Һ→H,
  І→I, the Russian ICAO table for the rest) and the Latin alphabet as revised in 2021 (31 letters:
  Ä Ğ Q Ñ Ö Ū Ü Ş, İ for и/й and I ı for і; Ё→İo, Ю→İu, Я→İa, Ц→Ts, Ч→Tş, Щ→Şş).
- Belarusian: the national system for geographic names (2000 instruction as amended in 2007:
  č š ž ŭ, ź ń ś ć ĺ for a consonant with the soft sign, ch for х, c for ц, je/jo/ju/ja initially
  and after a vowel, ў or an apostrophe, ie/io/iu/ia after a consonant) and the ICAO 9303 practice
  of Belarusian passports (г→h, ў→u, х→kh, ц→ts; я/ю/ё→ya/yu/yo initially and after а е ё о у э
  ю я ў, ia/iu/io elsewhere; a final ый→y).
- Ukrainian: the national table of the Cabinet of Ministers (resolution No. 55 of 27 January 2010).
- Armenian: the spelling of Armenian passports (BGN/PCGN letters without the aspiration apostrophe:
  Ու→U, Ո→VO and Ե→YE initially, և→EV/YEV, Ղ→GH, Խ→KH, Ջ→J, Ճ/Չ→CH, Ծ/Ց→TS), BGN/PCGN (1981) and
  ISO 9985 (1996, with diacritics).

`fold(text)` is the comparison key. Every script is first written in one canonical ASCII Latin of
its own (the Armenian passport spelling; a context-free table for Cyrillic, г→h for Belarusian and
Ukrainian text). That Latin, and any Latin input, is then read phonetically:

- diacritics are spelt out (č→ch, ž→zh, ş→sh, ä→a, ğ→g, ç→ts, ū→u, ı→i...);
- х, ч, h, kh, ch, a leading x become one letter h. Keeping ч and х together is deliberate: "ch"
  is ч in English-style spellings and х in Belarusian, Czech, Polish and German ones (Michail);
- c is ts before e/i/y and in a word with Łacinka or ISO 9985 letters, k otherwise; x is ks;
- j is ж in a text with Kazakh 2021 letters and before i, a glide otherwise (Jurij, Andrej);
  in a text with ISO 9985 letters j is ձ (dz) and ow is ու (u);
- y/j/i are one letter; ie→e, io→e (ё), a leading vo→o (Armenian Ո), ou→u, a final Belarusian
  -оў/-аў/-еў→-ov/-ev; double letters are one.

Patronymics then become root+"ovih" (son of) or root+"ovna" (daughter of) whatever the language
(-ович/-евич/-авіч/-ұлы/-uly, -овна/-евна/-аўна/-івна/-қызы/-kyzy; the endings are data), and the
groups of `data/variants.yaml` (spellings no transliteration yields: Оганесян / Hovhannisyan,
Сяргей / Sergey, Вольга / Olga...) replace a word by the key of their first member; a word that is
a member plus a final -a (Аляксандра, Пятрова) follows its member. Female surnames keep their
ending (Иванова ≠ Иванов): sex is a field of its own, and a different key for the female form keeps
the surname keys as sharp as the data allows.

The key is idempotent (fold(fold(x)) == fold(x)), lowercase ASCII for Latin, Cyrillic and Armenian
input, words separated by one space; case, hyphens, spaces and apostrophes do not matter.

Known limits: a Latin j before a vowel is read as a glide unless the text shows Kazakh 2021
letters, so a bare Kazakh "Jomart" is not Жомарт (variant data covers common names, Janna among
them); ISO 9985 j (ձ) and a final x (խ) are read the English way when nothing else in the text is
ISO 9985; Belarusian and Ukrainian words without a letter of their own are read as Russian (г→g),
so Ганна meets Hanna only through the variant data; Armenian patronymics (genitive -ի) and the
Russian -ич of names in -а (Ильич, Никитич) are left as written.

Timings (CPython 3.11, one core; `_bench()` in this module): uncached, about 13 µs per word,
35-40 µs for a three-word Cyrillic or Latin full name and 55 µs for a two-word Armenian one;
cached, about 0.08 µs per call (functools.lru_cache, 2**18 entries).

Pure module: no Django.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import iuliia
import yaml

__all__ = [
    "SCHEMES",
    "Detected",
    "Scheme",
    "cyrillic",
    "detect",
    "fold",
    "fold_patronymic",
    "latin",
    "schemes_for",
    "spellings",
    "variant_groups",
]

VARIANTS_PATH = Path(__file__).with_name("data") / "variants.yaml"

_APOSTROPHES = "'’ʼʹʺ`´‘ʻʽ”\"\u0315"

# --- detection ------------------------------------------------------------------------------------

_KAZAKH_ONLY = frozenset("әғқңөұүһӘҒҚҢӨҰҮҺ")
_UKRAINIAN_ONLY = frozenset("їєґЇЄҐ")
_BELARUSIAN_ONLY = frozenset("ўЎ")
_I_DOTTED = frozenset("іІ")
_NOT_BELARUSIAN = frozenset("ищъИЩЪ")
_NOT_UKRAINIAN = frozenset("ыэёъЫЭЁЪ")


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u052f"


def _is_armenian(char: str) -> bool:
    return "\u0531" <= char <= "\u058a" or "\ufb13" <= char <= "\ufb17"


_ARMENIAN = re.compile("[\u0531-\u058a\ufb13-\ufb17]")


@dataclass(frozen=True, slots=True)
class Detected:
    """`script`: cyrillic, armenian, latin, mixed or none; `language`: ru, kk, be, uk, hy or None
    (Latin text has no language of its own)."""

    script: str
    language: str | None


def _cyrillic_language(letters: set[str]) -> str:
    if letters & _KAZAKH_ONLY:
        return "kk"
    if letters & _BELARUSIAN_ONLY:
        return "be"
    if letters & _UKRAINIAN_ONLY:
        return "uk"
    if letters & _I_DOTTED:
        if not letters & _NOT_BELARUSIAN:
            return "be"
        if not letters & _NOT_UKRAINIAN:
            return "uk"
        return "kk"
    return "ru"


def _detect(text: str) -> Detected:
    if text.isascii():
        return Detected("latin" if any(c.isalpha() for c in text) else "none", None)
    cyr: set[str] = set()
    scripts: set[str] = set()
    for char in set(text):
        if not char.isalpha():
            continue
        if _is_cyrillic(char):
            cyr.add(char)
            scripts.add("cyrillic")
        elif _is_armenian(char):
            scripts.add("armenian")
        elif char.isascii() or unicodedata.name(char, "").startswith("LATIN"):
            scripts.add("latin")
        else:
            scripts.add("other")
    if not scripts:
        return Detected("none", None)
    script = next(iter(scripts)) if len(scripts) == 1 else "mixed"
    if script == "other":
        script = "mixed"
    if cyr and "armenian" not in scripts:
        return Detected(script, _cyrillic_language(cyr))
    if "armenian" in scripts and not cyr:
        return Detected(script, "hy")
    return Detected(script, None)


_CYRILLIC_LETTER = re.compile("[\u0400-\u0481\u048a-\u052f]")


def _language(text: str) -> str | None:
    """`detect(text).language`, quicker."""
    if text.isascii():
        return None
    cyr = set(_CYRILLIC_LETTER.findall(text))
    armenian = _ARMENIAN.search(text) is not None
    if cyr and not armenian:
        return _cyrillic_language(cyr)
    return "hy" if armenian and not cyr else None


@functools.lru_cache(maxsize=1 << 16)
def detect(text: str) -> Detected:
    """Kazakh by ә ғ қ ң ө ұ ү һ; Belarusian by ў, or by і without и/щ/ъ; Ukrainian by ї є ґ, or by
    і without ы/э/ё/ъ; Russian otherwise. Armenian script is Armenian; Latin has no language.
    `script` is "mixed" for more than one script, or for letters of another script."""
    return _detect(text)


# --- a small context-aware transliteration engine -------------------------------------------------


def _letter(char: str) -> bool:
    return char.isalpha() or unicodedata.category(char) == "Mn"


class _Table:
    """Longest-match table. Keys are lowercase source sequences; `initial` applies at the start of
    a word, `after` after one of `triggers`, `final` at the end of a word. `caps` gives the
    capitalised form of an output where str.upper of its first letter is wrong (Kazakh İ)."""

    def __init__(
        self,
        base: dict[str, str],
        *,
        initial: dict[str, str] | None = None,
        after: dict[str, str] | None = None,
        final: dict[str, str] | None = None,
        triggers: Iterable[str] = (),
        caps: dict[str, str] | None = None,
    ):
        self.base = base
        self.initial = initial or {}
        self.after = after or {}
        self.final = final or {}
        self.triggers = frozenset(triggers)
        self.caps = caps or {}
        keys = [*self.base, *self.initial, *self.after, *self.final]
        self.maxlen = max(len(k) for k in keys)
        self.keys = frozenset(keys)

    def _capitalised(self, out: str) -> str:
        return self.caps.get(out) or out[:1].upper() + out[1:]

    def _out(self, key: str, text: str, low: str, i: int, size: int) -> str | None:
        """The output for `key` at `i`, or None when only a contextual entry exists and its
        context does not hold."""
        prev = text[i - 1] if i else ""
        nxt = text[i + size] if i + size < len(text) else ""
        if key in self.final and not (nxt and _letter(nxt)):
            return self.final[key]
        if key in self.initial and (not prev or not (_letter(prev) or prev in _APOSTROPHES)):
            return self.initial[key]
        if key in self.after and prev and low[i - 1] in self.triggers:
            return self.after[key]
        return self.base.get(key)

    def __call__(self, text: str) -> str:
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        n, i, parts = len(text), 0, []
        while i < n:
            for size in range(min(self.maxlen, n - i), 0, -1):
                key = low[i : i + size]
                if key in self.keys:
                    out = self._out(key, text, low, i, size)
                    if out is not None:
                        break
            else:
                parts.append(text[i])
                i += 1
                continue
            if out and text[i] != low[i]:
                prev = text[i - 1] if i else ""
                nxt = text[i + size] if i + size < n else ""
                whole = (nxt.isalpha() and nxt.isupper()) or (
                    not (nxt and nxt.isalpha()) and prev.isalpha() and prev.isupper()
                )
                out = self._capitalised(out)
                if whole:
                    out = out.upper()
            parts.append(out)
            i += size
        return "".join(parts)


# --- Russian through iuliia -----------------------------------------------------------------------

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


# --- Cyrillic tables ------------------------------------------------------------------------------

_RU_ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip

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

# --- Armenian tables ------------------------------------------------------------------------------

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


# --- the registry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    name: str
    language: str
    title: str
    title_ru: str
    _run: Callable[[str], str] = field(repr=False, compare=False)

    def latin(self, text: str) -> str:
        return self._run(text)


def _scheme(name: str, title: str, title_ru: str, run: Callable[[str], str]) -> Scheme:
    return Scheme(name, name.split(":", 1)[0], title, title_ru, run)


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in (
        _scheme(
            "ru:icao_9303",
            "ICAO Doc 9303 (passports)",
            "ICAO Doc 9303 (паспорта)",
            _iuliia(iuliia.ICAO_DOC_9303),
        ),
        _scheme(
            "ru:gost_52535",
            "GOST R 52535.1-2006",
            "ГОСТ Р 52535.1-2006",
            _iuliia(iuliia.GOST_52535),
        ),
        _scheme(
            "ru:mvd_310", "MVD order 310 (1997)", "Приказ МВД № 310 (1997)", _iuliia(iuliia.MVD_310)
        ),
        _scheme(
            "ru:mvd_782", "MVD order 782 (2000)", "Приказ МВД № 782 (2000)", _iuliia(iuliia.MVD_782)
        ),
        _scheme(
            "ru:bgn_pcgn",
            "BGN/PCGN (1947)",
            "BGN/PCGN (1947)",
            _iuliia(iuliia.BGN_PCGN, fix=_bgn_yo),
        ),
        _scheme(
            "kk:icao",
            "ICAO Doc 9303 as in Kazakh passports",
            "ICAO Doc 9303 (паспорта Казахстана)",
            _KK_ICAO,
        ),
        _scheme(
            "kk:latin_2021",
            "Kazakh Latin alphabet (2021 revision)",
            "Казахский латинский алфавит (редакция 2021 г.)",
            _KK_2021,
        ),
        _scheme(
            "be:national",
            "Belarusian national system (geographic names, 2000/2007)",
            "Национальная система Беларуси (географические названия, 2000/2007)",
            _BE_NATIONAL,
        ),
        _scheme(
            "be:icao",
            "ICAO Doc 9303 as in Belarusian passports",
            "ICAO Doc 9303 (паспорта Беларуси)",
            _BE_ICAO,
        ),
        _scheme(
            "uk:national",
            "Ukrainian national system (Cabinet of Ministers, 2010)",
            "Национальная система Украины (Кабинет министров, 2010)",
            _UK_NATIONAL,
        ),
        _scheme(
            "hy:passport",
            "Armenian passports",
            "Паспорта Армении",
            _HY_PASSPORT,
        ),
        _scheme("hy:bgn_pcgn", "BGN/PCGN (1981)", "BGN/PCGN (1981)", _HY_BGN),
        _scheme("hy:iso_9985", "ISO 9985 (1996)", "ISO 9985 (1996)", _HY_ISO),
    )
}


def schemes_for(language: str | None) -> list[Scheme]:
    return [s for s in SCHEMES.values() if s.language == language]


def latin(text: str, scheme_name: str) -> str:
    """`text` in the Latin spelling of one scheme (KeyError for an unknown name)."""
    return SCHEMES[scheme_name].latin(text)


def spellings(text: str) -> dict[str, str]:
    """Every scheme of the detected language → its spelling of `text` (empty for Latin text)."""
    return {s.name: s.latin(text) for s in schemes_for(detect(text).language)}


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


# --- folding --------------------------------------------------------------------------------------

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


# --- variant data ---------------------------------------------------------------------------------


def _strip_vowels(root: str) -> str:
    return root.rstrip("aeiou")


@dataclass(frozen=True)
class _Variants:
    groups: tuple[tuple[str, ...], ...]
    key: dict[str, str]  # raw key of a member → raw key of the group's first member
    exact: dict[str, str]  # the same for "=" members, keyed with their double letters kept
    sensitive: frozenset[str]  # raw keys that an "=" member shares with other spellings
    root: dict[str, str]  # member keys with final vowels stripped, for patronymic roots
    male: tuple[str, ...]
    female: tuple[str, ...]
    patronymic: re.Pattern[str]


def _load(path: Path = VARIANTS_PATH) -> _Variants:
    """A member written "=Janna" is that spelling exactly, double letters included: Janna is
    Жанна while Jana is Яна."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    male = sorted({_raw_key(s) for s in data["patronymics"]["male"]}, key=len, reverse=True)
    female = sorted({_raw_key(s) for s in data["patronymics"]["female"]}, key=len, reverse=True)
    pattern = re.compile(
        rf"^(?P<root>[a-z]{{2,}}?)(?:(?P<m>{'|'.join(male)})|(?P<f>{'|'.join(female)}))$"
    )
    key: dict[str, str] = {}
    exact: dict[str, str] = {}
    sensitive: set[str] = set()
    groups = []
    for group in data["groups"]:
        members = tuple(str(m) for m in group)
        canonical = _raw_key(members[0].lstrip("="))
        for member in members:
            spelling = member.removeprefix("=")
            raw = _raw_key(spelling)
            if not raw or " " in raw:
                raise ValueError(f"variant {member!r} is not one word")
            if pattern.match(raw):
                raise ValueError(f"variant {member!r} reads as a patronymic")
            if member.startswith("="):
                exact[" ".join(_raw_words(spelling, False))] = canonical
                sensitive.add(raw)
            elif key.setdefault(raw, canonical) != canonical:
                raise ValueError(f"variant {member!r} ({raw}) is in two groups")
        groups.append(tuple(m.removeprefix("=") for m in members))
    root: dict[str, str | None] = {}
    for raw, canonical in key.items():
        stripped, target = _strip_vowels(raw), _strip_vowels(canonical)
        if root.setdefault(stripped, target) != target:
            root[stripped] = None
    roots = {k: t for k, t in root.items() if t}
    for target in set(roots.values()):
        roots.setdefault(target, target)
    # a root key maps to a key that maps to itself, or is left alone
    roots = {k: t for k, t in roots.items() if roots.get(t) == t}
    return _Variants(
        tuple(groups), key, exact, frozenset(sensitive), roots, tuple(male), tuple(female), pattern
    )


@functools.cache
def _variants() -> _Variants:
    return _load()


def variant_groups() -> tuple[tuple[str, ...], ...]:
    """The groups of `data/variants.yaml` as written."""
    return _variants().groups


def _patronymic(raw: str, v: _Variants) -> tuple[str, str] | None:
    match = v.patronymic.match(raw)
    if not match:
        return None
    root = _strip_vowels(match.group("root"))
    if len(root) < 2:
        return None
    return v.root.get(root, root), "M" if match.group("m") else "F"


def _word_key(raw: str, v: _Variants, exact: str | None = None) -> str:
    if exact is not None and exact in v.exact:
        return v.exact[exact]
    patronymic = _patronymic(raw, v)
    if patronymic:
        root, sex = patronymic
        return root + ("ovih" if sex == "M" else "ovna")
    if raw in v.key:
        return v.key[raw]
    if raw.endswith("a") and raw[:-1] in v.key:  # Аляксандра, Пятрова: the stem is a variant
        out = v.key[raw[:-1]] + "a"
        return v.key.get(out, out)
    return raw


def _joined(words: tuple[str, ...], v: _Variants) -> list[str]:
    """A separate Kazakh «ұлы»/«қызы» joins the name before it."""
    out: list[str] = []
    for word in words:
        if out and (word in v.male or word in v.female) and len(word) <= 4:
            out[-1] += word
        else:
            out.append(word)
    return out


def _keys(text: str, v: _Variants) -> list[str]:
    words = _raw_words(text)
    exact: list[str | None] = [None] * len(words)
    if not v.sensitive.isdisjoint(words):
        uncollapsed = _raw_words(text, False)
        if len(uncollapsed) == len(words):  # collapsing letters never splits a word
            pairs = zip(words, uncollapsed, strict=True)
            exact = [u if w in v.sensitive else None for w, u in pairs]
    joined = _joined(words, v)
    if len(joined) != len(words):
        exact = [None] * len(joined)
    return [_word_key(w, v, e) for w, e in zip(joined, exact, strict=True)]


@functools.lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """The comparison key of a name in any script and spelling (see the module docstring)."""
    return " ".join(_keys(text, _variants()))


@functools.lru_cache(maxsize=1 << 16)
def fold_patronymic(text: str) -> tuple[str, str | None]:
    """(root key, sex) of a patronymic: Нурланович, Нұрланұлы, Nurlanuly and Nurlanovich all give
    ("nurlan", "M"); Сергеевна and Sergeiqyzy give ("serg", "F"). Anything else: (fold(text), None).
    """
    v = _variants()
    words = _joined(_raw_words(text), v)
    if len(words) == 1:
        patronymic = _patronymic(words[0], v)
        if patronymic:
            return patronymic
    return fold(text), None


def _bench(rounds: int = 50) -> tuple[float, float]:  # pragma: no cover - a measurement
    """µs per uncached and per cached call of `fold` on full names (surname, given name,
    patronymic) in Cyrillic, Latin and Armenian script."""
    import itertools
    import time

    surnames = ["Иванова", "Оганесян", "Hovhannisyan", "Лукашэнка", "Тоқаев", "Գրիգորյան"]
    given = ["Сергей", "Aliaksandr", "Нұрсұлтан", "Janna", "Yuliya", "Տիգրան", "Мікалай", "Olga"]
    fathers = ["Нурланович", "Sergeevna", "Аляксандравіч", "Nurlanuly", "Ивановна", "Petrovich"]
    names = [" ".join(p) for p in itertools.product(surnames, given, fathers)]
    fold("")
    uncached = 0.0
    for _ in range(rounds):
        fold.cache_clear()
        start = time.perf_counter()
        for name in names:
            fold(name)
        uncached += time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(rounds):
        for name in names:
            fold(name)
    cached = time.perf_counter() - start
    return uncached / rounds / len(names) * 1e6, cached / rounds / len(names) * 1e6
