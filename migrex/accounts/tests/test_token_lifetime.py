"""API tokens end: MIGREX_TOKEN_DAYS after they are issued, and when their user's password
changes; the API says which with a 401, and `migrex token list` shows when each expires."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from migrex.accounts import tokens
from migrex.accounts.models import ApiToken
from migrex.cases.tests.conftest import errors_of
from migrex.conftest import API

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _get(token: str):
    return Client(headers={"Authorization": f"Bearer {token}"}).get(f"{API}/cases")


@pytest.mark.django_db
def test_a_token_expires_after_the_configured_days(officers, settings):
    settings.MIGREX_TOKEN_DAYS = 30
    with time_machine.travel(START, tick=False):
        record, token = tokens.issue(user=officers["kz_operator"])
    assert record.expires_at == START + dt.timedelta(days=30)
    with time_machine.travel(START + dt.timedelta(days=30, seconds=-1), tick=False):
        assert _get(token).status_code == 200
    with time_machine.travel(START + dt.timedelta(days=30), tick=False):
        response = _get(token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="migrex", error="invalid_token"'
    (error,) = errors_of(response)
    assert error["code"] == "token_expired"
    assert "истёк" in error["message_ru"] and "expired" in error["message_en"]


@pytest.mark.django_db
def test_a_password_change_ends_the_tokens_issued_before_it(officers):
    user = officers["kz_operator"]
    with time_machine.travel(START, tick=False):
        _, old = tokens.issue(user=user)
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        assert _get(old).status_code == 200
        user.set_password("a-new-password-of-2026")
        user.save()
        response = _get(old)
        assert response.status_code == 401
        assert errors_of(response)[0]["code"] == "token_ended_by_password_change"
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        _, new = tokens.issue(user=user)
        assert _get(new).status_code == 200
        assert _get(old).status_code == 401


@pytest.mark.django_db
def test_rehashing_the_right_password_is_not_a_change(officers, settings):
    """A stronger hasher rehashes the password at the next check: the tokens keep working."""
    user = officers["kz_operator"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user.set_password("the-same-password-2026")
    user.save()
    _, token = tokens.issue(user=user)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    hash_before = user.password
    assert user.check_password("the-same-password-2026")
    user.save()  # a later save of the whole user keeps the time of the last real change
    user.refresh_from_db()
    assert user.password != hash_before
    assert _get(token).status_code == 200


@pytest.mark.django_db
def test_the_token_list_shows_expiry_and_ended_tokens(officers, settings):
    settings.MIGREX_TOKEN_DAYS = 10
    user = officers["kz_operator"]
    with time_machine.travel(START, tick=False):
        err = io.StringIO()
        call_command("token", "create", "kz-operator", stdout=io.StringIO(), stderr=err)
        assert "expires 2026-03-12" in err.getvalue()
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        tokens.issue(user=officers["kz_signatory"])
        user.set_password("a-new-password-of-2026")
        user.save()
    listings = []
    for days in (5, 12):
        with time_machine.travel(START + dt.timedelta(days=days), tick=False):
            out = io.StringIO()
            call_command("token", "list", stdout=out)
            listings.append(out.getvalue().splitlines())
    assert len(listings[0]) == ApiToken.objects.count() == 2
    assert "password changed" in listings[0][0] and "expires 2026-03-12" in listings[0][0]
    assert "active" in listings[0][1] and "expires 2026-03-13" in listings[0][1]
    assert "expired" in listings[1][1]
