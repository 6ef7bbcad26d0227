"""The officer's day on both nodes, in a real browser at 1280 and 390 px: two real node processes
(Kazakhstan and Belarus under kz-by-2019, shell/nodes.py), a real SMTP server process, Chromium.

A request goes from KZ's operator to KZ's signatory, whose start page «Требуют действия» lists it
to sign (Art. 9.3); BY's operator finds it to register on theirs (Art. 10.1), registers it and
asks for additional information (Art. 10.1). On KZ the case is marked «новое» for its author, on
the start page and in the list, and `migrex notify` mails the author the case number and a link,
and nothing of the person or of the question. BY's supervisor finds the case by KZ's number; KZ's
author opens it (the mark clears) and provides the information; BY's operator answers through the
review step (Art. 10.3). Every role of each node then opens its start page, the supervisor and
the auditor the reports.

KZ's officers work on a phone (390 px), BY's at a desk (1280 px); every page an officer sees is
also read at the other width: no raw code, English word or ISO date in what a person reads
(walk_rules.py, as the page walker), no sideways scroll at 390 px (of the page, or of a table
in its frame), no serious or critical axe violation at either width. Screenshots of the start
pages, the case pages, the review step, the search, the reports and the first page of each PDF
of the case go to test-artifacts/day/.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from migrex.core.tests.pdftext import pdf_text
from migrex.notify.tests import conftest as notify_fixtures
from migrex.notify.tests.conftest import body
from migrex.shell import nodes
from migrex.shell.scenario import PERSON, Scenario
from migrex.shell.tests import walk_rules as rules

mail_server = notify_fixtures.mail_server  # the SMTP server process, as the notify tests run it

pytestmark = [pytest.mark.browser, pytest.mark.nodes, pytest.mark.usefixtures("patient_expect")]

ARTIFACTS = nodes.ROOT / "test-artifacts" / "day"
WIDE, NARROW = 1280, 390
HEIGHT = {WIDE: 900, NARROW: 844}
ROLES = {  # role → the demo's login suffix (demo_setup.OFFICERS)
    "operator": "operator",
    "signatory": "signatory",
    "supervisor": "supervisor",
    "auditor": "auditor",
    "administrator": "admin",
}
PDFTOPPM = ("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile")
DELIVERY = 120  # seconds a message may take between the nodes on a loaded machine
QUESTION = "Уточните дату въезда и пункт пропуска."
PROVIDED = "Въезд 01.02.2026 через пункт пропуска «Хоргос»."
ANSWER = "Пребывание законно; сведения о лице прилагаются."
# What a mail must never carry: the person (surname, name, birth date, document), the question.
SECRETS = ("Оганесян", "Hovhannisyan", "Арам", "1990", "12345678", "въезда", "Хоргос", "17/2026")


@pytest.fixture
def patient_expect():
    """Each step may wait a while on a machine shared with other work; Playwright's default
    again afterwards."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="module")
def day_nodes(tmp_path_factory, node_databases, mail_server):
    """Both nodes mail through the test's SMTP server; every officer has an address."""

    def configure(node: nodes.LocalNode) -> None:
        node.extra_env.update(mail_server.env())
        node.extra_env.update(
            MIGREX_MAIL_FROM=f"migrex@{node.party.lower()}.test",
            MIGREX_DELIVERY_BACKOFF="0.2",
            MIGREX_DELIVERY_BACKOFF_CAP="2",
        )

    kz, by = nodes.pair(
        tmp_path_factory.mktemp("day"), database_urls=tuple(node_databases), configure=configure
    )
    try:
        for node in (kz, by):
            node.python(
                """
                from migrex.accounts.models import User
                for user in User.objects.all():
                    user.email = f"{user.username}@{user.username[:2]}.test"
                    user.save(update_fields=["email"])
                print("{}")
                """
            )
            node.start()
        yield kz, by
    finally:
        kz.stop()
        by.stop()


