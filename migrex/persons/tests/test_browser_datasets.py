"""Received datasets and consents in a real browser: the officer opens a dataset, is refused an
export without consent, asks the provider; the provider's supervisor grants it; the export works."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from migrex.conftest import log_in, log_out

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "fast_expect"),
]


def test_export_needs_the_providers_consent(page, officers, dataset, deliver):
    log_in(page, "by-operator")
    page.get_by_role("link", name="Наборы сведений").click()
    page.get_by_role("link", name="Получившие разрешение на проживание").click()
    expect(page.get_by_role("heading", name="Получившие разрешение на проживание")).to_be_visible()
    expect(page.get_by_role("cell", name="Оганесян / Hovhannisyan").first).to_be_visible()
    page.shot("41-dataset-records")

    page.get_by_role("button", name="Скачать CSV").click()
    expect(page.get_by_role("status")).to_contain_text("Нужно согласие")
    page.get_by_label("Для чего").fill("Передача материалов в суд")
    page.get_by_role("button", name="Направить запрос").click()
    expect(page.get_by_role("status")).to_contain_text("Запрос согласия направлен")
    expect(page.get_by_text("ожидает решения представившей Стороны")).to_be_visible()
    page.shot("42-consent-asked")
    log_out(page)

    deliver()
    log_in(page, "kz-signatory")
    page.goto("/consents/")
    row = page.get_by_role("row").filter(has_text="Передача материалов в суд")
    row.get_by_label("действует до").fill("2099-01-01")
    page.shot("43-consent-to-decide")
    row.get_by_role("button", name="Предоставить").click()
    # The decision leaves the country only after the review page is ticked.
    expect(page.get_by_role("heading", name=re.compile("Проверьте"))).to_be_visible()
    page.get_by_label("Я проверил(а) решение, которое будет направлено.").check()
    page.get_by_role("button", name="Подтвердить и направить").click()
    expect(page.get_by_role("status")).to_contain_text("Решение направлено")
    log_out(page)

    deliver()
    log_in(page, "by-operator")
    page.goto(f"/datasets/{dataset.pk}/")
    expect(page.get_by_text("согласие дано")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Скачать CSV").click()
    assert re.fullmatch(r"dataset-\d+\.csv", download.value.suggested_filename)
    assert "Оганесян" in download.value.path().read_text(encoding="utf-8-sig")
    page.shot("44-consent-granted")
