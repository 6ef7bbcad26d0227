"""Fixtures of the registers' tests: media in a temporary directory, the BY node that opens
real envelopes (`by_node`, migrex/conftest.py), and envelopes for the handlers."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def envelope(
    kind: str,
    payload,
    *,
    sender: str = "by-mvd",
    receiver: str = "kz-mvd",
    conversation: str | None = None,
) -> dict:
    """What the inbox hands a handler once the envelope is opened and its route checked."""
    return {
        "message_id": str(uuid.uuid4()),
        "conversation_id": conversation or str(uuid.uuid4()),
        "agreement": "kz-by-2019",
        "kind": kind,
        "sender_authority": sender,
        "receiver_authority": receiver,
        "payload": payload,
    }
