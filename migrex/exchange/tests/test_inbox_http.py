"""The inbox endpoints of a node that cannot open or answer messages yet (no valid key of its
own): a plain JSON error with a stable code and 503, which senders retry, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from migrex.exchange import keys
from migrex.exchange.models import InboxMessage

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("/exchange/inbox", b"a.b.c.d.e", "application/jose"),
    ("/exchange/inbox/batch", b'{"envelopes": ["a.b.c.d.e"]}', "application/json"),
    ("/exchange/inbox/stream", b"a.b.c.d.e\n\x00\x00\x00\x10", "application/octet-stream"),
]


def _future_keys_only() -> None:
    keys.create_keys(not_before=timezone.now() + dt.timedelta(days=1))


@pytest.mark.parametrize("setup", [lambda: None, _future_keys_only], ids=["none", "not_yet"])
@pytest.mark.parametrize(("path", "body", "content_type"), ENDPOINTS)
def test_a_node_without_a_valid_key_answers_503_node_not_configured(
    client, path, body, content_type, setup
):
    setup()
    client.raise_request_exception = False
    response = client.post(path, data=body, content_type=content_type)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    reply = response.json()
    assert reply["code"] == "node_not_configured"
    assert "migrex keys init" in reply["error"]
    assert not InboxMessage.objects.exists()


def test_a_batch_that_is_not_one_gets_a_code_too(client):
    response = client.post("/exchange/inbox/batch", data=b"[]", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"


def test_the_inbox_takes_only_post(client):
    assert client.get("/exchange/inbox").status_code == 405
