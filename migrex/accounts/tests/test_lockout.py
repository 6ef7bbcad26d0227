"""Lockout (OWASP ASVS 2.2.1): five failures for one username or twenty from one address within
15 minutes lock further attempts, even with the right password, until the cool-off passes; the
password re-entered before a signature (Art. 9.3) is under the same limit."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils import timezone

from migrex.accounts import lockout, services
from migrex.accounts.models import LoginFailure
from migrex.audit.models import AuditEntry
from migrex.conftest import PASSWORD, PERSON, Api, create

START = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


def _login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def _actions(actor: str) -> list[str]:
    return list(
        AuditEntry.objects.filter(actor=actor).order_by("seq").values_list("action", flat=True)
    )


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_five_failures_lock_the_username_until_the_cool_off_passes(officers, clock):
    client = Client()
    for _ in range(4):
        assert _login(client, "kz-operator", "wrong").status_code == 200
    response = _login(client, "kz-operator", "wrong")  # the fifth reaches the limit
    assert response.status_code == 429
    text = response.content.decode()
    assert "Слишком много неудачных попыток" in text
    # 06:00 UTC is 11:00 in Almaty; the lock lasts 15 minutes from the fifth failure.
    assert "11:15" in text and "через 15 минут" in text

    clock.shift(dt.timedelta(minutes=5))
    response = _login(client, "kz-operator", PASSWORD)  # the right password, still refused
    assert response.status_code == 429
    assert "11:15" in response.content.decode() and "через 10 минут" in response.content.decode()
    assert "_auth_user_id" not in client.session

    clock.shift(dt.timedelta(minutes=10, seconds=1))
    response = _login(client, "kz-operator", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officers["kz_operator"].pk)
    assert not LoginFailure.objects.filter(username="kz-operator").exists()  # cleared
    assert _actions("kz-operator") == ["login.failed"] * 5 + ["login.locked", "login.succeeded"]


def test_failures_spread_over_more_than_the_window_do_not_lock(officers, clock):
    client = Client()
    for _ in range(6):
        assert _login(client, "kz-operator", "wrong").status_code == 200
        clock.shift(dt.timedelta(minutes=4))
    assert _login(client, "kz-operator", PASSWORD).status_code == 302


def test_the_username_is_counted_whatever_its_case_and_whatever_the_address(officers, clock):
    for n in range(5):
        _login(Client(REMOTE_ADDR=f"10.0.0.{n}"), "KZ-Operator" if n % 2 else "kz-operator", "x")
    assert _login(Client(REMOTE_ADDR="10.9.9.9"), "kz-operator", PASSWORD).status_code == 429


def test_the_username_in_full_width_letters_is_the_same_count_and_stays_locked(officers, clock):
    full_width = "ｋｚ-ｏｐｅｒａｔｏｒ"  # NFKC: kz-operator, as sign-in reads it
    for _ in range(5):
        _login(Client(), "kz-operator", "wrong")
    assert _login(Client(), full_width, PASSWORD).status_code == 429
    assert LoginFailure.objects.filter(username="kz-operator").count() == 5  # not cleared
    clock.shift(dt.timedelta(minutes=16))
    for _ in range(5):
        _login(Client(), full_width, "wrong")
    assert _login(Client(), "kz-operator", PASSWORD).status_code == 429


def test_twenty_failures_from_one_address_lock_every_username_from_it(officers, clock):
    attacker = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(20):
        _login(attacker, f"guess-{n}", "x")
    response = _login(attacker, "kz-auditor", PASSWORD)
    assert response.status_code == 429
    assert "Слишком много неудачных попыток" in response.content.decode()
    # The same officer from another address is not locked: the limit was the address's.
    assert _login(Client(REMOTE_ADDR="192.0.2.8"), "kz-auditor", PASSWORD).status_code == 302


def test_wrong_passwords_before_a_signature_count_toward_the_same_lockout(officers, clock):
    """Art. 9.3: the signer re-enters the password; guessing it there is limited as at login."""
    signer = officers["kz_signatory"]
    for _ in range(5):
        assert services.confirm_identity(signer, "wrong", address="10.0.0.1") is False
    with pytest.raises(lockout.LockedOut) as raised:
        services.confirm_identity(signer, PASSWORD, address="10.0.0.1")
    assert raised.value.code == "locked_out" and raised.value.status == 429
    assert "11:15" in raised.value.message_ru and "11:15" in raised.value.message_en
    # ... and the login with the right password is locked too.
    assert _login(Client(), "kz-signatory", PASSWORD).status_code == 429
    assert _actions("kz-signatory") == ["identity.failed"] * 5 + ["login.locked"] * 2
    clock.shift(dt.timedelta(minutes=16))
    assert services.confirm_identity(signer, PASSWORD, address="10.0.0.1") is True


def test_a_signature_over_the_api_after_too_many_wrong_passwords_answers_429(officers, clock):
    operator, signer = Api(officers["kz_operator"]), Api(officers["kz_signatory"])
    case = create(operator)
    assert operator.act(case["id"], "submit").status_code == 200
    for _ in range(5):
        assert signer.act(case["id"], "sign", password="wrong").status_code == 403
    response = signer.act(case["id"], "sign", password=PASSWORD)
    assert response.status_code == 429
    error = response.json()["errors"][0]
    assert (error["code"], error["field"]) == ("locked_out", "password")
    assert "Слишком много неудачных попыток" in error["message_ru"]
    assert "11:15" in error["message_en"]
    assert signer.get(f"/cases/{case['id']}").json()["status"] == "awaiting_signature"
    assert timezone.now() == START


def test_the_sign_form_after_too_many_wrong_passwords_says_when_to_try_again(
    officers, agreement, clock
):
    from migrex.agreements.models import Authority
    from migrex.cases import services as cases

    case = cases.create_draft(
        actor=officers["kz_operator"],
        agreement=agreement,
        requested_authority=Authority.objects.get(code="by-mvd"),
        persons=[PERSON],
        summary="Проверка",
        purpose="Цель",
        justification="Основание",
        topics=["citizens_in_other_state"],
    )
    cases.transition(case=case, action="submit", actor=officers["kz_operator"])
    signer = Client()
    signer.force_login(officers["kz_signatory"])
    url = f"/cases/{case.pk}/act/sign/"
    for _ in range(5):
        response = signer.post(url, {"password": "wrong"}, headers={"HX-Request": "true"})
        assert response.status_code == 403
        assert "Пароль неверен" in response.content.decode()
    response = signer.post(url, {"password": PASSWORD}, headers={"HX-Request": "true"})
    assert response.status_code == 429
    assert "Слишком много неудачных попыток" in response.content.decode()
    assert "11:15" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "awaiting_signature"


def test_an_absurdly_long_username_is_counted_and_locked_without_an_error(db, clock):
    client = Client()
    long_name = "я" * 5000
    for _ in range(5):
        assert _login(client, long_name, "x").status_code in (200, 429)
    assert _login(client, long_name, "x").status_code == 429
    assert AuditEntry.objects.filter(action="login.locked").exists()


def test_attempts_on_a_locked_account_are_audited_once_per_address_and_window(officers, clock):
    client = Client(REMOTE_ADDR="192.0.2.7")
    for _ in range(5):
        _login(client, "kz-operator", "wrong")
    for n in range(10):  # locked: refused whatever the password, and whatever the case
        assert _login(client, "KZ-Operator" if n % 2 else "kz-operator", "x").status_code == 429
    locked = AuditEntry.objects.filter(action="login.locked")
    assert locked.count() == 1
    assert locked.get().detail["repeats"] == {
        "source": "kz-operator 192.0.2.7",
        "window": 600,
        "earlier": 0,
    }
    clock.shift(dt.timedelta(minutes=10, seconds=1))  # still locked, in the next window
    assert _login(client, "kz-operator", PASSWORD).status_code == 429
    last = AuditEntry.objects.filter(action="login.locked").order_by("seq").last()
    assert locked.count() == 2 and last.detail["repeats"]["earlier"] == 9


def test_an_attempt_inside_a_transaction_is_refused_as_a_bug(officers):
    """Counted inside an open transaction, an attempt's row would be invisible to parallel ones
    (PostgreSQL) until the commit: the count would no longer hold, so it is not made at all."""
    with transaction.atomic(), pytest.raises(RuntimeError, match="outside transactions"):
        lockout.Attempt(username="kz-operator", address="10.0.0.1", stage="password")
    assert not LoginFailure.objects.exists()
