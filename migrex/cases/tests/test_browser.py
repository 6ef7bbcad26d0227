"""The web UI in a real browser: Playwright drives the machine's Chromium against the live server.

Officers of both parties log in and draft, submit, sign (Art. 9.3), register (Art. 10.1), answer
(Art. 10.3) and refuse (Art. 10.4) requests with clicks and typing only; `deliver()` stands in for
the exchange between the two nodes, which here share one database. The main steps leave screenshots
in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from migrex.cases.tests.browser_steps import BY_MVD, choose
from migrex.conftest import PASSWORD, SCREENSHOTS, log_in, log_out

pytestmark = [
    pytest.mark.browser,
    # The live server answers from another thread: the test's data must be committed.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "fast_expect"),
]


def open_box(page: Page, title: str) -> None:
    page.get_by_role("link", name=re.compile(f"^{title}")).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def open_case(page: Page, box: str, number: str) -> None:
    open_box(page, box)
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", name=f"№ {number}")).to_be_visible()


def start_action(page: Page, label: str) -> Locator:
    """Click an action button of the case page; return the form htmx puts under it (in the
    panel of the usual moves, or of the irreversible ones at the end of the page)."""
    page.wait_for_load_state()  # htmx (a deferred script) is set up; else the link just navigates
    page.get_by_role("link", name=label, exact=True).click()
    form = page.locator("#action-form form, #danger-form form")
    expect(form.get_by_role("heading", name=re.compile(f"^{label}"))).to_be_visible()
    return form


def send_reviewed(page: Page) -> None:
    """On the review page of an answer or a refusal: tick that it was checked, and send it."""
    expect(page.get_by_role("heading", name="Проверьте перед отправкой")).to_be_visible()
    page.get_by_label("Я проверил(а), что будет направлено").check()
    page.get_by_role("button", name="Подтвердить и направить").click()


def expect_state(page: Page, label: str) -> None:
    """The state badge of the case page (the history shows states only as "→ label")."""
    expect(page.get_by_text(label, exact=True)).to_be_visible()


def expect_pdf(page: Page, link_name: str) -> None:
    """The document link answers with a PDF, fetched with the browser's own session."""
    link = page.get_by_role("link", name=link_name)
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200, response.status
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def draft_request(page: Page, summary: str, person: dict[str, str]) -> str:
    """The KZ operator writes a request to the BY ministry, saves it and submits it for signature;
    return its number."""
    page.get_by_role("link", name="Новый запрос").click()
    expect(page.get_by_role("heading", name=re.compile("^Новый запрос"))).to_be_visible()
    choose(page.get_by_label("Запрашиваемый орган"), BY_MVD)
    page.get_by_label("Краткое изложение существа запроса").fill(summary)
    page.get_by_label("Цель запроса").fill("Установление законности пребывания")
    page.get_by_label("Обоснование запроса").fill("Материалы проверки № 17/2026")
    page.get_by_label("Обмен сведениями о гражданах государств Сторон").check()

    choose(page.get_by_label("Категория лица"), "Временно пребывающие")
    page.get_by_label("Фамилия (кириллица)").fill(person["surname"])
    page.get_by_label("Имя (кириллица)").fill(person["given_name"])
    page.get_by_label("Фамилия (латиница)").fill(person["surname_latin"])
    page.get_by_label("Имя (латиница)").fill(person["given_name_latin"])
    choose(page.get_by_label(re.compile("^Пол ")), person["sex"])
    page.get_by_label("Дата рождения").fill(person["birth_date"])
    page.get_by_label("Гражданство").fill(person["citizenship"])
    page.get_by_label("Серия документа").fill(person["document_series"])
    page.get_by_label("Номер документа").fill(person["document_number"])
    page.get_by_label(re.compile("^Дата выдачи ст")).fill("03.02.2020")
    page.get_by_label("Кем выдан").fill("МВД Республики Казахстан")
    page.get_by_role("button", name="Сохранить проект").click()

    expect(page.get_by_role("status")).to_have_text("Проект сохранён.")
    expect_state(page, "Проект")
    persons = page.get_by_role("table").filter(has_text=person["surname"])
    expect(persons).to_contain_text(f"{person['surname']} {person['given_name']}")
    expect(persons).to_contain_text(f"{person['surname_latin']} {person['given_name_latin']}")
    expect(persons).to_contain_text(person["document_number"])
    number = page.get_by_role("heading", level=1).inner_text().removeprefix("№ ").strip()

    form = start_action(page, "Передать на подпись")
    form.get_by_role("button", name="Передать на подпись").click()
    expect_state(page, "На подписи")
    return number


