"""Synthetic person registries with the ground truth: `migrex synthetic --size N --out DIR`.

Two registries, A kept by one party (Kazakhstan by default) and B by the other (Belarus), hold the
same people in part (`overlap`, the share of B's records that are people also in A). People are
Russian, Kazakh, Belarusian or Armenian, with names drawn from `data/names.yaml` with Zipf
weights (the first names of a list are the common ones), a father's name for the patronymic, a
sex, a birth date between 1945 and 2007 and a place of birth.

How each registry writes a person (the conventions of its country):

- its own language's people in their own script: Kazakhstan writes a Kazakh in Kazakh Cyrillic
  (60 %) or in the Russified form (Нұрсұлтан / Нурсултан), Belarus writes a Belarusian in
  Belarusian (50 %) or in Russian (Аляксандр / Александр);
- Russians in Russian, in B 20 % with the given name in B's language where the variant data has
  it (Сергей → Сяргей); everyone else in Russian Cyrillic (Հովհաննիսյան → Ованнисян);
- a Kazakh patronymic as -ұлы / -қызы (half of the Kazakh-script records) or -ович / -овна; an
  Armenian written in Armenian script or Latin has no patronymic, as Armenian passports have none.

Then, at these rates (`RATES`), records are spelt from a foreign passport or altered:

                                                              A      B
  the whole name in Latin (a random scheme of the person's       5 %   30 %
  language, `translit.SCHEMES`; in capitals half the time)
  of those, the given name as the holder's own Latin choice     20 %   20 %
  from the variant data (Aleksandr / Alexander)
  an Armenian in Armenian script                                 0     15 %
  one typo in the surname (70 %) or the given name: a letter     1 %    6 %
  dropped, doubled, swapped with its neighbour or wrong
  a shared person's birth date wrong: day and month swapped,     0      4 %
  a day off, a wrong last digit of the year (a third each)
  patronymic missing                                             2 %    8 %
  place of birth missing                                        30 %   30 %
  a shared woman under her married surname                       0      4 %
  a shared person's passport number the same in both            25 %   25 %
  a shared person recorded as a citizen of B (dual)              -     30 %

Personal numbers are valid: a Kazakhstan IIN for citizens of Kazakhstan, a Belarus
identification number for citizens of Belarus (from the birth date and sex as the registry has
them). Document numbers follow each country's passport format.

`generate` is vectorised (numpy): names are rendered once per distinct (name, form) and typos
touch only the altered rows; 1,000,000 + 1,000,000 records take about 20 s.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from migrex.persons import translit

NAMES_PATH = Path(__file__).parent / "data" / "names.yaml"
COLUMNS = (
    "record_id",
    "surname",
    "first_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_place",
    "citizenship",
    "document_number",
    "personal_number",
)
LANGUAGES = ("ru", "kk", "be", "hy")
HOME = {"KAZ": "kk", "BLR": "be", "ARM": "hy", "RUS": "ru"}
CITIZENSHIP = {"ru": "RUS", "kk": "KAZ", "be": "BLR", "hy": "ARM"}
PASSPORT = {"KAZ": ("N", 8), "BLR": ("MP", 7), "ARM": ("AR", 7), "RUS": ("", 9)}

# People by language: those only in A (a Kazakh registry), only in B, and in both (migrants).
MIX = {
    "a": {"home": 0.6, "ru": 0.3, "other": 0.1},
    "b": {"home": 0.7, "ru": 0.25, "other": 0.05},
    "shared": {"ru": 0.35, "kk": 0.3, "be": 0.25, "hy": 0.1},
}
RATES = {
    "a": {"latin": 0.05, "typo": 0.01, "no_patronymic": 0.02, "no_place": 0.3},
    "b": {"latin": 0.3, "typo": 0.06, "no_patronymic": 0.08, "no_place": 0.3},
    "own_latin": 0.2,  # of Latin records: the given name as the holder's own choice
    "upper": 0.5,  # of Latin records: in capitals, as in the zone of a passport
    "armenian_script": 0.15,  # an Armenian in B, written in Armenian script
    "neighbour": 0.2,  # a Russian in B, the given name in B's language
    "home_native": {"kk": 0.6, "be": 0.5, "hy": 1.0, "ru": 1.0},
    "date_error": 0.04,  # a shared person's birth date in B
    "marriage": 0.04,  # a shared woman's surname in B
    "same_passport": 0.25,  # a shared person's passport number in both registries
    "dual": 0.3,  # a shared person recorded in B as B's citizen
}

# Forms a name is written in: its own script; Russian Cyrillic; Russian with the given name in
# the registry's language (Сяргей); Latin with the holder's own given name (Alexander); Latin by
# a scheme of the language (LATIN + 2k for the k-th scheme, + 1 in capitals).
NATIVE, RUSSIAN, NEIGHBOUR, OWN_LATIN, LATIN = range(5)
_KK_RUSSIFIED = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")


@dataclass(frozen=True)
class _Language:
    code: str
    male: tuple[tuple[str, str], ...]  # (native form, Russian form)
    female: tuple[tuple[str, str], ...]
    surnames: tuple[tuple[str, str], ...]
    places: tuple[tuple[str, str], ...]
    schemes: tuple[str, ...]


def _pairs(code: str, values: list[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for value in dict.fromkeys(values):
        native, _, russian = value.partition("|")
        if not russian:
            russian = native.translate(_KK_RUSSIFIED) if code == "kk" else native
            russian = translit.cyrillic(russian)
        out.append((native, russian))
    return tuple(out)


@functools.cache
def _languages() -> dict[str, _Language]:
    data = yaml.safe_load(NAMES_PATH.read_text(encoding="utf-8"))
    languages = {}
    for code in LANGUAGES:
        names = data[code]
        surnames = list(names["surnames"])
        if code == "hy":  # Armenian surnames are patronymic: Արմենյան, Տիգրանյան
            surnames += [male + "յան" for male in names["male"] if male[-1] not in "եաի"]
        languages[code] = _Language(
            code,
            _pairs(code, names["male"]),
            _pairs(code, names["female"]),
            _pairs(code, surnames),
            _pairs(code, data["places"][code]),
            tuple(s.name for s in translit.schemes_for(code)),
        )
    return languages


# --- word forms -----------------------------------------------------------------------------


def _female_surname(surname: str, code: str) -> str:
    low = surname.lower()
    if code == "hy" or low.endswith(("ых", "их", "ко", "ка", "ук", "юк", "ич", "іч")):
        return surname
    if code == "be" and low.endswith("ў"):
        return surname[:-1] + "ва"
    for male, female in (("ский", "ская"), ("цкий", "цкая"), ("скі", "ская"), ("цкі", "цкая")):
        if low.endswith(male):
            return surname[: -len(male)] + female
    if low.endswith("ой"):
        return surname[:-2] + "ая"
    if low.endswith(("ов", "ев", "ёв", "ин", "ын", "аў", "оў", "еў")):
        return surname + "а"
    return surname


def _russian_patronymic(father: str, female: bool) -> str:
    """Иван → Иванович / Ивановна, Сергей → Сергеевич, Игорь → Игоревич, Илья → Ильич."""
    father = {"Пётр": "Петр", "Павел": "Павл", "Лев": "Льв"}.get(father, father)
    low = father.lower()
    if low.endswith("ий"):  # Дмитрий → Дмитриевич after two consonants, Юрий → Юрьевич
        soft = "и" if low[-3] not in "аеёиоуыэюя" and low[-4] not in "аеёиоуыэюя" else "ь"
        stem, male, fem = father[:-2] + soft, "евич", "евна"
    elif low.endswith(("й", "ь")):
        stem, male, fem = father[:-1], "евич", "евна"
    elif low.endswith(("а", "я")):
        stem, male, fem = father[:-1], "ич", "ична"
    else:
        stem, male, fem = father, "ович", "овна"
    return stem + (fem if female else male)


def _belarusian_patronymic(father: str, female: bool) -> str:
    """Аляксандр → Аляксандравіч / Аляксандраўна, Андрэй → Андрэевіч, Юрый → Юрыевіч."""
    father = {"Пётр": "Пятр", "Павел": "Паўл"}.get(father, father)
    low = father.lower()
    if low.endswith(("й", "ь")):
        stem, male, fem = father[:-1], "евіч", "еўна"
    elif low.endswith(("а", "я")):
        stem, male, fem = father[:-1], "ыч", "ічна"
    else:
        stem, male, fem = father, "авіч", "аўна"
    return stem + (fem if female else male)


@functools.cache
def _neighbour(name: str, language: str) -> str | None:
    """The form of a name in another language, from the variant data (Сергей → Сяргей)."""
    for group in _groups().get(name, ()):
        for member in group:
            if member != name and translit.detect(member).language == language:
                return member
    return None


@functools.cache
def _groups() -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for group in translit.variant_groups():
        for member in group:
            out.setdefault(member.lstrip("="), []).append(tuple(m.lstrip("=") for m in group))
    return out


@functools.cache
def _own_latin(name: str) -> str | None:
    """A Latin spelling of the name the holder may have chosen (Alexander for Александр)."""
    options = [m for group in _groups().get(name, ()) for m in group if m.isascii() and m.isalpha()]
    return options[len(name) % len(options)] if options else None


def _latin(text: str, scheme: str, upper: bool) -> str:
    out = translit.latin(text, scheme)
    return out.upper() if upper else out


@functools.cache
def _render(kind: str, code: str, index: int, female: bool, form: int, home: str) -> str | None:
    """One field (surname, given, patronymic or place) of one name in one form."""
    language = _languages()[code]
    if kind == "patronymic":
        father, father_ru = language.male[index]
        russian = _russian_patronymic(father_ru, female)
        native = {
            "kk": father + ("қызы" if female else "ұлы"),  # Нұрланұлы, Серікқызы
            "be": _belarusian_patronymic(father, female),
            "hy": None,  # Armenian documents have no patronymic
        }.get(code, russian)
    else:
        table = {"surname": language.surnames, "place": language.places}.get(kind)
        native, russian = (table or (language.female if female else language.male))[index]
        if kind == "surname" and female:
            native, russian = _female_surname(native, code), _female_surname(russian, "ru")
    if form == NATIVE:
        return native
    if form == RUSSIAN:
        return russian
    if form == NEIGHBOUR:
        return (_neighbour(russian, home) if kind == "given" else None) or russian
    if native is None:
        return None
    if form == OWN_LATIN:
        own = _own_latin(russian) if kind == "given" else None
        return own or translit.latin(native, language.schemes[0])
    variant = form - LATIN
    spelt = translit.latin(native, language.schemes[variant // 2 % len(language.schemes)])
    return spelt.upper() if variant % 2 else spelt


# --- registries -----------------------------------------------------------------------------


def _zipf(rng: np.random.Generator, size: int, count: int, exponent: float = 1.0) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1) ** exponent
    return rng.choice(size, count, p=weights / weights.sum())


@dataclass
class _People:
    language: np.ndarray  # index into LANGUAGES
    female: np.ndarray  # bool
    surname: np.ndarray
    given: np.ndarray
    father: np.ndarray
    place: np.ndarray
    born: np.ndarray  # datetime64[D]

    def take(self, rows: np.ndarray) -> _People:
        return _People(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))

    def __len__(self) -> int:
        return len(self.language)


def _people(rng: np.random.Generator, count: int, shares: dict[str, float]) -> _People:
    codes = list(shares)
    language = rng.choice([LANGUAGES.index(c) for c in codes], count, p=list(shares.values()))
    female = rng.random(count) < 0.5
    surname, given, father, place = (np.zeros(count, dtype=np.int64) for _ in range(4))
    for number, code in enumerate(LANGUAGES):
        rows = np.flatnonzero(language == number)
        if not len(rows):
            continue
        spec = _languages()[code]
        surname[rows] = _zipf(rng, len(spec.surnames), len(rows), 0.9)
        father[rows] = _zipf(rng, len(spec.male), len(rows))
        place[rows] = _zipf(rng, len(spec.places), len(rows))
        women = rows[female[rows]]
        men = rows[~female[rows]]
        given[women] = _zipf(rng, len(spec.female), len(women))
        given[men] = _zipf(rng, len(spec.male), len(men))
    start, end = np.datetime64("1945-01-01"), np.datetime64("2007-12-31")
    born = start + rng.integers(0, (end - start).astype(int) + 1, count).astype("timedelta64[D]")
    return _People(language, female, surname, given, father, place, born)


def _mix(side: str, home: str) -> dict[str, float]:
    shares = MIX[side]
    if side == "shared":
        return shares
    others = [c for c in LANGUAGES if c not in (home, "ru")]
    out = (
        {home: shares["home"], "ru": shares["ru"]}
        if home != "ru"
        else {"ru": 1.0 - shares["other"]}
    )
    for code in others:
        out[code] = out.get(code, 0.0) + shares["other"] / len(others)
    return out


def _forms(rng: np.random.Generator, people: _People, home: str, side: str) -> np.ndarray:
    """The form each record's names are written in, by the registry's country conventions."""
    n = len(people)
    code = np.array(LANGUAGES)[people.language]
    forms = np.full(n, RUSSIAN)
    roll = rng.random(n)
    native_share = np.array([RATES["home_native"][c] for c in LANGUAGES])[people.language]
    forms[(code == home) & (roll < native_share)] = NATIVE
    if side == "b":
        forms[(code == "ru") & (code != home) & (roll < RATES["neighbour"])] = NEIGHBOUR
        forms[(code == "hy") & (rng.random(n) < RATES["armenian_script"])] = NATIVE
    latin = rng.random(n) < RATES[side]["latin"]
    variants = rng.integers(0, 10, n) * 2 + (rng.random(n) < RATES["upper"])
    forms[latin] = LATIN + variants[latin]
    forms[latin & (rng.random(n) < RATES["own_latin"])] = OWN_LATIN
    return forms


def _column(kind: str, people: _People, index: np.ndarray, forms: np.ndarray, home: str):
    """Render a field for every record, once per distinct (language, name, sex, form)."""
    key = ((people.language.astype(np.int64) * 1000 + index) * 2 + people.female) * 64 + forms
    unique, inverse = np.unique(key, return_inverse=True)
    values = np.empty(len(unique), dtype=object)
    for number, k in enumerate(unique.tolist()):
        form, rest = k % 64, k // 64
        female, rest = rest % 2, rest // 2
        code, name = LANGUAGES[rest // 1000], rest % 1000
        values[number] = _render(kind, code, name, bool(female), form, home)
    return values[inverse]


_ALPHABETS = {
    "latin": "abcdefghijklmnoprstuvyz",
    "cyrillic": "абвгдежзиклмнопрстуфхцшыя",
}


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 3:
        return word
    at = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return word[:at] + word[at + 1 :]
    if kind == 1:
        return word[:at] + word[at] + word[at:]
    if kind == 2:
        return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    letters = _ALPHABETS["latin" if word.isascii() else "cyrillic"]
    letter = letters[int(rng.integers(0, len(letters)))]
    return word[:at] + (letter.upper() if word[at].isupper() else letter) + word[at + 1 :]


def _date_errors(rng: np.random.Generator, born: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Day and month swapped (where that is another date), a day off, or a wrong year digit."""
    born = born.copy()
    for row in rows.tolist():
        day = born[row].astype(object)
        kind = int(rng.integers(0, 3))
        if kind == 0 and day.day <= 12 and day.day != day.month:
            new = day.replace(month=day.day, day=day.month)
        elif kind == 2:
            digit = int(rng.choice([d for d in range(10) if d != day.year % 10]))
            year = day.year - day.year % 10 + digit
            new = day.replace(year=year, day=min(day.day, 28) if day.month == 2 else day.day)
        else:
            new = day + np.timedelta64(int(rng.choice([-1, 1])), "D").astype(object)
        born[row] = np.datetime64(new, "D")
    return born


