"""The cooperation calendar and the 45-day signatory dashboard in a real browser (Art. 7, 9.3)."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from migrex.agreements.models import Authority, SignatoryList
from migrex.conftest import log_in
from migrex.registers import cooperation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MONTHS = [
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    from django.apps import apps

    importlib.import_module("migrex.accounts.migrations.0003_roles").create_roles(apps, None)


def test_a_supervisor_adds_an_activity_and_pages_through_the_calendar(page, agreement, make_user):
    supervisor = make_user("kz-sup", "kz-mvd", "supervisor")
    today = timezone.localdate()
    day = today.replace(day=10)
    earlier = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=5)
    cooperation.record_event(
        actor=supervisor,
        agreement=agreement,
        kind="conference",
        title="Конференция по миграции",
        starts_on=earlier,
        authorities=[Authority.objects.get(code="by-mvd")],
    )
    log_in(page, "kz-sup")
    page.get_by_role("link", name="Реестры").click()
    page.get_by_role("link", name="Сотрудничество").click()
    page.get_by_role("link", name="Добавить мероприятие").click()
    page.get_by_label("Соглашение").select_option("kz-by-2019")
    page.get_by_label("Форма сотрудничества").select_option("working_group")
    page.get_by_label("Название").fill("Рабочая группа по трудовой миграции")
    page.get_by_label("Начало").fill(day.isoformat())
    page.get_by_label("Окончание").fill((day + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Место").fill("Минск")
    page.get_by_label(re.compile("Министерство внутренних дел Республики Беларусь")).check()
    page.get_by_role("button", name="Добавить в реестр").click()

    expect(page.get_by_text("Мероприятие добавлено в реестр.")).to_be_visible()
    title = f"{MONTHS[today.month - 1]} {today.year}"
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    calendar = page.locator("#calendar")
    expect(calendar.locator("th").first).to_have_text("Пн")
    for d in (day, day + dt.timedelta(days=1)):
        cell = calendar.locator(f'td[data-date="{d.isoformat()}"]')
        expect(cell).to_contain_text("Рабочая группа по трудовой миграции")
    page.shot("registers-calendar")

    page.get_by_role("link", name=re.compile("Предыдущий месяц")).click()
    expect(
        page.get_by_role("heading", name=f"{MONTHS[earlier.month - 1]} {earlier.year}")
    ).to_be_visible()
    expect(calendar.locator(f'td[data-date="{earlier.isoformat()}"]')).to_contain_text(
        "Конференция по миграции"
    )
    page.get_by_role("link", name=re.compile("Следующий месяц")).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_the_signatory_dashboard_shows_the_duty_and_an_administrator_sends_the_list(
    page, officers, make_user
):
    make_user("kz-admin", "kz-mvd", "administrator")
    theirs = SignatoryList.objects.get(party_id="BY")
    theirs.delete()  # not received yet: overdue since 17 January 2021
    log_in(page, "kz-admin")
    page.get_by_role("link", name="Реестры").click()
    page.get_by_role("link", name="Органы и подписанты").click()
    row = page.locator('tr[data-agreement="kz-by-2019"]')
    expect(row.locator(".theirs")).to_contain_text("не получен")
    overdue = (timezone.localdate() - dt.date(2021, 1, 17)).days
    expect(row.locator(".term")).to_contain_text(f"просрочено на {overdue} ")
    page.shot("registers-signatories-overdue")

    theirs.pk = None
    theirs.save()  # the list arrives
    page.reload()
    expect(row).to_contain_text("17.01.2021")
    expect(row.locator(".ours")).to_contain_text("отправлен 10.01.2021")
    expect(row.locator(".theirs")).to_contain_text("получен 10.01.2021")
    expect(row.locator(".term")).to_contain_text("обменялись")
    page.get_by_text("Отправить наш перечень подписантов").click()
    page.locator("#notify").get_by_label("Соглашение").first.select_option("kz-by-2019")
    page.get_by_role("button", name="Отправить перечень").click()
    expect(page.get_by_text("Перечень подписантов отправлен другой стороне.")).to_be_visible()
    expect(page.locator("#notices")).to_contain_text("перечень подписантов и образцы бланков")
    page.shot("registers-signatories")


def test_a_supervisor_notifies_a_change_in_legislation_and_finds_it(page, officers, tmp_path):
    log_in(page, "kz-signatory")
    page.get_by_role("link", name="Реестры").click()
    page.get_by_role("link", name="Уведомить об изменении").click()
    page.get_by_label("Соглашение").select_option("kz-by-2019")
    page.get_by_label("Название акта").fill("Закон «О миграции населения» (изменения)")
    page.get_by_label("Дата принятия").fill("2026-01-15")
    page.get_by_label("Вступает в силу").fill("2026-03-01")
    page.get_by_label("Суть изменений").fill("Упрощён порядок выдачи разрешений на проживание.")
    law = tmp_path / "zakon.txt"
    law.write_text("Статья 1. …", encoding="utf-8")
    page.get_by_label("Текст акта (файл)").set_input_files(str(law))
    page.get_by_role("button", name="Записать и отправить").click()
    expect(page.get_by_text("Уведомление записано и отправлено другой стороне.")).to_be_visible()

    page.get_by_label("Слова в названии или сути").fill("УПРОЩЁН")
    page.get_by_role("button", name="Найти").click()
    table = page.locator("#legislation")
    expect(table).to_contain_text("Закон «О миграции населения» (изменения)")
    expect(table.get_by_role("link", name="zakon.txt")).to_be_visible()
    page.shot("registers-legislation")
    page.get_by_label("Слова в названии или сути").fill("убежище")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_text("Ничего не найдено.")).to_be_visible()
