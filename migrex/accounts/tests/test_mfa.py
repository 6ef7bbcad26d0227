"""The second factor (TOTP) at login for signatories and administrators (OWASP ASVS 2.7/2.8):
enrolment with a key shown as text and QR code, one code per step, failures toward the lockout,
and the JSON API's bearer tokens unaffected."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from migrex.accounts import services, totp
from migrex.accounts.models import TotpDevice
from migrex.audit.models import AuditEntry
from migrex.conftest import PASSWORD

START = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _code(device: TotpDevice, offset: int = 0) -> str:
    return totp.hotp(totp.key_of(device.secret), totp.step_at(time.time()) + offset)


def _password(client: Client, username: str):
    return client.post("/login/", {"username": username, "password": PASSWORD})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_operators_sign_in_with_the_password_alone(officers):
    client = Client()
    assert _password(client, "kz-operator")["Location"] == "/"
    assert _logged_in(client)


def test_a_signatory_without_an_authenticator_enrols_at_first_sign_in(officers, clock):
    client = Client()
    response = _password(client, "kz-signatory")
    assert response["Location"] == "/login/enrol/"
    assert not _logged_in(client)  # the password alone does not log a signatory in
    assert client.get("/cases/new/").status_code == 302  # nor open any page

    page = client.get("/login/enrol/").content.decode()
    device = TotpDevice.objects.get(user=officers["kz_signatory"], confirmed=False)
    shown = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert shown.replace(" ", "") == device.secret
    assert "<svg" in page and "Настройте аутентификатор" in page  # the QR code, made locally

    wrong = client.post("/login/enrol/", {"code": "000000" if _code(device) != "000000" else "1"})
    assert wrong.status_code == 422 and "Код неверен или уже использован" in wrong.content.decode()
    response = client.post("/login/enrol/", {"code": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert _logged_in(client)
    device.refresh_from_db()
    assert device.confirmed
    actions = AuditEntry.objects.filter(actor="kz-signatory").values_list("action", flat=True)
    assert list(actions.order_by("seq")) == ["login.failed", "totp.enrolled", "login.succeeded"]


def test_an_enrolled_signatory_enters_the_code_and_it_cannot_be_replayed(officers, clock):
    device = services.enrol(officers["kz_signatory"])
    first = Client()
    assert _password(first, "kz-signatory")["Location"] == "/login/code/"
    assert "Одноразовый код" in first.get("/login/code/").content.decode()
    code = _code(device)
    assert first.post("/login/code/", {"code": code}).status_code == 302
    assert _logged_in(first)

    second = Client()  # someone who saw the code over the shoulder, within its 30 seconds
    _password(second, "kz-signatory")
    response = second.post("/login/code/", {"code": code})
    assert response.status_code == 422 and not _logged_in(second)
    assert second.post("/login/code/", {"code": _code(device, +1)}).status_code == 302


def test_administrators_need_the_second_factor_too(officers, make_user, clock):
    admin = make_user("kz-admin", "kz-mvd", "administrator")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    assert _password(Client(), "kz-admin")["Location"] == "/login/enrol/"


def test_wrong_codes_count_toward_the_lockout(officers, clock):
    device = services.enrol(officers["kz_signatory"])
    client = Client()
    _password(client, "kz-signatory")
    wrong = "000000" if _code(device) not in {"000000"} else "111111"
    for _ in range(4):
        assert client.post("/login/code/", {"code": wrong}).status_code == 422
    response = client.post("/login/code/", {"code": wrong})
    assert response.status_code == 429
    assert "Слишком много неудачных попыток" in response.content.decode()
    # Locked: a new password step with the right password is refused too.
    again = Client()
    assert _password(again, "kz-signatory").status_code == 429
    clock.shift(dt.timedelta(minutes=16))
    assert _password(again, "kz-signatory")["Location"] == "/login/code/"
    assert again.post("/login/code/", {"code": _code(device)}).status_code == 302


def test_the_code_step_expires_five_minutes_after_the_password(officers, clock):
    device = services.enrol(officers["kz_signatory"])
    client = Client()
    _password(client, "kz-signatory")
    clock.shift(dt.timedelta(minutes=6))
    response = client.post("/login/code/", {"code": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not _logged_in(client)


def test_the_code_step_without_a_password_step_goes_back_to_the_login(db):
    assert Client().get("/login/code/")["Location"] == "/login/"
    assert Client().post("/login/enrol/", {"code": "123456"})["Location"] == "/login/"


def test_bearer_tokens_of_signatories_need_no_code(officers):
    from migrex.accounts.tokens import issue

    services.enrol(officers["kz_signatory"])
    _, token = issue(user=officers["kz_signatory"])
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/cases")
    assert response.status_code == 200


def test_the_admin_login_is_the_nodes_login_with_its_second_factor(officers, make_user, clock):
    response = Client().get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/accounts/user/"
    admin = make_user("kz-admin", "kz-mvd", "administrator")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    device = services.enrol(admin)
    client = Client()
    client.post(
        "/login/?next=/admin/accounts/user/",
        {"username": "kz-admin", "password": PASSWORD, "next": "/admin/accounts/user/"},
    )
    assert client.get("/admin/").status_code == 302  # the password alone does not open it
    response = client.post("/login/code/", {"code": _code(device)})
    assert response["Location"] == "/admin/accounts/user/"
    assert client.get("/admin/accounts/user/").status_code == 200


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_a_code_in_other_digits_is_a_form_error_and_full_width_ones_are_digits(officers, clock):
    device = services.enrol(officers["kz_signatory"])
    client = Client()
    _password(client, "kz-signatory")
    with translation.override("ru"):  # Russian once the catalogue has it
        expected = translation.gettext("The code is %(digits)s digits from 0 to 9.") % {"digits": 6}
    for typed in (_code(device).translate(ARABIC_INDIC), "１２３４５٧", "12345x", "١٢٣ ٤٥٦"):
        response = client.post("/login/code/", {"code": typed})
        assert response.status_code == 422 and not _logged_in(client), typed
        assert expected in response.content.decode()
    full_width = _code(device).translate(FULL_WIDTH)
    assert client.post("/login/code/", {"code": full_width}).status_code == 302
    assert _logged_in(client)
