"""Every page an officer can reach, as each role sees it in Russian at 1280 and 390 px, in a real
browser: no raw code, no English word, no ISO date shown to a person; no page wider than a
phone's screen; no serious or critical accessibility violation (axe-core, from the npm registry,
installed by `make install`).

One node (walk_seed.py: the Kazakh ministry with cases in every state on both sides), seeded
once: the module's one test (the live server's database is emptied after each test) signs in as
each role in turn, follows the links of the navigation and of every page (one case per list;
the admin's index and its changelists; no download, no action other than reading), reads each
page at 1280 px and narrows it to 390 px, and lists every fault with the URL and the text.
Codes may stay in attributes (a title="" tooltip for the auditor): only what a person reads is
checked.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

from migrex.shell.tests import walk_rules as rules
from migrex.shell.tests.walk_seed import OFFICERS, PASSWORD, seed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_expect"),
]

AXE = rules.AXE
ROLES = {
    "operator": "kz-operator",
    "signatory": "kz-signatory",
    "supervisor": "kz-supervisor",
    "auditor": "kz-auditor",
    "administrator": "kz-admin",
}
WIDTHS = (1280, 390)
MAX_PAGES = 120  # a role's walk; more means a link the walker should not follow


@pytest.fixture
def site(live_server, node_material, roles) -> str:
    """The seeded node's URL: seeded once for the module (its one test walks every role)."""
    seed(node_material)
    return live_server.url


def sign_in(page, site: str, username: str) -> None:
    from migrex.conftest import current_code

    page.goto(site + "/login/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"], form button:not([type])').last.click()
    page.wait_for_load_state()
    if re.search(r"/login/(code|enrol)/$", page.url):  # signatories, administrators: 2nd factor
        page.locator('input[name="code"]').fill(current_code(username))
        page.locator('form button[type="submit"], form button:not([type])').last.click()
        page.wait_for_load_state()
    assert "/login/" not in page.url, f"{username} could not sign in: {page.url}"


def test_every_page_reads_as_russian_and_fits(site, chromium):
    """Each role; every fault of every page is listed before the test fails."""
    axe_seen: set[str] = set()  # a page looks alike to every role: axe once
    faults: list[str] = []
    for role, username in ROLES.items():
        assert OFFICERS[username][1] == (role,)
        faults += [f"{where}: {fault}" for where, fault in walk(site, chromium, username, axe_seen)]
    if not AXE.exists():
        faults.append(f"{AXE} is missing: run `make install` (npm ci)")
    assert not faults, f"{len(faults)} faults:\n" + "\n".join(faults)


def at(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})


def walk(site, chromium, username, axe_seen):
    """(where, fault) for each page the officer reaches: its text read at 1280 px, then the
    page narrowed to 390 px (the same page, its layout redone) for the width; axe at both."""
    started = time.monotonic()
    wide, narrow = WIDTHS
    context = chromium.new_context(locale="ru-RU", viewport={"width": wide, "height": 900})
    # axe is injected as a script of its own: the node's policy (no inline script) would refuse
    # it, so only this second context, which loads each page again for axe, bypasses it.
    axe_context = chromium.new_context(
        locale="ru-RU", viewport={"width": wide, "height": 900}, bypass_csp=True
    )
    try:
        page = context.new_page()
        sign_in(page, site, username)
        axe_context.add_cookies(context.cookies())
        axe_page = axe_context.new_page()
        pages = rules.Walk(site)
        pages.add(urlsplit(page.url).path, None)
        while (target := pages.next()) is not None:
            assert pages.visited <= MAX_PAGES, pages.seen
            at(page, wide)
            response = page.goto(site + target)
            status = response.status if response else 0
            here = f"{username} {target}"
            if status >= 500:
                yield here, f"answers {status}"
            for fault in rules.text_faults(page.evaluate(rules.VISIBLE_TEXT)):
                yield here, fault
            if status < 400:
                for href in page.evaluate(rules.LINKS):
                    pages.add(href, target)
            at(page, narrow)
            measured = page.evaluate(rules.WIDTH)
            if measured["scroll"] > measured["inner"]:
                yield here, f"{measured['scroll']} px wide on a {narrow} px screen"
            if rules.pattern(target) not in axe_seen and AXE.exists():
                axe_seen.add(rules.pattern(target))
                at(axe_page, wide)
                axe_page.goto(site + target)
                axe_page.add_script_tag(path=str(AXE))
                for width in (wide, narrow):
                    at(axe_page, width)
                    for fault in rules.axe_faults(axe_page.evaluate(rules.AXE_RUN)):
                        yield here, f"at {width} px: {fault}"
        print(f"{username}: {pages.visited} pages, {time.monotonic() - started:.1f} s")
    finally:
        context.close()
        axe_context.close()
