"""What an attacker can POST to the inbox before anyone is authenticated: never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_batch_nested_fifty_thousand_deep_is_refused_before_parsing_it_through(client):
    client.raise_request_exception = False
    body = b'{"envelopes": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    response = client.post("/exchange/inbox/batch", data=body, content_type="application/json")
    assert response.status_code == 400
    reply = response.json()
    assert reply["code"] == "malformed"
    assert "recursion limit" in reply["error"]
    assert "\n" not in reply["error"]
