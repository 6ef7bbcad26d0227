"""Steps of an officer in the browser that several browser tests take."""

from __future__ import annotations

from playwright.sync_api import Locator

BY_MVD = "Министерство внутренних дел Республики Беларусь"


# --- steps an officer takes ---------------------------------------------------------------------


def choose(select: Locator, text: str) -> None:
    """Pick the option of `select` whose visible text contains `text`."""
    label = select.locator("option", has_text=text).evaluate("option => option.label")
    select.select_option(label=label)
