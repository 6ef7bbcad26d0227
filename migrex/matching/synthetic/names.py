"""The names of the synthetic registries: the languages' name lists of `data/names.yaml` and each
name rendered in one form (its own script, Russian, the neighbour's language, Latin)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from migrex.matching import translit

NAMES_PATH = Path(__file__).parents[1] / "data" / "names.yaml"
LANGUAGES = ("ru", "kk", "be", "hy")

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
