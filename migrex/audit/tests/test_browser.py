"""The auditors' pages in a real browser (Playwright driving the machine's Chromium): the tab,
the log filtered to reads of personal data, and the page of one person — everyone who ever read
their data. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import importlib
import re

import pytest
from playwright.sync_api import expect

from migrex.agreements.models import Agreement, Authority
from migrex.audit.services import record
from migrex.cases.services import create_draft
from migrex.conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    """The role groups, recreated before each test (see cases/tests/test_browser.py)."""
    from django.apps import apps

    importlib.import_module("migrex.accounts.migrations.0003_roles").create_roles(apps, None)


@pytest.fixture(autouse=True)
def _fast_expect():
    expect.set_options(timeout=10_000)


@pytest.fixture
def reads(officers):
    """A draft request with one person, whose data two officers read; a denial between."""
    case = create_draft(
        actor=officers["kz_operator"],
        agreement=Agreement.objects.get(code="kz-by-2019"),
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary="Проверка сведений о временном пребывании",
        purpose="Установление законности пребывания",
        justification="Материалы проверки № 17/2026",
        persons=[
            {
                "category": "temporary_stay",
                "data": {
                    "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
                    "citizenship": ["KZ"],
                },
            }
        ],
    )
    subject = f"caseperson:{case.persons.get().pk}"
    for actor, via in (("kz-operator", "ui"), ("kz-signatory", "ui"), ("kz-operator", "api")):
        record(
            "personal_data.read",
            actor=actor,
            subject=subject,
            detail={"case": case.pk, "dataset": None, "via": via},
        )
    record(
        "access.denied",
        actor="kz-operator",
        subject="/exchange/",
        detail={"path": "/exchange/", "method": "GET", "status": 403, "via": "ui"},
    )
    return case, subject


def test_an_auditor_finds_everyone_who_read_a_persons_data(page, reads):
    case, subject = reads
    log_in(page, "kz-operator")
    expect(page.get_by_role("link", name="Журнал аудита")).to_have_count(0)
    log_out(page)

    log_in(page, "kz-auditor")
    page.get_by_role("link", name="Журнал аудита").click()
    expect(page.get_by_role("heading", name=re.compile("^Журнал аудита"))).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("^Отказ в доступе"))).to_be_visible()
    page.shot("audit-log")

    page.get_by_label("Действие").fill("personal_data.read")
    page.get_by_role("button", name="Показать").click()
    expect(page).to_have_url(re.compile(r"action=personal_data.read"))
    rows = page.locator("table.audit-table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_role("cell", name=re.compile("^Отказ в доступе"))).to_have_count(0)
    page.shot("audit-log-reads")

    # The subject in words, its code in the tooltip.
    link = rows.first.get_by_role("link", name=re.compile(r"^лицо по делу № \d+"))
    expect(link).to_have_attribute("title", subject)
    link.click()
    expect(page.get_by_role("heading", name=re.compile("^Объект"))).to_be_visible()
    readers = page.locator("section.audit-readers table tbody tr")
    expect(readers).to_have_count(2)
    expect(readers.first).to_contain_text("kz-operator")  # the latest read was theirs
    expect(readers.first).to_contain_text("2")
    expect(readers.first).to_contain_text("веб-интерфейс, API")
    expect(readers.first.get_by_role("link", name=case.number)).to_be_visible()
    expect(readers.nth(1)).to_contain_text("kz-signatory")
    expect(page.get_by_text("Оганесян")).to_have_count(0)  # who read, not what was read
    page.shot("audit-subject-readers")
