"""The start page «Требуют действия» and the navigation on a phone-sized screen (390 px), in a
real browser: the menu opens without script, the signatory finds the request waiting for their
signature (Art. 9.3), and neither the header nor the menu makes the page scroll sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from migrex.cases.services import transition
from migrex.conftest import draft, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "fast_expect"),
]

WIDTH = 390


def width_of(page: Page, selector: str) -> int:
    return page.evaluate(f"document.querySelector({selector!r}).scrollWidth")


def test_the_signatory_starts_with_the_request_to_sign_on_a_narrow_screen(page, officers):
    case = draft(officers)
    transition(case=case, action="submit", actor=officers["kz_operator"])
    page.set_viewport_size({"width": WIDTH, "height": 844})
    log_in(page, "kz-signatory")

    nav = page.get_by_role("navigation")
    toggle = nav.locator("summary")
    expect(toggle).to_contain_text("Меню")
    expect(toggle.locator(".count")).to_have_text("1")  # the one request to sign
    outgoing = nav.get_by_role("link", name=re.compile("^Исходящие"))
    expect(outgoing).to_be_hidden()  # closed until asked for
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

    section = page.locator("section.attention-sign")
    expect(section.get_by_role("heading")).to_contain_text("На подпись")
    link = section.get_by_role("link", name=f"№ {case.number}")
    expect(link).to_be_visible()
    expect(section.locator(".news-mark")).to_have_count(1)  # submitted by the operator
    page.shot("50-narrow-start-signatory")

    toggle.click()
    expect(outgoing).to_be_visible()
    home = nav.get_by_role("link", name=re.compile("^Требуют действия"))
    expect(home).to_have_attribute("aria-current", "page")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.shot("51-narrow-menu-open")

    link.click()
    expect(page.get_by_role("heading", name=re.compile(case.number))).to_be_visible()
    for selector in ("header", "nav"):  # the case page itself is another part's
        assert width_of(page, selector) <= WIDTH, selector
    page.goto("/")
    section = page.locator("section.attention-sign")
    expect(section.get_by_role("link", name=f"№ {case.number}")).to_be_visible()
    expect(section.locator(".news-mark")).to_have_count(0)  # opened: no longer news

    page.set_viewport_size({"width": 1280, "height": 900})  # wide: tabs, no menu button
    expect(toggle).to_be_hidden()
    expect(outgoing).to_be_visible()
    page.shot("52-wide-start-signatory")
