"""A bearer token is no sign-in: a signature made through the API (`sign`, Art. 9.3, and the
confirmation of Art. 9.5) needs the signatory's current one-time code besides the password, the
code checked as at login (once per code, failures counted with the login's)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from migrex.accounts.models import LoginFailure
from migrex.cases.tests.conftest import errors_of, login
from migrex.conftest import PASSWORD, create, current_code, enrolled, send

DOUBT = {"text": "Подпись на запросе не совпадает с образцом."}
CONFIRMED = {"text": "Запрос направлен нами и подписан уполномоченным лицом."}


def _submitted(apis) -> int:
    cid = create(apis["kz_operator"])["id"]
    assert apis["kz_operator"].act(cid, "submit").status_code == 200
    return cid


@pytest.mark.django_db
def test_signing_through_the_api_needs_the_one_time_code(apis):
    signer = apis["kz_signatory"]
    enrolled(signer.user)
    cid = _submitted(apis)

    missing = signer.act(cid, "sign", password=PASSWORD, otp=None)
    assert missing.status_code == 403
    (error,) = errors_of(missing)
    assert (error["code"], error["article"], error["field"]) == (
        "second_factor_required",
        "9.3",
        "otp",
    )
    assert "одноразовый код" in error["message_ru"] and "one-time code" in error["message_en"]

    wrong = signer.act(cid, "sign", password=PASSWORD, otp="000000")
    if wrong.status_code == 200:  # 1 in a million: 000000 was the code
        pytest.skip("the guessed code was right")
    assert wrong.status_code == 403
    assert errors_of(wrong)[0]["code"] == "second_factor_invalid"
    assert LoginFailure.objects.filter(stage=LoginFailure.Stage.CODE).count() == 1
    assert signer.get(f"/cases/{cid}").json()["status"] == "awaiting_signature"

    code = current_code("kz-signatory")
    signed = signer.act(cid, "sign", password=PASSWORD, otp=code)
    assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "sent"

    again = _submitted(apis)
    replayed = signer.act(again, "sign", password=PASSWORD, otp=code)  # a code is used once
    assert replayed.status_code == 403
    assert errors_of(replayed)[0]["code"] == "second_factor_invalid"


@pytest.mark.django_db
def test_a_signatory_without_an_authenticator_is_told_to_set_it_up(apis):
    cid = _submitted(apis)
    response = apis["kz_signatory"].act(cid, "sign", password=PASSWORD, otp="123456")
    assert response.status_code == 403
    (error,) = errors_of(response)
    assert error["code"] == "second_factor_required"
    assert "аутентификатор" in error["message_ru"] and "Set up" in error["message_en"]


@pytest.mark.django_db
def test_the_code_is_asked_only_once_the_password_is_right(apis):
    """A wrong password is answered as before, and costs no code."""
    signer = apis["kz_signatory"]
    device = enrolled(signer.user)
    cid = _submitted(apis)
    response = signer.act(cid, "sign", password="not it", otp=current_code("kz-signatory"))
    assert errors_of(response)[0]["code"] == "reauthentication_required"
    device.refresh_from_db()
    assert device.last_step is None


@pytest.mark.django_db
def test_confirming_a_request_through_the_api_needs_the_code_too(client, officers, deliver, apis):
    ours, theirs = send(officers, deliver)
    login(client, officers["by_operator"])
    asked = client.post(reverse("cases:act", args=[theirs.pk, "ask_confirmation"]), DOUBT)
    assert asked.status_code == 302
    deliver()
    api = apis["kz_signatory"]
    enrolled(api.user)
    missing = api.act(ours.pk, "confirm", password=PASSWORD, otp="", **CONFIRMED)
    assert missing.status_code == 403
    assert errors_of(missing)[0]["code"] == "second_factor_required"
    code = current_code("kz-signatory")
    done = api.act(ours.pk, "confirm", password=PASSWORD, otp=code, **CONFIRMED)
    assert done.status_code == 200, done.json()
