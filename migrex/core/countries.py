"""Countries by name: the ISO 3166-1 list with the Russian names pycountry ships (its translations
of the ISO names), a lookup that takes what an officer types («Казахстан», «Kazakhstan», «KZ»,
«KAZ») and gives the alpha-2 code the records store (persons/schema.py), and the form field and
widget every form that asks for a country uses (a text input with a list of names to pick from).

Pages show the name (`name_of`, the template filter `country`), never the code.
"""

from __future__ import annotations

import gettext
import re
from functools import cache

import pycountry
from django import forms
from django.utils.translation import gettext_lazy as _

from migrex.core.forms import english

# Names officers write that the ISO list spells otherwise; and the one Russian ISO name that
# reads wrong on a page («Соединённые штаты»).
ALIASES = {
    "белоруссия": "BY",
    "республика беларусь": "BY",
    "республика казахстан": "KZ",
    "киргизия": "KG",
    "кыргызстан": "KG",
    "россия": "RU",
    "сша": "US",
    "великобритания": "GB",
    "молдавия": "MD",
    "южная корея": "KR",
    "северная корея": "KP",
}
RU_NAMES = {"US": "Соединённые Штаты Америки"}
# Several countries in one field: "Казахстан; Армения" (a comma too, unless it is in a name).
SEPARATORS = re.compile(r"[;\n]+")


@cache
def _russian() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"], fallback=True)


def _key(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


@cache
def names() -> tuple[tuple[str, str, str], ...]:
    """(alpha-2, Russian name, English name) of every ISO 3166-1 country, by Russian name."""
    ru = _russian()
    rows = [
        (c.alpha_2, RU_NAMES.get(c.alpha_2) or ru.gettext(c.name), c.name)
        for c in pycountry.countries
    ]
    return tuple(sorted(rows, key=lambda row: _key(row[1])))


@cache
def _index() -> dict[str, str]:
    """Every spelling we accept, normalised, to its alpha-2 code."""
    ru = _russian()
    index: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (
            c.name,
            getattr(c, "common_name", None),
            getattr(c, "official_name", None),
        ):
            if name:
                index.setdefault(_key(name), c.alpha_2)
                index.setdefault(_key(ru.gettext(name)), c.alpha_2)
        index.setdefault(_key(c.alpha_3), c.alpha_2)
        index[_key(c.alpha_2)] = c.alpha_2
    for alias, code in ALIASES.items():
        index.setdefault(alias, code)
    for code, name in RU_NAMES.items():
        index.setdefault(_key(name), code)
    return index


def code_of(text: str) -> str | None:
    """The alpha-2 code of a country named or coded as `text`, or None."""
    return _index().get(_key(text or ""))


def name_of(code: str | None, language: str | None = None) -> str:
    """The country's name in `language` ("ru" or "en"; by default the active language); an
    unknown code as it is."""
    if not code:
        return ""
    found = pycountry.countries.get(alpha_2=str(code).upper())
    if found is None:
        return str(code)
    if (language or ("en" if english() else "ru")) == "en":
        return found.name
    return RU_NAMES.get(found.alpha_2) or _russian().gettext(found.name)


def names_of(codes) -> str:
    return "; ".join(name_of(c) for c in codes or [])


def parse(text: str) -> tuple[list[str], list[str]]:
    """The codes of the countries in `text` and the parts that name none. Parts are split on
    «;» or new lines; a part that is not a name is split on commas too ("AM, KZ")."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in (p.strip() for p in SEPARATORS.split(text or "")):
        if not part:
            continue
        pieces = [part] if code_of(part) else [p.strip() for p in part.split(",") if p.strip()]
        for piece in pieces:
            code = code_of(piece)
            if code is None:
                unknown.append(piece)
            elif code not in codes:
                codes.append(code)
    return codes, unknown


class CountryInput(forms.TextInput):
    """A text input offering the country names of the active language as a list (<datalist>);
    works without script and on phones, where the list shows as suggestions."""

    template_name = "core/widgets/country.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return names_of(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id') or name}-countries"
        widget["attrs"]["list"] = list_id
        widget["list_id"] = list_id
        widget["countries"] = [en if english() else ru for _code, ru, en in names()]
        return context


class CountriesField(forms.Field):
    """One or several countries (`multiple`), typed by name or by ISO code; cleans to a list of
    alpha-2 codes. The ISO code is what the record stores and the API takes (persons/schema.py)."""

    widget = CountryInput
    default_error_messages = {
        "unknown": _("«%(names)s»: no such country; choose a name from the list."),
        "one": _("Give one country."),
    }

    def __init__(self, *, multiple: bool = True, **kwargs):
        self.multiple = multiple
        if multiple:
            kwargs.setdefault("help_text", _("Choose from the list; several: separated by «;»"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return names_of(value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            value = "; ".join(str(v) for v in value)
        codes, unknown = parse(str(value or ""))
        if unknown:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"names": ", ".join(unknown)}
            )
        if not self.multiple and len(codes) > 1:
            raise forms.ValidationError(self.error_messages["one"], code="one")
        return codes

    def validate(self, value) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