def _iin(rng: np.random.Generator, born: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Kazakhstan IINs: YYMMDD, the century-and-sex digit, a serial, the check digit."""
    parts = pd.DatetimeIndex(born)
    digits = np.zeros((len(born), 12), dtype=np.int64)
    for at, value in enumerate((parts.year % 100, parts.month, parts.day)):
        digits[:, 2 * at] = np.asarray(value) // 10
        digits[:, 2 * at + 1] = np.asarray(value) % 10
    digits[:, 6] = np.where(np.asarray(parts.year) >= 2000, 5, 3) + female
    serial = rng.integers(0, 10_000, len(born))
    pending = np.ones(len(born), dtype=bool)
    while pending.any():
        for at in range(4):
            digits[pending, 7 + at] = serial[pending] // 10 ** (3 - at) % 10
        first = digits[:, :11] @ np.arange(1, 12) % 11
        second = digits[:, :11] @ np.array([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) % 11
        digits[:, 11] = np.where(first != 10, first, second)
        pending = (first == 10) & (second == 10)  # no valid check digit: take the next serial
        serial = (serial + 1) % 10_000
    return _strings(digits + ord("0"))


def _belarus_id(rng: np.random.Generator, born: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Belarus identification numbers: century and sex, DDMMYY, region, serial, PB, check."""
    parts = pd.DatetimeIndex(born)
    codes = np.zeros((len(born), 14), dtype=np.int64)
    codes[:, 0] = np.where(np.asarray(parts.year) >= 2000, 5, 3) + female + ord("0")
    for at, value in enumerate((parts.day, parts.month, parts.year % 100)):
        codes[:, 1 + 2 * at] = np.asarray(value) // 10 + ord("0")
        codes[:, 2 + 2 * at] = np.asarray(value) % 10 + ord("0")
    codes[:, 7] = np.frombuffer(b"ABCEHKM", dtype=np.uint8)[rng.integers(0, 7, len(born))]
    serial = rng.integers(0, 1000, len(born))
    for at in range(3):
        codes[:, 8 + at] = serial // 10 ** (2 - at) % 10 + ord("0")
    codes[:, 11], codes[:, 12] = ord("P"), ord("B")
    values = np.where(codes[:, :13] >= ord("A"), codes[:, :13] - ord("A") + 10, codes[:, :13] - 48)
    codes[:, 13] = values @ np.resize([7, 3, 1], 13) % 10 + ord("0")
    return _strings(codes)


def _strings(codes: np.ndarray) -> np.ndarray:
    width = codes.shape[1]
    return codes.astype(np.uint8).view(f"S{width}").ravel().astype(f"U{width}").astype(object)


def _passports(rng: np.random.Generator, citizenship: np.ndarray) -> np.ndarray:
    out = np.empty(len(citizenship), dtype=object)
    for country, (prefix, digits) in PASSPORT.items():
        rows = np.flatnonzero(citizenship == country)
        numbers = rng.integers(0, 10**digits, len(rows))
        out[rows] = [f"{prefix}{n:0{digits}d}" for n in numbers.tolist()]
    return out


def _registry(
    rng: np.random.Generator,
    people: _People,
    side: str,
    country: str,
    citizenship: np.ndarray,
) -> pd.DataFrame:
    rates = RATES[side]
    home = HOME.get(country, "ru")
    n = len(people)
    forms = _forms(rng, people, home, side)
    columns = {
        "surname": _column("surname", people, people.surname, forms, home),
        "first_name": _column("given", people, people.given, forms, home),
        "patronymic": _column("patronymic", people, people.father, forms, home),
        "birth_place": _column("place", people, people.place, forms, home),
    }
    columns["patronymic"][rng.random(n) < rates["no_patronymic"]] = None
    columns["birth_place"][rng.random(n) < rates["no_place"]] = None
    typos = np.flatnonzero(rng.random(n) < rates["typo"])
    in_surname = rng.random(len(typos)) < 0.7
    for row, surname in zip(typos.tolist(), in_surname.tolist(), strict=True):
        field = "surname" if surname else "first_name"
        columns[field][row] = _typo(rng, columns[field][row])
    own = citizenship == country
    personal = np.full(n, None, dtype=object)
    number = _iin if country == "KAZ" else _belarus_id if country == "BLR" else None
    if number is not None and own.any():
        personal[own] = number(rng, people.born[own], people.female[own])
    return pd.DataFrame(
        {
            **{k: columns[k] for k in ("surname", "first_name", "patronymic")},
            "sex": np.where(people.female, "F", "M"),
            "birth_date": np.datetime_as_string(people.born, unit="D").astype(object),
            "birth_place": columns["birth_place"],
            "citizenship": citizenship,
            "document_number": _passports(rng, citizenship),
            "personal_number": personal,
        }
    )


def generate(
    size: int,
    *,
    seed: int = 0,
    overlap: float = 0.5,
    a_country: str = "KAZ",
    b_country: str = "BLR",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Registries A and B of `size` records each and the truth (`record_id_a, record_id_b`):
    round(size * overlap) people are in both."""
    if size < 1 or not 0 <= overlap <= 1:
        raise ValueError("size must be positive and overlap between 0 and 1")
    rng = np.random.default_rng(seed)
    shared = round(size * overlap)
    a_home, b_home = HOME.get(a_country, "ru"), HOME.get(b_country, "ru")
    both = _people(rng, shared, MIX["shared"])
    only_a = _people(rng, size - shared, _mix("a", a_home))
    only_b = _people(rng, size - shared, _mix("b", b_home))

    def concat(x: _People, y: _People) -> _People:
        return _People(
            *(np.concatenate([getattr(x, f), getattr(y, f)]) for f in x.__dataclass_fields__)
        )

    def citizens(people: _People, country: str, foreign: float) -> np.ndarray:
        theirs = np.array([CITIZENSHIP[c] for c in LANGUAGES])[people.language]
        return np.where(rng.random(len(people)) < foreign, theirs, country).astype(object)

    a_people, b_people = concat(both, only_a), concat(both, only_b)
    a_citizenship = np.concatenate(
        [citizens(both, a_country, 0.4), citizens(only_a, a_country, 0.3)]
    )
    b_citizenship = np.concatenate(
        [
            np.where(rng.random(shared) < RATES["dual"], b_country, a_citizenship[:shared]),
            citizens(only_b, b_country, 0.3),
        ]
    ).astype(object)
    # What B's registry records differently about the shared people.
    married = np.flatnonzero(both.female & (rng.random(shared) < RATES["marriage"]))
    for number, code in enumerate(LANGUAGES):
        rows = married[both.language[married] == number]
        count = len(_languages()[code].surnames)
        b_people.surname[rows] = (
            b_people.surname[rows] + rng.integers(1, count, len(rows))
        ) % count
    wrong_dates = np.flatnonzero(rng.random(shared) < RATES["date_error"])
    b_people.born = _date_errors(rng, b_people.born, wrong_dates)

    a = _registry(rng, a_people, "a", a_country, a_citizenship)
    b = _registry(rng, b_people, "b", b_country, b_citizenship)
    same = np.flatnonzero(rng.random(shared) < RATES["same_passport"])
    b.loc[same, "document_number"] = a.loc[same, "document_number"].to_numpy()
    # Identifiers in random order, so that neither they nor the order of the rows tell anything.
    for frame, prefix in ((a, "A"), (b, "B")):
        frame.insert(0, "record_id", [f"{prefix}{i:07d}" for i in rng.permutation(size) + 1])
    truth = pd.DataFrame(
        {"record_id_a": a["record_id"][:shared], "record_id_b": b["record_id"][:shared]}
    )
    a, b = (frame.sort_values("record_id", ignore_index=True) for frame in (a, b))
    return a, b, truth.sort_values("record_id_a", ignore_index=True)


def write(
    folder: Path, a: pd.DataFrame, b: pd.DataFrame, truth: pd.DataFrame, format: str = "csv"
) -> list[Path]:
    """a.<format>, b.<format> and truth.<format> in `folder` (csv or parquet)."""
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be csv or parquet, not {format!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in (("a", a), ("b", b), ("truth", truth)):
        path = folder / f"{name}.{format}"
        if format == "csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="migrex synthetic",
        description="Синтетические реестры лиц / synthetic person registries with the truth",
    )
    parser.add_argument("--size", type=int, default=10_000, help="records in each registry")
    parser.add_argument("--out", type=Path, required=True, help="a folder for a, b and truth")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--overlap", type=float, default=0.5, help="share of people in both")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    args = parser.parse_args(argv)
    if args.size < 1 or not 0 <= args.overlap <= 1:
        parser.error("--size must be positive and --overlap between 0 and 1")
    started = time.perf_counter()
    print(f"генерация / generating 2 × {args.size:,} records", file=sys.stderr, flush=True)
    a, b, truth = generate(args.size, seed=args.seed, overlap=args.overlap)
    print(
        f"[{time.perf_counter() - started:.1f} s] запись / writing {args.out}",
        file=sys.stderr,
        flush=True,
    )
    for path in write(args.out, a, b, truth, args.format):
        print(path, file=sys.stderr)
    print(f"[{time.perf_counter() - started:.1f} s] готово / done", file=sys.stderr)
    return 0
