"""An answer (Art. 10.3) through its review step on a phone-sized screen (390 px), in a real
browser: the officer fills in the answer with a file, sees exactly what will be sent, goes back
to edit without losing anything, is stopped when sending without the tick, and sends it ticked;
no page scrolls sideways. No script of the page's own does any of it (plain forms)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from migrex.cases.services import transition
from migrex.cases.workflow import State
from migrex.conftest import log_in, send

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "fast_expect"),
]

WIDTH = 390
ANSWER = "Гражданин находится на территории Республики Беларусь законно."


def fits(page: Page) -> None:
    """Nothing is wider than the screen: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, width


def test_an_answer_through_its_review_step_on_a_narrow_screen(
    page, officers, deliver, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ours, theirs = send(officers, deliver)
    transition(case=theirs, action="register", actor=officers["by_operator"])
    page.set_viewport_size({"width": WIDTH, "height": 844})
    log_in(page, "by-operator")
    page.goto(f"/cases/{theirs.pk}/")
    expect(page.locator(".case-latest")).to_contain_text("Запрос зарегистрирован")
    fits(page)
    page.wait_for_load_state()  # htmx is set up; else the link just navigates
    page.get_by_role("link", name="Направить ответ", exact=True).click()
    form = page.locator("#action-form form")
    expect(form.locator(".asked")).to_contain_text(ours.summary)  # what the answer answers
    form.get_by_label("Результат исполнения запроса").fill(ANSWER)
    form.get_by_label("Приложить файлы").set_input_files(
        files=[{"name": "справка.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}]
    )
    fits(page)
    form.get_by_role("button", name="Проверить перед отправкой").click()

    review = page.locator("form.review")
    expect(page.get_by_role("heading", name="Проверьте перед отправкой")).to_be_visible()
    expect(review).to_contain_text(ANSWER)
    expect(review).to_contain_text("справка.pdf")
    fits(page)
    page.shot("51-narrow-answer-review")

    page.get_by_role("button", name=re.compile("Вернуться к редактированию")).click()
    form = page.locator("form.action-card")
    expect(form.get_by_label("Результат исполнения запроса")).to_have_value(ANSWER)
    expect(form.locator(".files-held")).to_contain_text("справка.pdf")
    fits(page)
    form.get_by_role("button", name="Проверить перед отправкой").click()

    page.get_by_role("button", name="Подтвердить и направить").click()  # not ticked
    expect(page.get_by_role("alert")).to_contain_text("Ничего не отправлено")
    theirs.refresh_from_db()
    assert theirs.status == State.REGISTERED
    fits(page)
    page.shot("52-narrow-answer-review-unticked")

    page.get_by_label("Я проверил(а), что будет направлено").check()
    page.get_by_role("button", name="Подтвердить и направить").click()
    expect(page.get_by_role("status")).to_have_text("Ответ направлен.")
    expect(page.locator(".case-latest")).to_contain_text("Ответ направлен")
    expect(page.locator(".case-latest")).to_contain_text("справка.pdf")
    fits(page)
    page.shot("53-narrow-answer-sent")
    theirs.refresh_from_db()
    assert theirs.status == State.ANSWERED
