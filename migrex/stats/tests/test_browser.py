"""Statistics in a real browser (Art. 3.1.1): an operator uploads a faulty file and is told the
line and the column, uploads a good one, and sees the time series and the year-on-year chart;
then compares Kazakhstan's figures with those Belarus sent (mirror statistics). The charts are
server-drawn SVG: the test reads the bars' numbers as the browser rendered them."""

from __future__ import annotations

import importlib
import re

import pytest
from playwright.sync_api import expect

from migrex.conftest import log_in
from migrex.stats.tests.conftest import ARMENIANS, SEEDS_CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NBSP, MINUS = "\u00a0", "\u2212"


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    from django.apps import apps

    importlib.import_module("migrex.accounts.migrations.0003_roles").create_roles(apps, None)


@pytest.fixture(autouse=True)
def _fast_expect():
    expect.set_options(timeout=10_000)


def _upload(page, name: str, content: bytes) -> None:
    upload = page.locator("#upload")
    if upload.get_attribute("open") is None:
        upload.locator("summary").click()
    page.get_by_label("Файл (CSV или SDMX-CSV, UTF-8)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_label("Название").fill("Граждане Армении, работающие в Казахстане")
    page.get_by_label("Показатель").fill(ARMENIANS)
    page.get_by_label("Единица измерения").fill("человек")
    page.get_by_role("button", name="Импортировать", exact=True).click()


def _bar(page, chart: str, group: str, series: str | None = None):
    where = f'#{chart} rect.bar[data-group="{group}"]'
    return page.locator(where + (f'[data-series="{series}"]' if series else ""))


def test_an_operator_uploads_statistics_and_sees_the_charts(page, officers):
    log_in(page, "kz-operator")
    page.get_by_role("link", name="Статистика", exact=True).click()
    expect(
        page.get_by_role("heading", name=re.compile("Статистика по вопросам миграции"))
    ).to_be_visible()

    _upload(page, "bad.csv", b"period,citizenship,value\n2024,AM,2623\n2025,AM,2 1O4\n")
    faults = page.locator("#faults")
    expect(faults).to_contain_text("Файл не импортирован, ничего не сохранено.")
    expect(faults).to_contain_text("Строка 3, столбец «value»: «2 1O4» — не число.")
    page.shot("stats-upload-refused")

    _upload(page, "armenians.csv", SEEDS_CSV.encode())
    expect(page.get_by_text("Набор данных импортирован: наблюдений — 2.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Граждане Армении"))).to_be_visible()

    series = page.locator("svg#chart-series")
    expect(series).to_be_visible()
    assert series.get_attribute("role") == "img"
    expect(series.locator("title").first).to_have_text(f"{ARMENIANS} по периодам")
    expect(series.locator("rect.bar")).to_have_count(2)
    assert _bar(page, "chart-series", "2024").get_attribute("data-value") == "2623"
    assert _bar(page, "chart-series", "2025").get_attribute("data-value") == "2134"
    expect(series.locator("text.value")).to_have_text([f"2{NBSP}623", f"2{NBSP}134"])
    # Drawn, not only present: the later, smaller figure has the shorter bar.
    earlier = _bar(page, "chart-series", "2024").bounding_box()
    later = _bar(page, "chart-series", "2025").bounding_box()
    assert earlier["height"] > later["height"] > 0

    yoy = page.locator("svg#chart-yoy")
    expect(yoy).to_be_visible()
    assert _bar(page, "chart-yoy", "2025").get_attribute("data-value") == "-18.6"
    expect(yoy.locator("text.value")).to_have_text(f"{MINUS}18,6{NBSP}%")
    expect(page.locator("#yoy-table")).to_contain_text(f"{MINUS}18,6{NBSP}%")
    expect(page.locator("#series-table")).to_contain_text(f"2{NBSP}134")
    page.shot("stats-dataset")


def test_an_operator_compares_the_parties_figures(page, mirror_pair):
    ours, theirs = mirror_pair
    log_in(page, "kz-operator")
    page.goto(f"/stats/{ours.pk}/")
    page.get_by_role("link", name=theirs.title).click()
    expect(page.get_by_role("heading", name=re.compile("Зеркальная статистика"))).to_be_visible()

    chart = page.locator("svg#chart-mirror")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.bar")).to_have_count(4)
    kz, by = "Республика Казахстан (kz-mvd)", "Республика Беларусь (by-mvd)"
    assert _bar(page, "chart-mirror", "2023", kz).get_attribute("data-value") == "1480"
    assert _bar(page, "chart-mirror", "2023", by).get_attribute("data-value") == "1420"
    assert _bar(page, "chart-mirror", "2024", kz).get_attribute("data-value") == "1512"
    assert _bar(page, "chart-mirror", "2024", by).get_attribute("data-value") == "1530"
    expect(chart.locator("text.note")).to_have_text(
        [f"Δ +60 (+4,2{NBSP}%)", f"Δ {MINUS}18 ({MINUS}1,2{NBSP}%)"]
    )
    table = page.locator("#mirror-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text(f"+4,2{NBSP}%")
    page.shot("stats-mirror")
