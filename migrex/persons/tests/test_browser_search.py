"""Person search in a real browser: an officer types a Latin spelling and finds the Cyrillic and
Armenian-script records, ranked, with the fields that agree."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from migrex.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "fast_expect"),
]


def test_an_officer_finds_a_person_by_a_latin_spelling(page, officers, held):
    log_in(page, "by-operator")
    page.get_by_role("link", name="Поиск лица").click()
    page.get_by_label("Фамилия").fill("HOVHANNISYAN")
    page.get_by_label("Дата рождения").fill("1962-07-19")
    page.get_by_role("button", name="Найти").click()
    rows = page.locator("#candidates tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Карен")
    expect(rows.first).to_contain_text("дата рождения: совпадает")
    expect(rows.nth(1)).to_contain_text("дата рождения: расходится")
    page.shot("45-person-search")

    page.get_by_label("Фамилия").fill("")
    page.get_by_label("Дата рождения").fill("")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_role("alert")).to_contain_text("Укажите фамилию, имя")
