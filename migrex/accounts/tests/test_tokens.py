"""API tokens: only a digest is kept, revocation and inactive users end them, the command."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from migrex.accounts import tokens
from migrex.accounts.models import ApiToken


@pytest.mark.django_db
def test_only_the_sha256_of_the_token_is_stored(officers):
    record, token = tokens.issue(user=officers["kz_operator"], name="ЕИС МВД")
    assert len(base64.urlsafe_b64decode(token + "=")) == tokens.TOKEN_BYTES
    stored = ApiToken.objects.get(pk=record.pk)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {v for v in stored.__dict__.values() if isinstance(v, str)}
    assert tokens.authenticate(token) == officers["kz_operator"]
    assert tokens.issue(user=officers["kz_operator"])[1] != token


@pytest.mark.django_db
def test_revoked_tokens_and_inactive_users_do_not_authenticate(officers):
    _, token = tokens.issue(user=officers["kz_operator"])
    record, other = tokens.issue(user=officers["kz_signatory"])
    assert tokens.authenticate("") is None
    assert tokens.authenticate(token[:-1]) is None

    revoked = tokens.revoke(token_id=record.pk)
    assert revoked.revoked_at is not None
    assert tokens.authenticate(other) is None
    assert tokens.revoke(token_id=record.pk).revoked_at == revoked.revoked_at  # idempotent

    officers["kz_operator"].is_active = False
    officers["kz_operator"].save()
    assert tokens.authenticate(token) is None


@pytest.mark.django_db
def test_last_use_is_recorded_at_most_once_a_minute(officers):
    record, token = tokens.issue(user=officers["kz_operator"])
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        tokens.authenticate(token)
    with (
        time_machine.travel(start + dt.timedelta(seconds=30), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        tokens.authenticate(token)
    # Not even asked for: on SQLite an UPDATE takes the write lock whether or not a row matches.
    assert not [q for q in queries.captured_queries if "UPDATE" in q["sql"]]
    record.refresh_from_db()
    assert record.last_used_at == start
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        tokens.authenticate(token)
    record.refresh_from_db()
    assert record.last_used_at == start + dt.timedelta(minutes=2)


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_token_command_creates_prints_once_and_revokes(officers):
    out, err = _run("create", "kz-operator", "--name", "ЕИС")
    token = out.strip()
    record = ApiToken.objects.get()
    assert tokens.authenticate(token) == officers["kz_operator"]
    assert f"token {record.pk} for kz-operator (ЕИС)" in err and token not in err
    assert record.name == "ЕИС"

    listing, _ = _run("list")
    assert "kz-operator" in listing and "active" in listing and token not in listing

    out, _ = _run("revoke", str(record.pk))
    assert f"token {record.pk} of kz-operator revoked" in out
    assert tokens.authenticate(token) is None
    assert "revoked" in _run("list", "kz-operator")[0]


@pytest.mark.django_db
def test_token_command_refuses_unknown_users_and_tokens(officers):
    with pytest.raises(CommandError, match="no user"):
        _run("create", "nobody")
    officers["kz_auditor"].is_active = False
    officers["kz_auditor"].save()
    with pytest.raises(CommandError, match="inactive"):
        _run("create", "kz-auditor")
    with pytest.raises(CommandError, match="no token 999"):
        _run("revoke", "999")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_issuing_and_revoking_a_token_are_audited_without_the_token(officers):
    from migrex.audit.models import AuditEntry

    record, token = tokens.issue(user=officers["kz_operator"], name="ЕИС", actor="kz-admin")
    tokens.revoke(token_id=record.pk, actor="kz-admin")
    tokens.revoke(token_id=record.pk, actor="kz-admin")  # already revoked: nothing changes
    entries = list(AuditEntry.objects.filter(action__startswith="token.").order_by("seq"))
    assert [(e.action, e.actor, e.subject) for e in entries] == [
        ("token.issued", "kz-admin", f"token:{record.pk}"),
        ("token.revoked", "kz-admin", f"token:{record.pk}"),
    ]
    assert all(e.detail == {"user": "kz-operator", "name": "ЕИС"} for e in entries)
    assert not any(token in str(e.detail) or record.digest in str(e.detail) for e in entries)


@pytest.mark.django_db
def test_the_token_command_is_the_actor_of_its_audit_entries(officers):
    from migrex.audit.models import AuditEntry

    _run("create", "kz-operator")
    _run("revoke", str(ApiToken.objects.get().pk))
    audited = AuditEntry.objects.filter(action__startswith="token.").order_by("seq")
    assert list(audited.values_list("action", "actor")) == [
        ("token.issued", "command line"),
        ("token.revoked", "command line"),
    ]