def sign(page: Page, number: str) -> None:
    """The KZ signatory confirms their password and the request leaves for BY."""
    open_case(page, "Исходящие", number)
    expect_state(page, "На подписи")
    form = start_action(page, "Подписать и направить")
    form.get_by_label("Подтвердите пароль для подписания").fill(PASSWORD)
    form.get_by_role("button", name="Подписать и направить").click()
    expect_state(page, "Направлен")


def find_incoming(page: Page, their_number: str) -> Locator:
    """The row of the request in a BY officer's Входящие: received, with the 30-day clock."""
    open_box(page, "Входящие")
    row = page.get_by_role("row").filter(has_text=their_number)
    expect(row).to_contain_text("Поступил")
    expect(row).to_contain_text("ещё не зарегистрирован")
    # The Art. 10.3 deadline badge: 30 days from receipt in Minsk, counted from today on this
    # node's clock (Almaty): one fewer in the hours between the two midnights.
    expect(row).to_contain_text(re.compile(r"осталось (30|29) дн\."))
    return row


def register(page: Page, their_number: str) -> None:
    """A BY officer opens the request from Входящие and registers it (Art. 10.1)."""
    find_incoming(page, their_number).get_by_role("link", name=their_number).click()
    expect(page.get_by_role("heading", name=f"№ {their_number}")).to_be_visible()
    form = start_action(page, "Зарегистрировать")
    choose(form.get_by_label("Исполнитель"), "By-Operator")
    form.get_by_role("button", name="Зарегистрировать").click()
    expect_state(page, "На исполнении")


# --- the tests ----------------------------------------------------------------------------------


def test_request_is_drafted_signed_registered_and_answered(page, officers, deliver):
    names = {key: user.username for key, user in officers.items()}

    # 1. The KZ operator drafts the request and submits it for signature.
    log_in(page, names["kz_operator"])
    number = draft_request(
        page,
        "Проверка сведений о временном пребывании",
        {
            "surname": "Оганесян",
            "given_name": "Арам",
            "surname_latin": "Hovhannisyan",
            "given_name_latin": "Aram",
            "sex": "мужской",
            "birth_date": "05.01.1990",
            "citizenship": "Армения; Казахстан",
            "document_series": "AR",
            "document_number": "1234567",
        },
    )
    expect(page.get_by_role("link", name="Проект письма, не подписан (PDF)")).to_be_visible()
    page.shot("01-kz-operator-submitted-for-signature")
    log_out(page)

    # 2. The KZ signatory signs: a wrong password is refused under Art. 9.3, the right one sends.
    log_in(page, names["kz_signatory"])
    open_case(page, "Исходящие", number)
    form = start_action(page, "Подписать и направить")
    form.get_by_label("Подтвердите пароль для подписания").fill("not the password")
    form.get_by_role("button", name="Подписать и направить").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Действие не выполнено.")
    expect(alert).to_contain_text("Пароль неверен: запрос не подписан.")
    expect(alert).to_contain_text("ст. 9.3")
    expect_state(page, "На подписи")
    page.shot("02-kz-signatory-wrong-password")
    form.get_by_label("Подтвердите пароль для подписания").fill(PASSWORD)
    form.get_by_role("button", name="Подписать и направить").click()
    expect_state(page, "Направлен")
    expect(page.get_by_role("status")).to_have_text("Запрос подписан и направлен.")
    expect(page.get_by_text("Заместитель министра")).to_be_visible()  # the signatory's position
    page.shot("03-kz-signatory-signed-and-sent")
    expect_pdf(page, "Письмо-запрос (PDF)")
    log_out(page)

    # 3. The request reaches BY: registered and answered there.
    assert deliver() == 1
    log_in(page, names["by_operator"])
    find_incoming(page, number)
    page.shot("04-by-operator-incoming-with-deadline")
    register(page, number)
    page.shot("05-by-operator-registered")
    form = start_action(page, "Направить ответ")
    expect(form.get_by_label("Фамилия (кириллица)")).to_have_value("Оганесян")  # from the request
    form.get_by_label("Результат исполнения запроса").fill(
        "Гражданин находится на территории Республики Беларусь законно, регистрация до 01.06.2026."
    )
    form.get_by_role("button", name="Проверить перед отправкой").click()
    send_reviewed(page)
    expect_state(page, "Исполнен")
    page.shot("06-by-operator-answered")
    log_out(page)

    # The registration and the answer reach KZ: the request is executed and closed there.
    assert deliver() == 2  # the notice of registration (Art. 10.1), then the answer
    log_in(page, names["kz_operator"])
    open_box(page, "Закрытые исходящие")
    expect(page.get_by_role("row").filter(has_text=number)).to_contain_text("Исполнен")
    open_case(page, "Закрытые исходящие", number)
    expect_state(page, "Исполнен")
    expect(page.locator(".case-latest")).to_contain_text("Получен ответ")  # what happened last
    expect(page.locator(".case-latest")).to_contain_text("регистрация до 01.06.2026")
    expect(page.locator(".timeline")).to_contain_text("Получен ответ")
    page.shot("07-kz-operator-sees-answer")


