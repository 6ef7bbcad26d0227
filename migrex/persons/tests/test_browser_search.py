"""Person search in a real browser: an officer types a Latin spelling and finds the Cyrillic and
Armenian-script records, ranked, with the fields that agree and why each is shown; the results
fit a phone-sized screen (390 px) as they do a wide one."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
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
    page.get_by_label("Дата рождения").fill("19.07.1962")
    page.get_by_role("button", name="Найти").click()
    rows = page.locator("#candidates tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Карен")
    expect(rows.first).to_contain_text("дата рождения: совпадает")
    expect(rows.nth(1)).to_contain_text("дата рождения: расходится")
    because = rows.first.locator("td.because-dataset a")
    with translation.override("ru"):
        said = _("by dataset No. %(id)s «%(title)s» received by your authority")
    expect(because).to_have_text(said % {"id": held.pk, "title": held.title})  # what it came for
    expect(because).to_have_attribute("href", f"/datasets/{held.pk}/")
    page.shot("45-person-search")

    page.set_viewport_size({"width": 390, "height": 844})
    expect(because).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_label("Фамилия").fill("")
    page.get_by_label("Дата рождения").fill("")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_role("alert")).to_contain_text("Укажите фамилию, имя")
