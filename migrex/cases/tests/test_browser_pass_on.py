"""Passing a received request's documents to a third party from the case page (Art. 11.3), and
the auditor's metadata-only view of it (Art. 11.4), in a real browser on a phone-sized screen
(390 px) and a desktop one (1280 px): refused with the article until the provider consents,
downloaded once it does; nothing wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from migrex.cases.tests.conftest import SUMMARY, grant, received_case
from migrex.conftest import log_in
from migrex.persons.models import Consent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "fast_expect"),
]

PROSECUTOR = "Генеральная прокуратура Республики Беларусь"


def fits(page: Page, width: int) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, scrolled


@pytest.mark.parametrize("width", [390, 1280])
def test_passing_a_photo_to_a_third_party_waits_for_consent(
    page, officers, deliver, settings, tmp_path, make_user, width
):
    settings.MEDIA_ROOT = tmp_path
    theirs = received_case(officers, deliver)
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, "by-operator")
    page.goto(f"/cases/{theirs.pk}/")
    form = page.locator("form.pass-on")
    expect(form).to_be_visible()
    fits(page, width)
    form.locator('input[name="recipient"]').fill(PROSECUTOR)
    form.get_by_role("button", name="фото.jpg").click()
    expect(page.get_by_text("ст. 11.3 Соглашения")).to_be_visible()
    expect(page).to_have_url(f"{page.url.split('/cases/')[0]}/cases/{theirs.pk}/")
    fits(page, width)

    grant(theirs, use=Consent.Use.THIRD_PARTY, recipient=PROSECUTOR)
    form.locator('input[name="recipient"]').fill(PROSECUTOR)
    with page.expect_download() as download:
        form.get_by_role("button", name="фото.jpg").click()
    assert download.value.suggested_filename == "фото.jpg"

    make_user("by-auditor", "by-mvd", "auditor")
    page.context.clear_cookies()
    log_in(page, "by-auditor")
    page.goto(f"/cases/{theirs.pk}/")
    expect(page.locator(".card .note-locked").first).to_be_visible()  # the texts' note
    expect(page.get_by_text(SUMMARY)).to_have_count(0)
    expect(page.locator("form.pass-on")).to_have_count(0)
    fits(page, width)
