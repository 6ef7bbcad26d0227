"""The officers API: the node's administrator adds an officer (the generated password answered
once, never kept for an Idempotency-Key), a signatory onto a new list that signs once it is sent
(Art. 9.3, 9.4), lists them and disables one, their sessions and tokens ended; anyone else 403;
every bad input a 422 naming the field."""

from __future__ import annotations

import pytest
from django.test import Client

from migrex.accounts.models import User
from migrex.agreements.models import SignatoryList
from migrex.agreements.tests.conftest import PASSWORD
from migrex.audit.models import AuditEntry
from migrex.conftest import Api
from migrex.core.errors import Forbidden
from migrex.registers.tests.conftest import sign, submitted

pytestmark = pytest.mark.django_db

OPERATOR = {
    "username": "kz-ivanov",
    "full_name": "Иванов Иван Иванович",
    "authority": "kz-mvd",
    "roles": ["operator"],
}


@pytest.fixture
def api(admin):
    return Api(admin)


def errors_of(response) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in response.json()["errors"]]


def test_the_administrator_adds_an_officer_and_the_password_is_answered_once(api):
    response = api.client.post(
        "/api/v1/officers", OPERATOR, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert response.status_code == 201, response.json()
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["officer"] == {
        "username": "kz-ivanov",
        "full_name": "Иванов Иван Иванович",
        "authority": "kz-mvd",
        "roles": ["operator"],
        "position": "",
        "active": True,
        "signatory_entries": [],
    }
    assert body["signatory_list"] is None and body["key_id"] is None
    password = body["password"]
    login = Client().post("/login/", {"username": "kz-ivanov", "password": password})
    assert login.status_code == 302
    again = api.client.post(
        "/api/v1/officers", OPERATOR, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )  # not replayed: the password is not kept
    assert again.status_code == 422 and errors_of(again) == [("username_taken", "username")]
    audit = AuditEntry.objects.get(action="officer.created")
    assert (audit.actor, audit.subject) == ("kz-admin", "kz-ivanov")
    listed = api.get("/officers", active="true").json()
    assert "kz-ivanov" in [o["username"] for o in listed]


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"authority": "kz-nowhere"}, [("unknown_authority", "authority")]),
        ({"roles": ["operator", "chief"]}, [("unknown_role", "roles")]),
        ({"username": "kz-operator"}, [("username_taken", "username")]),
        ({"roles": ["signatory"]}, [("position_required", "position")]),
        (
            {"roles": ["signatory"], "position": "Министр", "agreement": "xx-yy-2000"},
            [("unknown_agreement", "agreement")],
        ),
        ({"password": "short"}, [("password_invalid", "password")]),
        ({"roles": []}, [("too_short", "roles")]),
    ],
)
def test_a_bad_officer_is_a_422_naming_the_field_and_nothing_is_made(api, over, expected):
    response = api.post("/officers", OPERATOR | over)
    assert response.status_code == 422
    assert errors_of(response) == expected
    assert response.json()["errors"][0]["message_ru"]
    assert not User.objects.filter(username=(OPERATOR | over)["username"], last_name="Иванов")


@pytest.mark.parametrize("who", ["kz_operator", "kz_signatory", "kz_auditor"])
def test_only_the_administrator_manages_officers(officers, who):
    other = Api(officers[who])
    for response in (
        other.get("/officers"),
        other.post("/officers", OPERATOR),
        other.post("/officers/kz-operator/disable"),
    ):
        assert response.status_code == 403
        assert errors_of(response) == [("forbidden", None)]
    assert not User.objects.filter(username="kz-ivanov").exists()
    assert User.objects.get(username="kz-operator").is_active


def test_a_signatory_added_is_on_the_list_and_signs_once_it_is_sent_art_9_4(api, officers):
    body = OPERATOR | {
        "roles": ["signatory", "supervisor"],
        "position": "Вице-министр",
        "password": PASSWORD,
    }
    response = api.post("/officers", body)
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["password"] is None and made["key_id"]
    list_id = made["signatory_list"]
    listing = api.get(f"/signatory-lists/{list_id}").json()
    assert listing["own"] and listing["in_force"]
    assert {(e["account"], e["position"]) for e in listing["signatories"]} == {
        ("kz-signatory", "Заместитель министра"),
        ("kz-ivanov", "Вице-министр"),
    }
    entry = next(e for e in listing["signatories"] if e["account"] == "kz-ivanov")
    assert entry["jwk"]["kid"] == made["key_id"]
    (me,) = [o for o in api.get("/officers").json() if o["username"] == "kz-ivanov"]
    assert me["signatory_entries"] == [
        f"kz-by-2019 list {list_id}, Вице-министр, " + (f"{entry['valid_from']} – …")
    ]
    case = submitted(officers)
    with pytest.raises(Forbidden, match="signatory_list_not_sent"):
        sign(case, User.objects.get(username="kz-ivanov"))
    assert api.post(f"/signatory-lists/{list_id}/send").status_code == 200
    assert sign(case, User.objects.get(username="kz-ivanov")).status == "sent"
    assert SignatoryList.objects.filter(party_id="KZ").count() == 2


def test_disabling_ends_sessions_and_tokens_and_keeps_the_account(api, officers):
    browser = Client()
    browser.post("/login/", {"username": "kz-operator", "password": PASSWORD})
    theirs = Api(officers["kz_operator"])
    assert theirs.get("/cases").status_code == 200
    response = api.post("/officers/kz-operator/disable")
    assert response.status_code == 200, response.json()
    done = response.json()
    assert (done["sessions_ended"], done["tokens_revoked"]) == (1, 1)
    assert done["officer"]["active"] is False
    assert theirs.get("/cases").status_code == 401
    assert browser.get("/incoming/").status_code == 302
    assert User.objects.filter(username="kz-operator", is_active=False).exists()
    assert AuditEntry.objects.get(action="officer.disabled").actor == "kz-admin"
    assert api.post("/officers/kz-nobody/disable").status_code == 404
    own = api.post("/officers/kz-admin/disable")
    assert own.status_code == 409 and errors_of(own) == [("own_account", None)]
    assert [o["username"] for o in api.get("/officers", active="false").json()] == ["kz-operator"]
