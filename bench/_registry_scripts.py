"""Spellings of the second evaluation generator: how clerks write a name in another script.

Official tables through ICU (BGN/PCGN, ISO 9985), unidecode, anyascii and the `transliterate`
package, and tables written here letter by letter as passport offices and foreign clerks apply
them: ICAO 9303, the Ukrainian and Belarusian national passport tables, Kazakhstan's 2021 Latin
alphabet (with its marks or without), German-, French- and Polish-style spellings, and "clerk"
spellings that pick, letter by letter, among the variants documents show (kh/h/x for х, ts/c/tz
for ц, y/j/i for й, ya/ia/ja for я, Armenian aspirates marked or not). Also Armenian and Latin
names as Russian-language registries write them, and typing mistakes on ЙЦУКЕН and QWERTY.
Nothing here comes from `migrex`.
"""

from __future__ import annotations

import random
import zlib
from functools import cache

import icu
from anyascii import anyascii
from transliterate import translit
from unidecode import unidecode


def _words(text: str) -> list[str]:
    return text.split()


ICAO = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўәғқңөұүһ'",
        _words(
            "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch ie y _ e iu ia i i  "
            "ie g u a g k n o u u h _"
        ),
        strict=True,
    )
)
ICAO = {k: v.replace("_", "") for k, v in ICAO.items()}


def _table(base: dict[str, str], changes: str) -> dict[str, str]:
    table = dict(base)
    for item in changes.split():
        letter, spelling = item.split("=")
        table[letter] = spelling.replace("_", "")
    return table


