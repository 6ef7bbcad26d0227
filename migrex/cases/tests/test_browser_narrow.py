"""The forms of the requested side's decisions on a phone-sized screen (390 px wide), in a real
browser: postponement with its term (Art. 10.2), forwarding to another competent authority
(Art. 2) and the question on the request's authenticity (Art. 9.5) fit the screen and work."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from migrex.cases.services import transition
from migrex.conftest import log_in, send

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "fast_expect"),
]

WIDTH = 390


def open_form(page: Page, case_pk: int, action: str) -> Locator:
    page.goto(f"/cases/{case_pk}/")
    page.wait_for_load_state()  # htmx is set up; else the link just navigates
    page.locator(f'a[href="/cases/{case_pk}/act/{action}/"]').click()
    form = page.locator("#action-form form")
    expect(form).to_be_visible()
    return form


def fits(page: Page) -> None:
    """Nothing is wider than the screen: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, width


def test_postpone_forward_and_ask_on_a_narrow_screen(page, officers, deliver):
    _ours, theirs = send(officers, deliver)
    transition(case=theirs, action="register", actor=officers["by_operator"])
    page.set_viewport_size({"width": WIDTH, "height": 844})
    log_in(page, "by-supervisor")

    form = open_form(page, theirs.pk, "ask_confirmation")
    expect(form.locator('textarea[name="text"]')).to_be_visible()
    fits(page)

    form = open_form(page, theirs.pk, "forward")
    expect(form.locator('select[name="authority"] option[value="by-border"]')).to_have_count(1)
    fits(page)

    form = open_form(page, theirs.pk, "postpone")
    until, condition = form.locator('input[name="until"]'), form.locator('[name="condition"]')
    expect(until).to_have_attribute("type", "date")
    expect(condition).to_be_visible()
    fits(page)
    form.locator('textarea[name="text"]').fill("Помешает уголовному преследованию.")
    form.locator('button[type="submit"]').click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("до какой даты или до выполнения какого условия")
    expect(problems).to_contain_text("10.2")
    fits(page)
    page.shot("41-narrow-postpone-needs-a-term")

    form = page.locator("#action-form form")
    form.locator('[name="condition"]').fill("до окончания следствия")
    form.locator('button[type="submit"]').click()
    expect(
        page.locator(".case-badges").get_by_text("Исполнение отложено", exact=True)
    ).to_be_visible()
    expect(page.locator(".case-badges .clock")).to_contain_text("отсрочено: до окончания следствия")
    fits(page)
    page.shot("42-narrow-postponed")
