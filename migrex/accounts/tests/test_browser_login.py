"""The sign-in steps in a real browser (Chromium through Playwright), under the node's
Content-Security-Policy: a signatory enrols an authenticator from the QR-code page and signs in
with a code; a locked officer reads when to try again; no page breaks the policy."""

from __future__ import annotations

import importlib
import re
import time

import pytest
from playwright.sync_api import expect

from migrex.accounts import totp
from migrex.accounts.models import TotpDevice
from migrex.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    from django.apps import apps

    importlib.import_module("migrex.accounts.migrations.0003_roles").create_roles(apps, None)


@pytest.fixture
def violations(page):
    """Console messages about the Content-Security-Policy, collected while the test runs."""
    found: list[str] = []
    page.on(
        "console",
        lambda m: found.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return found


def _password_step(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Вход").click()


def test_a_signatory_enrols_from_the_qr_code_page_and_signs_in(page, violations, officers):
    _password_step(page, "kz-signatory")
    expect(page).to_have_url(re.compile(r"/login/enrol/$"))
    expect(page.get_by_role("heading", name="Настройте аутентификатор")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    key = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert key == TotpDevice.objects.get(user=officers["kz_signatory"]).secret
    page.shot("accounts-enrol")

    page.get_by_label("Код из приложения-аутентификатора").fill("000000")
    page.get_by_role("button", name="Подтвердить").click()
    if totp.totp(totp.key_of(key), time.time()) != "000000":
        expect(page.get_by_text("Код неверен или уже использован")).to_be_visible()
    page.get_by_label("Код из приложения-аутентификатора").fill(
        totp.totp(totp.key_of(key), time.time())
    )
    page.get_by_role("button", name="Подтвердить").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Требуют действия")).to_be_visible()
    # htmx still works under the policy: the tabs' counts and the page answer without errors.
    page.get_by_role("link", name=re.compile("^Исходящие")).click()
    expect(page.get_by_role("heading", name="Исходящие")).to_be_visible()
    assert violations == []


def test_a_locked_officer_reads_when_to_try_again(page, violations, officers):
    for _ in range(5):
        _password_step(page, "kz-operator", "wrong password")
    expect(page.locator("#locked")).to_contain_text("Слишком много неудачных попыток")
    _password_step(page, "kz-operator")  # the right password, still locked
    expect(page.locator("#locked")).to_contain_text(re.compile(r"повторите попытку в \d\d:\d\d"))
    page.shot("accounts-locked")
    assert violations == []
