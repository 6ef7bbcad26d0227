"""Finding a case in a real browser, at 1280 and at 390 px: the other party's number typed in
the search field of a box finds the case (the issue's test), the filters of a box work as a
plain form, and neither page scrolls sideways on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from migrex.conftest import log_in, send

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "fast_expect"),
]


def fits(page: Page, width: int) -> None:
    """Nothing is wider than the screen: no sideways scrolling."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, scroll


@pytest.mark.parametrize("width", [1280, 390])
def test_the_other_partys_number_finds_the_case(page, officers, deliver, width):
    ours, theirs = send(officers, deliver)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "by-operator")  # the start page; the search field is on the lists
    page.goto("/incoming/")
    expect(page.get_by_role("heading", name="Входящие")).to_be_visible()
    fits(page, width)

    page.get_by_role("searchbox", name="Поиск дела").fill(ours.number)
    page.get_by_role("searchbox", name="Поиск дела").press("Enter")
    expect(page.get_by_role("heading", name="Поиск дела")).to_be_visible()
    expect(page.get_by_text("Найдено: 1.")).to_be_visible()
    expect(page.get_by_role("link", name="CSV", exact=True)).to_be_visible()
    fits(page, width)
    page.shot(f"51-search-their-number-{width}")
    page.get_by_role("link", name=ours.number, exact=True).click()
    expect(page.get_by_role("heading", name=f"№ {ours.number}")).to_be_visible()
    assert page.url.endswith(f"/cases/{theirs.pk}/")

    # The filters of a box, as a plain GET form kept in the address.
    page.goto("/incoming/")
    page.get_by_text("Фильтры и порядок").click()
    page.get_by_label("Состояние").select_option(label="Исполнен")
    page.get_by_role("button", name="Применить").click()
    expect(page.get_by_text("Ни одно дело не подходит.")).to_be_visible()
    assert "/incoming/?" in page.url and "state=answered" in page.url
    fits(page, width)
    page.shot(f"52-box-filtered-{width}")
