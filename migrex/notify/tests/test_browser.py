"""The officer's page of e-mail notifications in a real browser, at 390 and 1280 px: reached from
the header, the choice saved, the officer without an address told that nothing is sent, nothing
wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from migrex.conftest import log_in
from migrex.notify import services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "fast_expect"),
]


def fits(page: Page, width: int) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, scrolled


@pytest.mark.parametrize("width", [390, 1280])
def test_an_officer_chooses_the_daily_digest(page, officers, width):
    user = officers["kz_operator"]
    user.email = "kz-operator@mail.test"
    user.save()
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, "kz-operator")
    page.get_by_role("link", name="Уведомления").click()
    expect(page.get_by_role("heading", name="Уведомления по электронной почте")).to_be_visible()
    expect(page.get_by_text("kz-operator@mail.test")).to_be_visible()
    expect(page.get_by_label("Сразу: отдельное письмо о каждом событии")).to_be_checked()
    fits(page, width)
    page.get_by_label("Раз в день", exact=False).check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Настройка уведомлений сохранена.")).to_be_visible()
    expect(page.get_by_label("Раз в день", exact=False)).to_be_checked()
    assert services.mode_of(user) == "digest"
    fits(page, width)
    page.shot(f"notifications-{width}")


def test_an_officer_without_an_address_is_told_so(page, officers):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "kz-operator")
    page.goto("/notifications/")
    expect(page.locator("#no-address")).to_contain_text("уведомления вам не направляются")
    fits(page, 390)
