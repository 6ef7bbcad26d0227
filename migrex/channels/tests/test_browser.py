"""The channel pages in a real browser: an operator records a channel, opens the link analysis,
sees the graph drawn and clicks a person to see their links (Art. 4)."""

from __future__ import annotations

import importlib
import re

import pytest
from playwright.sync_api import expect

from migrex.channels.models import Individual
from migrex.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    from django.apps import apps

    importlib.import_module("migrex.accounts.migrations.0003_roles").create_roles(apps, None)


def test_an_operator_records_a_channel_and_explores_its_links(page, channels):
    log_in(page, "kz-operator")
    page.get_by_role("link", name="Каналы", exact=True).click()
    expect(
        page.get_by_role("heading", name=re.compile("Каналы незаконной миграции"))
    ).to_be_visible()
    page.get_by_role("link", name="Новый канал").click()
    page.get_by_label("Название канала").fill("Бишкек — Алматы")
    page.get_by_label("Маршрут").fill("Бишкек\nКордай\nАлматы")
    page.get_by_role("button", name="Сохранить канал").click()
    expect(page.get_by_role("heading", name=re.compile("Бишкек — Алматы"))).to_be_visible()
    expect(page.locator("ol.route li")).to_have_text(["Бишкек", "Кордай", "Алматы"])
    page.shot("channels-detail")

    page.goto("/channels/")
    page.get_by_role("link", name="Анализ связей").click()
    svg = page.locator("svg#graph")
    expect(svg).to_have_attribute("data-settled", "true")
    expect(svg.locator("circle.node.kind-person")).to_have_count(3)
    expect(svg.locator("circle.node.kind-channel")).to_have_count(4)
    assert svg.locator("line.edge").count() >= 10
    ivanov = Individual.objects.get(data__surname__cyrillic="Иванов")
    svg.locator(f'circle[data-id="person:ch:{ivanov.pk}"]').click()
    details = page.locator("#node-details")
    expect(details.get_by_role("heading", name="Иванов Сергей")).to_be_visible()
    expect(details).to_contain_text("организатор")
    expect(details).to_contain_text("+77011234567")
    expect(svg.locator("circle.node.is-dim").first).to_be_attached()
    expect(page.locator("#networks tbody tr")).to_have_count(3)
    page.shot("channels-graph")
    details.get_by_role("link", name="Открыть запись").click()
    expect(page.get_by_role("heading", name=re.compile("Алматы — Минск — Варшава"))).to_be_visible()
