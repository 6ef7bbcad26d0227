"""The reports page in a real browser: the charts and tables of a known set of requests at 1280
and at 390 px wide (no sideways scrolling), the period chosen by a preset and by dates, and a
download. A screenshot at 1280 px goes to test-artifacts/reports.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from migrex.cases.tests.reports_data import make_known
from migrex.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "fast_expect"),
]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_reports_page_at_1280_and_390_px(page, agreement, officers):
    make_known(agreement)
    log_in(page, "kz-auditor")
    page.goto("/reports/")
    expect(page.get_by_role("heading", name="Отчёты по запросам")).to_be_visible()
    expect(page.locator('a[aria-current="true"]')).to_have_text("Этот год")

    page.get_by_label("Начало периода").fill("2026-01-01")
    page.get_by_label("Конец периода").fill("2026-03-31")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("#h-period")).to_have_text("С 1 января 2026 г. по 31 марта 2026 г.")
    chart = page.get_by_role(
        "img", name="Исходящие запросы, с 1 января 2026 г. по 31 марта 2026 г."
    )
    expect(chart).to_be_visible()
    expect(chart.locator('g[data-label="Направлено"]')).to_have_attribute("data-value", "7")
    incoming = page.locator("section", has=page.get_by_role("heading", name="Входящие запросы"))
    total = incoming.locator("tfoot tr")
    expect(total).to_contain_text("16,5")
    expect(total).to_contain_text("25,0\u00a0%")
    fits(page, 1280)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reports.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Показатели, XLSX").click()
    assert download.value.suggested_filename == "zaprosy_01.01.2026-31.03.2026.xlsx"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    fits(page, 390)
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] <= 390
    cell = total.locator('td[data-label="Медиана срока ответа, дней"]')
    expect(cell).to_have_text("16,5")
    page.screenshot(path=str(ARTIFACTS / "reports-390.png"), full_page=True)

    page.get_by_role("link", name="Прошлый квартал").click()
    expect(page.locator('a[aria-current="true"]')).to_have_text("Прошлый квартал")
    fits(page, 390)


def test_bad_dates_in_the_browser(page, agreement, officers):
    make_known(agreement)
    log_in(page, "kz-auditor")
    page.goto("/reports/?from=2026-03-31&to=2026-01-01")
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Конец периода: Конец периода раньше его начала.")
    problems.get_by_role("link", name="Конец периода").click()
    expect(page.get_by_label("Конец периода")).to_be_focused()
