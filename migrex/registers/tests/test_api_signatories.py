"""The signatory-lists API (Art. 9.3, 9.4): both parties' lists read by any officer, a new list of
this party entered and sent by the node's administrator only, every bad input a 4xx naming the
field and the article, and a list sent through the API applied by the other node's inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from migrex.agreements.models import SignatoryList
from migrex.audit.models import AuditEntry
from migrex.conftest import Api
from migrex.exchange.models import OutboxMessage
from migrex.registers.authority_notices import SignatoryEntry
from migrex.registers.models import AuthorityNotice
from migrex.registers.tests.conftest import signatory_entry as entry
from migrex.registers.tests.conftest import signatory_list as new_list


@pytest.fixture
def api(admin):
    return Api(admin)


def errors_of(response) -> list[tuple[str, str | None, str | None]]:
    return [(e["code"], e["field"], e["article"]) for e in response.json()["errors"]]


def test_any_officer_reads_both_parties_lists_with_their_entries_art_9_3(officers):
    api = Api(officers["kz_labour"])
    response = api.get("/signatory-lists")
    assert response.status_code == 200
    lists = {item["party"]: item for item in response.json()}
    assert lists.keys() == {"KZ", "BY"}
    ours, theirs = lists["KZ"], lists["BY"]
    assert (ours["own"], theirs["own"]) == (True, False)
    assert ours["in_force"] and ours["effective_from"] == "2021-01-10"
    (signatory,) = ours["signatories"]
    assert (
        signatory
        | {
            "full_name": "Kz-Signatory",
            "position": "Заместитель министра",
            "authority": "kz-mvd",
            "valid_from": "2021-01-10",
            "valid_to": None,
            "account": "kz-signatory",
        }
        == signatory
    )
    assert set(SignatoryEntry.model_fields) <= signatory.keys()  # the payload's entry, whole
    (received,) = api.get("/signatory-lists", own="false").json()
    assert received["party"] == "BY" and received["signatories"][0]["authority"] == "by-mvd"
    one = api.get(f"/signatory-lists/{ours['id']}")
    assert one.status_code == 200 and one.json() == ours
    assert api.get("/signatory-lists", agreement="xx-yy-2000").json() == []


def test_a_missing_list_is_404_and_a_bad_filter_422(officers):
    api = Api(officers["kz_operator"])
    assert api.get("/signatory-lists/999999").status_code == 404
    bad = api.get("/signatory-lists", own="maybe")
    assert bad.status_code == 422 and errors_of(bad)[0][1] == "own"


def test_the_administrator_enters_a_list_that_takes_over_from_its_date_art_9_4(api):
    response = api.post("/signatory-lists", new_list())
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["own"] and made["in_force"] and made["party"] == "KZ"
    assert [(e["full_name"], e["authority"], e["account"]) for e in made["signatories"]] == [
        ("Нурланов Нурлан", "kz-mvd", "kz-signatory"),
        ("Серіков Серік", "kz-labour", None),
    ]
    older = SignatoryList.objects.get(party_id="KZ", effective_from=dt.date(2021, 1, 10))
    assert not api.get(f"/signatory-lists/{older.pk}").json()["in_force"]
    audit = AuditEntry.objects.get(action="admin.change")
    assert audit.actor == "kz-admin" and audit.subject == f"agreements.signatorylist:{made['id']}"
    assert audit.detail["flag"] == "added" and audit.detail["via"] == "api"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            new_list(signatories=[entry(authority="by-mvd", account=None)]),
            ("authority_notice_invalid", "signatories[0].authority", "9.4"),
        ),
        (
            new_list(signatories=[entry(account="by-operator")]),
            ("account_invalid", "signatories[0].account", "9.3"),
        ),
        (
            new_list(signatories=[entry(valid_to="2025-01-01")]),
            ("authority_notice_invalid", "signatories[0].valid_to", "9.4"),
        ),
        (new_list(agreement="xx-yy-2000"), ("unknown_agreement", "agreement", "2")),
        (new_list(effective_from="01.01.2026"), ("value_error", "effective_from", None)),
        (new_list(signatories=[]), ("too_short", "signatories", None)),
        (new_list(signatories=[entry(rank="x")]), ("extra_forbidden", "signatories[0].rank", None)),
    ],
)
def test_a_bad_list_is_refused_naming_the_field_and_nothing_is_entered(api, body, expected):
    response = api.post("/signatory-lists", body)
    assert response.status_code == 422
    assert expected in errors_of(response)
    assert SignatoryList.objects.filter(party_id="KZ").count() == 1


@pytest.mark.parametrize("who", ["kz_operator", "kz_signatory", "kz_auditor"])
def test_only_the_administrator_enters_and_sends_lists(officers, who):
    api = Api(officers[who])
    response = api.post("/signatory-lists", new_list())
    assert response.status_code == 403
    assert errors_of(response) == [("forbidden", None, "9.4")]
    ours = SignatoryList.objects.get(party_id="KZ")
    assert api.post(f"/signatory-lists/{ours.pk}/send").status_code == 403
    assert SignatoryList.objects.filter(party_id="KZ").count() == 1
    assert not OutboxMessage.objects.exists()


def test_the_administrator_sends_our_list_to_every_authority_of_the_other_party(api):
    ours = SignatoryList.objects.get(party_id="KZ")
    response = api.post(f"/signatory-lists/{ours.pk}/send")
    assert response.status_code == 200, response.json()
    assert response.json()["signatories"] == 1 and response.json()["party"] == "KZ"
    sent = OutboxMessage.objects.filter(kind="authority_notice")
    assert {m.receiver_authority for m in sent} == {"by-mvd", "by-border"}
    assert AuditEntry.objects.filter(action="registers.authority_notice_sent").count() == 1
    theirs = SignatoryList.objects.get(party_id="BY")
    refused = api.post(f"/signatory-lists/{theirs.pk}/send")
    assert refused.status_code == 422
    assert errors_of(refused) == [("authority_notice_invalid", "list", "9.4")]
    assert api.post("/signatory-lists/999999/send").status_code == 404


def test_a_list_entered_and_sent_through_the_api_arrives_at_the_other_node(officers, api, deliver):
    made = api.post("/signatory-lists", new_list()).json()
    assert api.post(f"/signatory-lists/{made['id']}/send").status_code == 200
    assert deliver() == 2  # to by-mvd and by-border, through the BY node's real inbox
    notice = AuthorityNotice.objects.get(direction="received")
    assert notice.party_id == "KZ" and len(notice.payload["signatories"]) == 2
    applied = AuditEntry.objects.get(action="registers.authority_notice_applied")
    received = applied.detail["list"]
    assert received != made["id"]  # the BY node's own record of KZ's list
    with override_settings(MIGREX_PARTY="BY"):
        seen = Api(officers["by_operator"]).get(f"/signatory-lists/{received}").json()
    assert seen["party"] == "KZ" and not seen["own"] and seen["in_force"]
    assert seen["effective_from"] == "2026-01-01" and seen["exchanged_on"] == made["exchanged_on"]
    assert [(e["full_name"], e["authority"]) for e in seen["signatories"]] == [
        (e["full_name"], e["authority"]) for e in made["signatories"]
    ]
