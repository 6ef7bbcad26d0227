"""The retention page in a real browser: an administrator sets a rule, the data falls due, is
destroyed, and the act downloads (Art. 11.5)."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from playwright.sync_api import expect

from migrex.conftest import log_in
from migrex.retention import services
from migrex.retention.tests.conftest import CLOSED_AT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BASIS = "Закон Республики Казахстан «О персональных данных и их защите», ст. 12"


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    from django.apps import apps

    importlib.import_module("migrex.accounts.migrations.0003_roles").create_roles(apps, None)


def test_an_administrator_sets_a_rule_and_finds_the_act_after_destruction(
    page, answered, make_user
):
    ours, _ = answered
    make_user("kz-admin", "kz-mvd", "administrator")
    log_in(page, "kz-admin")
    page.get_by_role("link", name="Хранение").click()
    expect(page.get_by_role("heading", name=re.compile("Хранение и уничтожение"))).to_be_visible()
    no_rule = page.locator("#no-rule")
    expect(no_rule.get_by_role("link", name=ours.number)).to_be_visible()

    page.get_by_text("Установить правило").click()
    page.get_by_label("Соглашение").select_option("kz-by-2019")
    page.get_by_label("Сторона").fill("KZ")
    page.get_by_label("Срок, дней").fill("30")
    page.get_by_label("Отсчитывается от").select_option("case-closed")
    page.get_by_label("Правовое основание").fill(BASIS)
    page.get_by_role("button", name="Сохранить правило").click()
    expect(page.get_by_text("Правило хранения сохранено.")).to_be_visible()
    expect(page.locator("#rules")).to_contain_text(BASIS)
    due = page.locator("#due")
    expect(due.get_by_role("link", name=ours.number)).to_be_visible()
    expect(due).to_contain_text((CLOSED_AT.date() + dt.timedelta(days=30)).strftime("%d.%m.%Y"))
    page.shot("retention-rules")

    act = services.run(today=CLOSED_AT.date() + dt.timedelta(days=30)).act
    page.reload()
    link = page.locator("#acts").get_by_role("link", name=act.number)
    expect(link).to_be_visible()
    page.shot("retention-act")
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
