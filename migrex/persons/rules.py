"""The agreement's rules on a person record, run on every person a node sends and receives: the
category is one of Art. 5, the fields are only those of the Art. 6 whitelist, each of the right
form (schema.PersonData), and the person is a citizen of a party (Art. 5: «о гражданах государств
Сторон») unless the citizenship itself is the question. Every error names the person, the field
and the article."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from migrex.agreements.profile import Profile
from migrex.core.countries import name_of
from migrex.core.errors import Invalid, MigrexError, error
from migrex.persons.schema import PersonData

# Art. 5.3: the category whose question is the citizenship itself ("сведения о принадлежности к
# гражданству"); only a record of this category may name no citizenship of a party.
CITIZENSHIP_QUESTION = "citizenship"


# The schema's own words for what an officer meets most, in Russian; the rest keep pydantic's.
_START = {"issued_on": "даты выдачи", "decided_on": "даты решения"}
_RUSSIAN = {
    "missing": lambda e: "Не заполнено.",
    "literal_error": lambda e: "Выберите значение из списка.",
    "date_before_start": lambda e: f"Дата раньше {_START.get(e['ctx']['start'], 'начальной')}.",
    "date_from_datetime_parsing": lambda e: "Неверная дата.",
    "date_parsing": lambda e: "Неверная дата.",
    "date_type": lambda e: "Неверная дата.",
    "string_too_long": lambda e: f"Не длиннее {e['ctx']['max_length']} знаков.",
}


def _russian(e) -> str:
    said = _RUSSIAN.get(e["type"])
    return said(e) if said else f"Неверное значение: {e['msg']}."


def clean_persons(
    persons: list[dict], profile: Profile, where: Callable[[int], str] = "persons[{}]".format
) -> list[dict]:
    """Validate persons against Art. 5 (category) and Art. 6 (fields); return them normalised.
    Errors name person i as `where(i)` (a dataset names the line of its file)."""
    problems: list[MigrexError] = []
    cleaned = []
    categories = profile.category_codes
    allowed = profile.field_codes
    parties = frozenset(profile.party_codes)
    for i, person in enumerate(persons):
        where_i = where(i)
        category = person.get("category")
        if category not in categories:
            problems.append(
                error(
                    "category_not_allowed",
                    f"Категория «{category}» не предусмотрена статьёй 5 (допустимы: "
                    f"{', '.join(sorted(categories))}).",
                    f"Category '{category}' is not one of Art. 5 "
                    f"({', '.join(sorted(categories))}).",
                    "5",
                    f"{where_i}.category",
                )
            )
        data = person.get("data") or {}
        outside = sorted(set(data) - allowed)
        for name in outside:
            problems.append(
                error(
                    "field_not_allowed",
                    f"Поле «{name}» не входит в перечень персональных данных статьи 6.",
                    f"Field '{name}' is not personal data that Art. 6 allows to pass.",
                    "6",
                    f"{where_i}.data.{name}",
                )
            )
        if outside:
            continue
        try:
            record = PersonData.model_validate(data)
        except ValidationError as exc:
            for e in exc.errors():
                path = ".".join(str(p) for p in e["loc"])
                problems.append(
                    error(
                        "invalid_person_field",
                        _russian(e),
                        f"Invalid value: {e['msg']}.",
                        "6",
                        f"{where_i}.data{'.' + path if path else ''}",
                    )
                )
            continue
        if category != CITIZENSHIP_QUESTION and not parties & set(record.citizenship):
            listed_ru = ", ".join(sorted(name_of(p, "ru") for p in parties))
            listed_en = ", ".join(sorted(name_of(p, "en") for p in parties))
            problems.append(
                error(
                    "citizenship_not_party",
                    f"Лицо должно быть гражданином государства Стороны ({listed_ru}); иначе "
                    "укажите категорию «сведения о принадлежности к гражданству».",
                    f"The person must be a citizen of a party ({listed_en}), "
                    "unless the category is the citizenship question (Art. 5.3).",
                    "5",
                    f"{where_i}.data.citizenship",
                )
            )
            continue
        cleaned.append(
            {"category": category, "data": record.model_dump(mode="json", exclude_defaults=True)}
        )
    if problems:
        raise Invalid(problems)
    return cleaned