TABLES = {
    "icao": ICAO,
    "gost": _table(ICAO, "й=y ю=yu я=ya ё=yo ъ=_ ь=_ є=ye ї=yi"),
    "german": _table(
        ICAO, "ж=sh ш=sch ч=tsch щ=schtsch х=ch ц=z й=j я=ja ю=ju ё=jo в=w з=s ъ=_ є=je ї=ji"
    ),
    "french": _table(ICAO, "ж=j ш=ch ч=tch щ=chtch й=ï я=ia ю=iou у=ou ё=io ъ=_ ы=y ў=ou ұ=ou ү=u"),
    "polish": _table(ICAO, "ж=ż ш=sz ч=cz щ=szcz х=ch ц=c й=j я=ja ю=ju ё=jo в=w ъ=_ є=je ї=ji"),
    "uknat": _table(ICAO, "г=h и=y ї=i є=ie й=i ю=iu я=ia"),
    "bynat": _table(ICAO, "г=h е=ie ё=io й=i ю=iu я=ia"),
    "kz2021": _table(
        ICAO, "ә=ä ғ=ğ қ=q ң=ñ ө=ö ұ=ū ү=ü һ=h і=ı ж=j ш=ş ч=ç щ=şş х=h й=i ц=ts ю=iu я=ia ё=io"
    ),
}
INITIAL = {  # word-initial spellings (Ye-, Yu-, Ya-) where a table has them
    "gost": {"е": "ye", "ё": "yo"},
    "uknat": {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"},
    "bynat": {"е": "ye", "ю": "yu", "я": "ya", "ё": "yo"},
    "german": {"е": "je"},
    "polish": {"е": "je"},
}
CLERK = {  # the variants documents show, the first the commonest
    "х": "kh h x ch",
    "ц": "ts c tz z",
    "й": "y j i _",
    "я": "ya ia ja a",
    "ю": "yu iu ju u",
    "ё": "e yo io jo",
    "ж": "zh j z g",
    "ш": "sh ch sch s",
    "ч": "ch tch tsch c",
    "щ": "shch sch shh sh",
    "ы": "y i",
    "ь": "_ _ ' i",
    "ъ": "_ ' ie",
    "у": "u u ou",
    "в": "v v w",
    "г": "g g h",
    "ә": "a ae e",
    "ғ": "g gh",
    "қ": "k q",
    "ң": "n ng",
    "ө": "o oe u",
    "ұ": "u ou",
    "ү": "u ue yu",
    "һ": "h kh",
    "і": "i y",
    "є": "ye ie e",
    "ї": "yi i ji",
    "ў": "u w v",
}
ARMENIAN = dict(
    zip(
        "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆև",
        _words(
            "a b g d e z e y t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts v p k  "
            "o f ev"
        ),
        strict=True,
    )
)
ARMENIAN_CLERK = {
    "թ": "t t' th",
    "փ": "p p' ph",
    "ք": "k k' q",
    "ց": "ts ts' c tz",
    "չ": "ch ch'",
    "ճ": "ch tch j",
    "ջ": "j dj",
    "ղ": "gh g r",
    "խ": "kh x h",
    "յ": "y i j",
    "ժ": "zh j",
    "ծ": "ts tz c",
    "ը": "y e a",
    "ե": "e ye",
    "ո": "o vo",
    "հ": "h h _",
}
ARMENIAN_CYRILLIC = dict(
    zip(
        "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆև",
        _words("а б г д е з э ы т ж и л х ц к г дз г ч м й н ш о ч п дж р с в т р ц в п к о ф ев"),
        strict=True,
    )
)
LATIN_CYRILLIC = (
    ("tsch", "ч"), ("sch", "ш"), ("szcz", "щ"), ("sh", "ш"), ("ch", "ч"), ("cz", "ч"),
    ("sz", "ш"), ("rz", "ж"), ("th", "т"), ("ph", "ф"), ("ck", "к"), ("qu", "кв"), ("ee", "и"),
    ("oo", "у"), ("ou", "у"), ("ei", "ай"), ("ie", "и"), ("eu", "ой"), ("ce", "це"),
    ("ci", "ци"), ("x", "кс"), ("w", "в"), ("j", "й"), ("y", "и"), ("c", "к"), ("q", "к"),
)  # fmt: skip
LATIN_LETTERS = dict(zip("abdefghiklmnoprstuvz", "абдефгхиклмнопрстувз", strict=True))
ICU_BGN = {
    "ru": "Russian-Latin/BGN",
    "uk": "Ukrainian-Latin/BGN",
    "be": "Belarusian-Latin/BGN",
    "kk": "Kazakh-Latin/BGN",
    "hy": "Armenian-Latin/BGN",
}
SCHEMES = {  # per language: the Latin spellings a registry abroad may use
    "ru": ("bgn", "icao", "gost", "german", "french", "polish", "unidecode", "anyascii",
           "translit", "clerk"),
    "uk": ("bgn", "uknat", "icao", "gost", "polish", "anyascii", "clerk"),
    "be": ("bgn", "bynat", "icao", "gost", "polish", "anyascii", "clerk"),
    "kk": ("bgn", "icao", "kz2021", "kz2021ascii", "gost", "anyascii", "clerk"),
    "hy": ("bgn", "bgnplain", "iso", "anyascii", "translit", "clerk"),
    "lat": ("keep", "ascii"),
}  # fmt: skip


@cache
def _icu(transform: str):
    return icu.Transliterator.createInstance(transform)


def _letters(text: str, table: dict[str, str], initial: dict[str, str]) -> str:
    out = []
    for index, char in enumerate(text):
        lower = char.lower()
        if index == 0 or not text[index - 1].isalpha():
            spelling = initial.get(lower, table.get(lower, lower))
        else:
            spelling = table.get(lower, lower)
        out.append(spelling.capitalize() if char.isupper() else spelling)
    return "".join(out)


def _clerk(text: str, variants: dict[str, str], base: dict[str, str], seed: int) -> str:
    """Letter by letter, each letter one of its variants (the first one half of the time)."""
    rng = random.Random(zlib.crc32(text.encode()) * 31 + seed)
    out = []
    for char in text:
        lower = char.lower()
        options = variants.get(lower, "").split()
        if options and rng.random() >= 0.5:
            spelling = rng.choice(options).replace("_", "")
        else:
            spelling = base.get(lower, lower)
        out.append(spelling.capitalize() if char.isupper() else spelling)
    return "".join(out)


def _armenian(text: str, table: dict[str, str]) -> str:
    text = text.replace("ու", "u").replace("Ու", "U").replace("ՈՒ", "U")
    out = []
    for index, char in enumerate(text):
        lower = char.lower()
        spelling = table.get(lower, lower)
        if index == 0 and lower == "ե":
            spelling = "ye"
        elif index == 0 and lower == "ո":
            spelling = "vo"
        out.append(spelling.capitalize() if char.isupper() else spelling)
    return "".join(out)


@cache
def romanise(text: str, lang: str, scheme: str) -> str:
    """`text` (in language `lang`'s script) in Latin letters by `scheme` (one of SCHEMES[lang],
    "clerk" taking a digit after it: clerk0 … clerk7 are eight different clerks)."""
    if not text:
        return ""
    if lang == "lat":
        return unidecode(text) if scheme == "ascii" else text
    if scheme.startswith("clerk"):
        seed = int(scheme[5:] or 0)
        if lang == "hy":
            return _clerk(text.replace("ու", "u"), ARMENIAN_CLERK, ARMENIAN, seed).capitalize()
        return _clerk(text, CLERK, ICAO, seed)
    if scheme == "bgn":  # without BGN's middle dot (Bau·yrzhan), which no registry keeps
        return _icu(ICU_BGN[lang] + "; Latin-ASCII").transliterate(text).replace("·", "")
    if scheme == "bgnplain":
        return romanise(text, lang, "bgn").replace("'", "")
    if scheme == "iso":
        return _icu("Any-Latin; Latin-ASCII").transliterate(text)
    if scheme == "unidecode":
        return unidecode(text)
    if scheme == "anyascii":
        return anyascii(text)
    if scheme == "translit":
        return translit(text, "hy" if lang == "hy" else "ru", reversed=True).replace("'", "")
    if lang == "hy":
        return _armenian(text, ARMENIAN)
    if scheme == "kz2021ascii":
        return unidecode(_letters(text, TABLES["kz2021"], {}))
    return _letters(text, TABLES[scheme], INITIAL.get(scheme, {}))


@cache
def cyrillic(text: str, lang: str) -> str:
    """An Armenian or Latin name as a Russian-language registry writes it (Գրիգորյան →
    Григорян, Schneider → Шнайдер); Cyrillic names are returned as they are."""
    if lang == "hy":
        text = text.replace("յա", "я").replace("յու", "ю").replace("ու", "у").replace("Ու", "У")
        out = []
        for index, char in enumerate(text):
            lower = char.lower()
            spelling = ARMENIAN_CYRILLIC.get(lower, lower)
            if index == 0 and lower == "ո":
                spelling = "во"
            out.append(spelling.capitalize() if char.isupper() else spelling)
        return "".join(out)
    if lang == "lat":
        word = unidecode(text).lower()
        for latin, cyr in LATIN_CYRILLIC:
            word = word.replace(latin, cyr)
        word = "".join(LATIN_LETTERS.get(char, char) for char in word)
        return word[:1].upper() + word[1:]
    return text


ROWS = {
    "cyrillic": ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
    "latin": ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
}


def _neighbours(char: str) -> str:
    for rows in ROWS.values():
        for number, row in enumerate(rows):
            at = row.find(char)
            if at < 0:
                continue
            near = row[max(at - 1, 0) : at] + row[at + 1 : at + 2]
            for other in (number - 1, number + 1):
                if 0 <= other < len(rows) and at < len(rows[other]):
                    near += rows[other][at]
            return near
    return ""


def typo(text: str, rng: random.Random) -> str:
    """One typing mistake: a neighbouring key, a letter dropped or doubled, two swapped; the
    first letter kept nine times in ten, as clerks rarely get it wrong."""
    if len(text) < 3:
        return text
    start = 0 if rng.random() < 0.1 else 1
    at = rng.randrange(start, len(text) - 1)
    kind = rng.random()
    char = text[at]
    if kind < 0.4:
        near = _neighbours(char.lower())
        if near:
            new = rng.choice(near)
            return text[:at] + (new.upper() if char.isupper() else new) + text[at + 1 :]
    if kind < 0.65:
        return text[:at] + text[at + 1 :]
    if kind < 0.8:
        return text[:at] + char.lower() + text[at:]
    if at == 0:
        return text[1].upper() + text[0].lower() + text[2:]
    return text[:at] + text[at + 1] + char + text[at + 2 :]
