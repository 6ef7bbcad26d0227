"""The country picker: countries typed by their Russian (or English) name or ISO code, the ISO
alpha-2 code stored; a name that is no country refused with a message saying which; names, not
codes, shown (core/countries.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from migrex.core import countries
from migrex.core.countries import CountriesField


class OneForm(forms.Form):
    citizenship = CountriesField(label="Гражданство", required=False)
    birth_country = CountriesField(label="Страна рождения", required=False, multiple=False)


@pytest.fixture(autouse=True)
def russian():
    with translation.override("ru"):
        yield


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("Казахстан", ["KZ"]),
        ("  казахстан ", ["KZ"]),
        ("Беларусь; Армения", ["BY", "AM"]),
        ("Белоруссия", ["BY"]),
        ("Kazakhstan", ["KZ"]),
        ("KZ", ["KZ"]),
        ("kaz", ["KZ"]),  # alpha-3, as the API accepts (matching/validators.country)
        ("AM, KZ", ["AM", "KZ"]),
        ("Бонайре, Синт-Эстатиус и Саба", ["BQ"]),  # a comma inside a name is not a separator
        ("Российская Федерация; Россия", ["RU"]),
        ("Республика Корея", ["KR"]),
        ("", []),
    ],
)
def test_a_country_is_typed_by_name_or_code_and_stored_as_its_iso_code(typed, codes):
    form = OneForm({"citizenship": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["citizenship"] == codes


def test_a_name_that_is_no_country_is_refused_with_the_name():
    form = OneForm({"citizenship": "Казахстан; Нарния"})
    assert not form.is_valid()
    assert form.errors["citizenship"] == [
        "«Нарния»: такой страны нет; выберите название из списка."
    ]


def test_a_single_country_field_takes_one():
    form = OneForm({"birth_country": "Казахстан; Армения"})
    assert not form.is_valid()
    assert form.errors["birth_country"] == ["Укажите одну страну."]


def test_the_widget_shows_names_and_offers_the_list_in_russian():
    html = str(OneForm(initial={"citizenship": ["KZ", "AM"]})["citizenship"])
    assert 'value="Казахстан; Армения"' in html
    assert 'list="id_citizenship-countries"' in html
    assert '<datalist id="id_citizenship-countries">' in html
    assert '<option value="Беларусь">' in html and '<option value="Казахстан">' in html
    assert ">KZ<" not in html and '"KZ"' not in html


def test_names_are_shown_in_the_active_language():
    assert countries.name_of("KZ") == "Казахстан"
    assert countries.name_of("US") == "Соединённые Штаты Америки"
    assert countries.names_of(["AM", "KZ"]) == "Армения; Казахстан"
    assert countries.name_of("XX") == "XX"  # an unknown code is shown as it came
    with translation.override("en"):
        assert countries.name_of("BY") == "Belarus"


def test_every_iso_country_has_a_russian_name():
    rows = countries.names()
    assert len(rows) == len({code for code, _ru, _en in rows}) >= 249
    assert [code for code, ru, _en in rows if ru.isascii()] == []  # each in Cyrillic
