"""A message the inbox cannot store or apply for a reason the rules did not foresee (a bug here)
is logged and refused, and neither the log line, the refusal nor its audit entry quotes what the
error's message said: on PostgreSQL an IntegrityError's DETAIL quotes the key's values, here the
person's surname (core/logsafe.py)."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.auth import get_user_model

from migrex.audit.models import AuditEntry
from migrex.conftest import PERSON, signed
from migrex.exchange import inbox
from migrex.exchange.models import OutboxMessage

pytestmark = pytest.mark.django_db

SURNAME = PERSON["data"]["surname"]["cyrillic"]  # «Оганесян»: in the message, never in a log


def _clash(envelope, body) -> None:
    """A handler with a bug: it stores a value of the message under a unique key twice."""
    User = get_user_model()
    User.objects.create(username=SURNAME)
    User.objects.create(username=SURNAME)


def _unreadable(envelope, body) -> None:
    """A handler with a bug: it reads a value of the message as a number."""
    int(SURNAME)


def _signed_request(officers):
    case = signed(officers)
    return OutboxMessage.objects.get(conversation_id=case.conversation_id, status="pending")


@pytest.mark.parametrize(
    ("bug", "logged", "named"),
    [
        # The constraint is named: accounts_user_username_key, or accounts_user.username (SQLite).
        (_clash, "not stored: IntegrityError", "not stored: IntegrityError ["),
        (_unreadable, "payload not usable: ValueError", "cannot be applied: ValueError"),
    ],
)
def test_an_unforeseen_error_is_logged_and_refused_without_the_values_it_quotes(
    officers, both_nodes, monkeypatch, caplog, bug, logged, named
):
    message = _signed_request(officers)
    monkeypatch.setattr(inbox, "_apply", bug)
    with caplog.at_level(logging.INFO):
        reply = both_nodes.receive(message)
    assert reply.code == "payload_invalid"
    [line] = [r for r in caplog.records if r.name == "migrex.inbox"]
    assert line.levelno == logging.ERROR and line.exc_info is None
    assert logged in line.getMessage() and str(message.id) in line.getMessage()
    assert "test_inbox_logs.py" in line.getMessage()  # where the bug is
    refusal = both_nodes.refusal(reply)
    assert named in refusal["detail"]
    assert ("accounts_user" in refusal["detail"]) is (bug is _clash)
    audited = AuditEntry.objects.filter(action="message.refused").get()
    for text in (caplog.text, json.dumps(refusal, ensure_ascii=False)):
        assert SURNAME not in text, text
    assert SURNAME not in json.dumps(audited.detail, ensure_ascii=False)
    assert not get_user_model().objects.filter(username=SURNAME).exists()  # rolled back