def test_request_is_refused_with_grounds_and_reasons(page, officers, deliver):
    names = {key: user.username for key, user in officers.items()}
    log_in(page, names["kz_operator"])
    number = draft_request(
        page,
        "Сведения о разрешении на проживание",
        {
            "surname": "Иванова",
            "given_name": "Мария",
            "surname_latin": "Ivanova",
            "given_name_latin": "Mariia",
            "sex": "женский",
            "birth_date": "21.07.1985",
            "citizenship": "Казахстан",
            "document_series": "N",
            "document_number": "07654321",
        },
    )
    log_out(page)
    log_in(page, names["kz_signatory"])
    sign(page, number)
    log_out(page)
    assert deliver() == 1

    # The BY supervisor registers the request and refuses it (Art. 10.4).
    log_in(page, names["by_supervisor"])
    register(page, number)
    form = start_action(page, "Отказать в исполнении")
    form.get_by_label("Ущерб безопасности").check()
    form.get_by_role("button", name="Проверить перед отправкой").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Укажите причины отказа")
    expect(alert).to_contain_text("ст. 10.4")
    page.shot("11-by-supervisor-refusal-without-reasons")
    form = page.locator("form.action-card")  # the form's own page now, nothing sent
    expect(form.get_by_label("Ущерб безопасности")).to_be_checked()  # kept after the error
    form.get_by_label("Причины отказа").fill("Исполнение запроса нанесёт ущерб безопасности.")
    form.get_by_role("button", name="Проверить перед отправкой").click()
    expect(page.locator(".review")).to_contain_text("Исполнение запроса нанесёт ущерб")
    send_reviewed(page)
    expect_state(page, "Отказ в исполнении")
    page.shot("12-by-supervisor-refused")
    log_out(page)

    # KZ receives the refusal with its grounds and reasons, and the written notice.
    assert deliver() == 2  # the notice of registration (Art. 10.1), then the refusal
    log_in(page, names["kz_operator"])
    open_case(page, "Закрытые исходящие", number)
    expect_state(page, "Отказ в исполнении")
    refusal = page.get_by_role("listitem").filter(has_text="Получен отказ")
    expect(refusal).to_contain_text("Ущерб безопасности")
    expect(refusal).to_contain_text("Исполнение запроса нанесёт ущерб безопасности.")
    page.shot("13-kz-operator-sees-refusal")
    expect_pdf(page, "Уведомление об отказе (PDF)")


def test_russian_by_default_even_for_an_english_browser(chromium, live_server, officers):
    """Art. 14: Russian is the working language whatever the browser asks; English on request."""
    context = chromium.new_context(
        locale="en-US", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page = context.new_page()
        page.goto("/login/")
        assert page.evaluate("navigator.language") == "en-US"
        expect(page.get_by_role("heading", name="Вход")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(page.get_by_label("Имя пользователя")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "21-en-browser-gets-russian.png"), full_page=True)

        page.get_by_role("button", name="EN").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_label("Username").fill(officers["kz_operator"].username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Needs action")).to_be_visible()
        expect(page.get_by_role("link", name="New request")).to_be_visible()
        expect(page.get_by_text("Входящие")).to_have_count(0)
        page.screenshot(path=str(SCREENSHOTS / "22-switched-to-english.png"), full_page=True)
    finally:
        context.close()


def test_supervisor_sends_an_undeliverable_message_again(page, officers):
    """The exchange tab shows a supervisor what could not be delivered, and why."""
    import uuid

    from migrex.exchange.models import OutboxMessage

    lost = OutboxMessage.objects.create(
        agreement="kz-by-2019",
        conversation_id=uuid.uuid4(),
        kind="request",
        sender_authority="kz-mvd",
        receiver_authority="by-mvd",
        receiver_party="BY",
        payload={},
        status="undeliverable",
        attempts=12,
        last_error="OSError: [Errno 111] Connection refused",
    )
    log_in(page, "kz-signatory")
    tab = page.get_by_role("link", name=re.compile(r"^Обмен \d"))
    expect(tab).to_contain_text("1")
    tab.click()
    expect(page.get_by_role("heading", name="Обмен с другой Стороной")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Connection refused")
    expect(row).to_contain_text("не доставлено")
    page.shot("31-exchange-undeliverable")
    row.get_by_role("button", name="Отправить повторно").click()
    expect(page.get_by_role("status")).to_contain_text("будет отправлено повторно")
    expect(page.get_by_role("row").filter(has_text="Connection refused")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^Обмен \d"))).to_contain_text("0")
    page.shot("32-exchange-sent-again")
    lost.refresh_from_db()
    assert lost.status == "pending"