class Day:
    """The officers' browsers (one context each, signed in once) and what was found wrong on
    the pages they saw."""

    def __init__(self, chromium, kz: nodes.LocalNode, by: nodes.LocalNode):
        self.chromium, self.nodes = chromium, {"KZ": kz, "BY": by}
        self.desks: dict[str, Page] = {}
        self.faults: list[str] = []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def desk(self, party: str, role: str) -> Page:
        """The officer's page, signed in with password (and one-time code, Art. 9.3)."""
        username = f"{party.lower()}-{ROLES[role]}"
        if username in self.desks:
            return self.desks[username]
        node = self.nodes[party]
        width = NARROW if party == "KZ" else WIDE
        context = self.chromium.new_context(
            locale="ru-RU",
            viewport={"width": width, "height": HEIGHT[width]},
            base_url=node.url,
        )
        page = context.new_page()
        page.goto("/login/")
        page.get_by_label("Имя пользователя").fill(username)
        page.get_by_label("Пароль").fill(node.logins[username])
        page.get_by_role("button", name="Вход").click()
        page.wait_for_load_state()
        if re.search(r"/login/(code|enrol)/$", page.url):  # the second factor
            page.get_by_label("Код из приложения-аутентификатора").fill(
                node.one_time_code(username)
            )
            page.get_by_role("button", name="Подтвердить").click()
            page.wait_for_load_state()
        assert "/login/" not in page.url, f"{username} could not sign in: {page.url}"
        page.who = f"{party} {role}"
        self.desks[username] = page
        return page

    def look(self, page: Page, shot: str | None = None) -> None:
        """The page as it stands, read at 1280 px and at 390 px; `shot`: saved at both."""
        here = f"{page.who} {urlsplit(page.url).path}"
        own = page.viewport_size
        for width in (WIDE, NARROW):
            page.set_viewport_size({"width": width, "height": HEIGHT[width]})
            if width == WIDE:
                text = page.evaluate(rules.VISIBLE_TEXT)
                self.faults += [f"{here}: {f}" for f in rules.text_faults(text)]
            else:
                measured = page.evaluate(rules.WIDTH)
                if measured["scroll"] > measured["inner"]:
                    self.faults.append(f"{here}: {measured['scroll']} px wide at {width} px")
                for table in page.evaluate(rules.FRAMED_SCROLL):
                    self.faults.append(f"{here}: table «{table}» scrolls sideways at {width} px")
            self.faults += [f"{here} at {width} px: {f}" for f in rules.axe_here(page)]
            if shot:
                page.screenshot(path=str(ARTIFACTS / f"{shot}-{width}.png"), full_page=True)
        page.set_viewport_size(own)

    def start_page(self, party: str, role: str, shot: str | None = None) -> Page:
        page = self.desk(party, role)
        page.goto("/")
        expect(page.get_by_role("heading", name="Требуют действия", exact=True)).to_be_visible()
        self.look(page, shot)
        return page


def poll(page: Page, path: str, find, what: str, timeout: float = DELIVERY):
    """Load `path` again until `find(page)` finds something: a message crossing between the
    nodes, on a machine that may be busy."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(path)
        found = find(page)
        if found.count():
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{page.who}: {what} not seen within {timeout:.0f} s")
        page.wait_for_timeout(500)


def entry(page: Page, section: str, number: str):
    """The start page's entry of the case numbered `number` in `section`."""
    return page.locator(f"section.attention-{section} li.attention-item").filter(
        has=page.get_by_role("link", name=number)
    )


def act(page: Page, label: str):
    """Open the move's form from «Что сделать дальше»; the form."""
    link = page.locator("section.actions").get_by_role("link", name=label, exact=True)
    expect(link).to_be_visible()
    link.click()
    form = page.locator("#action-form form")
    expect(form).to_be_visible()
    return form


def done(page: Page, message: str) -> None:
    expect(page.get_by_text(message, exact=True)).to_be_visible()


