"""Steps on real node processes that several tests take: waiting for a condition, finding a
case by its conversation, BY's own signed request to KZ."""

from __future__ import annotations

import time

from migrex.conftest import PERSON
from migrex.shell.nodes import Api


def wait_for(check, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def find(api: Api, conversation: str) -> dict | None:
    page = api.ok("GET", "/cases?limit=200")
    return next((c for c in page["items"] if c["conversation_id"] == conversation), None)


def by_request(by, *, wait: bool = True) -> dict:
    """BY's own request to KZ, signed (and, if `wait`, delivered): the conversation the rogue
    answers."""
    operator, signatory = Api(by, "by-operator"), Api(by, "by-signatory")
    draft = operator.ok(
        "POST",
        "/cases",
        {
            "agreement": "kz-by-2019",
            "requested_authority": "kz-mvd",
            "summary": "Сведения о лице",
            "purpose": "Проверка",
            "justification": "Материалы № 5",
            "topics": ["citizens_in_other_state"],
            "persons": [{**PERSON, "data": {**PERSON["data"], "citizenship": ["BY"]}}],
        },
    )
    operator.ok("POST", f"/cases/{draft['id']}/actions/submit", {})
    password = by.logins["by-signatory"]
    signed = signatory.ok("POST", f"/cases/{draft['id']}/actions/sign", {"password": password})
    if not wait:
        return signed
    return wait_for(
        lambda: (c := operator.ok("GET", f"/cases/{draft['id']}"))["received_on"] and c,
        "BY's request to be delivered",
    )
