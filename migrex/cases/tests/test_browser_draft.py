"""The draft form on a phone-sized screen (390 px) in a real browser: an officer picks the
citizenship by its Russian name, types dates as 14.03.1985, enters a residence permit and an
entry ban (Art. 6), and saves; the fields stack, nothing scrolls sideways, and the case page shows
it all in Russian. The information without a request reads as such (Art. 8)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from migrex.cases.models import Case
from migrex.cases.tests.browser_steps import BY_MVD, choose
from migrex.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "fast_expect"),
]

WIDTH = 390


def fits(page: Page) -> None:
    """Nothing is wider than the screen: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, width


def test_a_draft_with_a_residence_permit_and_an_entry_ban_on_a_narrow_screen(page, officers):
    page.set_viewport_size({"width": WIDTH, "height": 844})
    log_in(page, officers["kz_operator"].username)
    page.goto("/cases/new/")
    expect(page.get_by_role("heading", name=re.compile("^Новый запрос"))).to_be_visible()
    fits(page)

    choose(page.get_by_label("Запрашиваемый орган"), BY_MVD)
    page.get_by_label("Краткое изложение существа запроса").fill("Проверка разрешения")
    page.get_by_label("Цель запроса").fill("Установление законности проживания")
    page.get_by_label("Обоснование запроса").fill("Материалы проверки № 18/2026")
    choose(page.get_by_label("Категория лица"), "Получившие разрешение")
    page.get_by_label("Фамилия (кириллица)").fill("Сулейменов")
    page.get_by_label("Имя (кириллица)").fill("Ерлан")
    choose(page.get_by_label(re.compile("^Пол ")), "мужской")
    page.get_by_label("Дата рождения").fill("14.03.1985")
    citizenship = page.get_by_label("Гражданство")
    expect(citizenship).to_have_attribute("list", re.compile("-countries$"))
    citizenship.fill("Казахстан")

    page.get_by_text("Другие сведения по статье 6").click()
    choose(page.get_by_label(re.compile("^Вид разрешения на проживание")), "временное")
    page.get_by_label("Номер разрешения").fill("ВНЖ-77")
    page.get_by_label("Дата выдачи разрешения").fill("01.02.2021")
    page.get_by_label("Разрешение действительно до").fill("31.01.2026")
    page.get_by_label("Дата решения о запрете на въезд").fill("14.03.2024")
    page.get_by_label("Запрет на въезд действует до").fill("14.03.2029")
    fits(page)
    # Fields stack: the permit's number sits under its kind, not beside it.
    kind = page.get_by_label(re.compile("^Вид разрешения на проживание")).bounding_box()
    number = page.get_by_label("Номер разрешения").bounding_box()
    assert number["y"] > kind["y"] + kind["height"] and abs(number["x"] - kind["x"]) < 2
    page.shot("draft-01-narrow-art6-form")

    page.get_by_role("button", name="Сохранить проект").click()
    expect(page.get_by_role("status")).to_have_text("Проект сохранён.")
    data = Case.objects.get().persons.get().data
    assert data["citizenship"] == ["KZ"] and data["birth_date"] == "1985-03-14"
    assert data["residence_permit"][0]["kind"] == "temporary"
    assert data["entry_ban"] == [{"decided_on": "2024-03-14", "until": "2029-03-14"}]
    persons = page.locator(".persons-table")
    expect(persons).to_contain_text("Казахстан")
    expect(persons).to_contain_text("мужской")
    expect(persons).to_contain_text("14.03.1985")
    expect(persons).to_contain_text("Разрешение на проживание: временное, № ВНЖ-77")
    expect(persons).to_contain_text("Запрет на въезд: решение от 14.03.2024, до 14.03.2029")
    expect(persons).not_to_contain_text("1985-03-14")
    fits(page)
    page.shot("draft-02-narrow-persons-table")


def test_a_country_that_does_not_exist_is_named_in_the_error(page, officers):
    page.set_viewport_size({"width": WIDTH, "height": 844})
    log_in(page, officers["kz_operator"].username)
    page.goto("/cases/new/")
    page.get_by_label("Фамилия (кириллица)").fill("Сулейменов")
    page.get_by_label("Гражданство").fill("Нарния")
    page.get_by_role("button", name="Сохранить проект").click()
    expect(page.locator("#problems")).to_contain_text("«Нарния»: такой страны нет")
    expect(page.locator(".person .error").first).to_be_visible()
    fits(page)


def test_the_information_form_on_a_narrow_screen(page, officers):
    page.set_viewport_size({"width": WIDTH, "height": 844})
    log_in(page, officers["kz_operator"].username)
    page.goto("/cases/new/information/")
    expect(page.get_by_role("heading", name=re.compile("^Информация без запроса"))).to_be_visible()
    expect(page.get_by_label("Цель передачи сведений")).to_be_visible()
    expect(page.get_by_text("Цель запроса", exact=True)).to_have_count(0)
    fits(page)
    page.shot("draft-03-narrow-information-form")