def test_a_day_of_each_role_on_both_nodes(chromium, day_nodes, mail_server):
    kz, by = day_nodes
    day = Day(chromium, kz, by)

    # 1. KZ: the operator's draft (as their national system would make it), submitted in the
    # browser; the signatory finds it on their start page and signs it (Art. 9.3).
    story = Scenario(kz, by, out=lambda *_: None)
    ours = story.draft(
        summary="Сведения о временном пребывании гражданина Армении Оганесяна А.",
        purpose="Проверка законности пребывания",
        justification="Материалы проверки № 17/2026",
        persons=[PERSON],
        topics=["citizens_in_other_state"],
    )
    number, case_path = ours["number"], f"/cases/{ours['id']}/"
    operator = day.start_page("KZ", "operator")
    operator.goto(case_path)
    act(operator, "Передать на подпись").get_by_role("button", name="Передать на подпись").click()
    done(operator, "Передан на подпись.")
    day.look(operator)

    signatory = day.start_page("KZ", "signatory", shot="KZ-signatory-to-sign")
    to_sign = entry(signatory, "sign", f"№ {number}")
    expect(to_sign).to_have_count(1)
    expect(to_sign.locator(".news-mark")).to_have_text("новое")
    to_sign.get_by_role("link", name=f"№ {number}").click()
    form = act(signatory, "Подписать и направить")
    form.get_by_label("Подтвердите пароль для подписания").fill(kz.logins["kz-signatory"])
    day.look(signatory)
    form.get_by_role("button", name="Подписать и направить").click()
    done(signatory, "Запрос подписан и направлен.")

    # 2. BY: the request arrives on the operator's start page to register (Art. 10.1); BY's
    # coordinators are mailed; the operator registers it and asks for more (Art. 10.1).
    by_operator = day.desk("BY", "operator")
    poll(by_operator, "/", lambda p: entry(p, "register", number), "the request to register")
    day.look(by_operator, shot="BY-operator-to-register")
    theirs_path = urlsplit(
        entry(by_operator, "register", number).get_by_role("link").first.get_attribute("href")
    ).path
    by.migrex("notify")
    new_request = [m for m in mail_server.to("by-operator@by.test") if theirs_path in body(m)]
    assert new_request, [str(m["Subject"]) for m in mail_server.messages()]
    entry(by_operator, "register", number).get_by_role("link").first.click()
    act(by_operator, "Зарегистрировать").get_by_role("button", name="Зарегистрировать").click()
    done(by_operator, "Запрос зарегистрирован.")
    by_number = by_operator.locator("h1").inner_text().removeprefix("№ ").strip()
    form = act(by_operator, "Запросить дополнительные сведения")
    form.locator("textarea[name=text]").fill(QUESTION)
    day.look(by_operator)
    form.get_by_role("button", name="Запросить дополнительные сведения").click()
    done(by_operator, "Запрошены дополнительные сведения.")

    # 3. KZ: the clarification marks the case for its author, on the start page and in the
    # list, and the author is mailed the number and a link, nothing personal.
    poll(
        operator,
        "/",
        lambda p: entry(p, "asked", f"№ {number}").locator(".news-mark"),
        "the clarification",
    )
    expect(entry(operator, "news", f"№ {number}").locator(".news-mark")).to_have_text("новое")
    day.look(operator, shot="KZ-operator-clarification-arrived")
    operator.goto("/outgoing/")
    row = operator.locator("tbody tr").filter(has=operator.get_by_role("link", name=number))
    expect(row.locator(".news-mark")).to_have_text("новое")
    day.look(operator)
    said = kz.migrex("notify")
    assert "mail(s) sent" in said, said
    mails = mail_server.to("kz-operator@kz.test")  # BY's registration, then its question
    asked = [m for m in mails if "Запрошены дополнительные сведения" in body(m)]
    assert len(asked) == 1, [body(m) for m in mails]
    text, subject = body(asked[0]), str(asked[0]["Subject"])
    assert number in subject and number in text and f"{kz.url}{case_path}" in text, text
    for mail in mails:
        for secret in SECRETS:
            assert secret not in body(mail) and secret not in str(mail["Subject"]), secret

    # 4. BY's supervisor finds the case by KZ's number; KZ's author opens it (the mark clears)
    # and provides the information, the question repeated above the form.
    supervisor = day.desk("BY", "supervisor")
    supervisor.goto("/cases/search/")
    supervisor.locator("form.search-form input[name=q]").fill(number)
    supervisor.locator("form.search-form button[type=submit]").click()
    found = supervisor.locator("tbody tr").filter(
        has=supervisor.get_by_role("link", name=by_number)
    )
    expect(found).to_have_count(1)
    expect(found).to_contain_text(number)
    day.look(supervisor, shot="BY-supervisor-search")
    found.get_by_role("link", name=by_number).click()
    expect(supervisor.get_by_text(number, exact=True)).to_be_visible()
    day.look(supervisor)

    operator.goto("/")
    entry(operator, "asked", f"№ {number}").get_by_role("link", name=f"№ {number}").click()
    expect(operator.get_by_role("heading", name=f"№ {number}")).to_be_visible()
    operator.goto("/")
    expect(entry(operator, "asked", f"№ {number}")).to_have_count(1)
    expect(entry(operator, "asked", f"№ {number}").locator(".news-mark")).to_have_count(0)
    expect(entry(operator, "news", f"№ {number}")).to_have_count(0)
    operator.goto("/outgoing/")
    expect(row).to_have_count(1)
    expect(row.locator(".news-mark")).to_have_count(0)
    operator.goto(case_path)
    form = act(operator, "Представить сведения")
    expect(form.locator(".asked-text")).to_have_text(QUESTION)
    form.locator("textarea[name=text]").fill(PROVIDED)
    day.look(operator)
    form.get_by_role("button", name="Представить сведения").click()
    done(operator, "Дополнительные сведения направлены.")

    # 5. BY's operator answers, through the page that shows what will leave (Art. 10.3).
    poll(by_operator, theirs_path, lambda p: p.get_by_text(PROVIDED), "the information provided")
    poll(
        by_operator,
        theirs_path,
        lambda p: p.locator("section.actions").get_by_role("link", name="Направить ответ"),
        "the answer open again once the information came",
    )
    form = act(by_operator, "Направить ответ")
    form.locator("textarea[name=text]").fill(ANSWER)
    day.look(by_operator)
    form.get_by_role("button", name="Проверить перед отправкой").click()
    expect(by_operator.get_by_role("heading", name="Проверьте перед отправкой")).to_be_visible()
    expect(by_operator.locator(".review-text")).to_have_text(ANSWER)
    day.look(by_operator, shot="BY-operator-review")
    by_operator.get_by_role("checkbox", name=re.compile("^Я проверил")).check()
    by_operator.get_by_role("button", name="Подтвердить и направить").click()
    done(by_operator, "Ответ направлен.")
    day.look(by_operator, shot="BY-case")

    # The answer reaches KZ, marked for the author; the case page and its documents.
    poll(
        operator,
        "/",
        lambda p: entry(p, "news", f"№ {number}").locator(".news-mark"),
        "the answer",
    )
    operator.goto(case_path)
    expect(operator.locator(".case-latest")).to_contain_text(ANSWER)
    day.look(operator, shot="KZ-case")
    for page, party in ((operator, "KZ"), (by_operator, "BY")):
        page.goto(case_path if party == "KZ" else theirs_path)
        assert documents(day, page, party) == ["request", "clarification", "answer", "case-file"]

    # 6. Every role of each node at its start page; the supervisor and auditor at the reports.
    for party in ("KZ", "BY"):
        for role in ROLES:
            day.start_page(party, role, shot=f"{party}-{role}-start")
        for role in ("supervisor", "auditor"):
            page = day.desk(party, role)
            page.goto("/reports/")
            counted = "Направлено" if party == "KZ" else "Получено"  # this year: the one request
            expect(page.locator(f'g.rc-row[data-label="{counted}"]')).to_have_attribute(
                "data-value", "1"
            )
            day.look(page, shot=f"{party}-{role}-reports" if role == "supervisor" else None)

    assert not day.faults, f"{len(day.faults)} faults:\n" + "\n".join(day.faults)


def documents(day: Day, page: Page, party: str) -> list[str]:
    """Each PDF the case page offers, downloaded with the officer's session: a PDF with no raw
    code or ISO date in its text (English it has: the letters' translation for information,
    below the Russian that prevails), its first page as a PNG
    (when poppler's pdftoppm is installed: `make pdftools`). Their names, in the page's order."""
    links = page.locator("aside.case-side ul.docs a[href$='.pdf']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    names = []
    for href in hrefs:
        response = page.request.get(href)
        assert response.status == 200, (href, response.status)
        assert response.body().startswith(b"%PDF"), href
        name = "clarification" if "/clarifications/" in href else href.split("/")[-1][:-4]
        names.append(name)
        pdf = ARTIFACTS / f"{party}-{name}.pdf"
        pdf.write_bytes(response.body())
        for fault in rules.text_faults(pdf_text(response.body())):
            if not fault.startswith("English"):  # a letter carries its English translation
                day.faults.append(f"{page.who} {href}: {fault}")
        try:
            if shutil.which("pdftoppm"):
                subprocess.run(
                    [*PDFTOPPM, str(pdf), str(ARTIFACTS / f"{party}-pdf-{name}")],
                    check=True,
                )
        finally:
            pdf.unlink()
    return names
