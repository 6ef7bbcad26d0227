"""The consents API (Art. 11.2–11.3): asked from received data by officers who see it, listed on
both sides, granted or refused by the provider's supervisor only, audited as the page's actions;
every bad input a 4xx naming the field and the article; a decision made through the API arrives
at the node that asked and is enforced there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from migrex.audit.models import AuditEntry
from migrex.conftest import Api
from migrex.exchange.models import OutboxMessage
from migrex.persons import consents
from migrex.persons.models import Consent
from migrex.persons.sources import of_dataset


def ask_body(dataset, **over) -> dict:
    body = {
        "source": {"kind": "dataset", "id": dataset.pk},
        "use": "export",
        "purpose": "Передача в суд",
    }
    return body | over


def errors_of(response) -> list[tuple[str, str | None, str | None]]:
    return [(e["code"], e["field"], e["article"]) for e in response.json()["errors"]]


@pytest.fixture
def asked(officers, dataset, deliver) -> Consent:
    """BY asked KZ, through the API, for consent to export the dataset; the request arrived."""
    response = Api(officers["by_operator"]).post("/consents", ask_body(dataset))
    assert response.status_code == 201, response.json()
    deliver()
    return Consent.objects.get(side=Consent.Side.PROVIDER)


def test_an_officer_asks_for_consent_as_on_the_page_art_11_2(officers, dataset):
    response = Api(officers["by_operator"]).post("/consents", ask_body(dataset))
    assert response.status_code == 201
    made = response.json()
    assert (made["side"], made["status"], made["article"]) == ("asked_by_us", "requested", "11.4")
    assert (made["requester"], made["provider"], made["decidable"]) == ("by-mvd", "kz-mvd", False)
    assert made["source"] == {"kind": "dataset", "ref": str(dataset.message_id)}
    entry = AuditEntry.objects.get(action="consent.requested")
    assert (entry.actor, entry.subject) == ("by-operator", f"dataset:{dataset.pk}")
    sent = OutboxMessage.objects.get(kind="consent_request")
    assert sent.payload["consent"] == made["ref"] and sent.receiver_authority == "kz-mvd"


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"purpose": "  "}, ("invalid_text", "purpose", "11.4")),
        ({"use": "third_party"}, ("invalid_text", "recipient", "11.3")),
        ({"use": "sale"}, ("literal_error", "use", None)),
        ({"source": {"kind": "file", "id": 1}}, ("literal_error", "source.kind", None)),
        ({"source": {"kind": "dataset", "id": 0}}, ("greater_than_equal", "source.id", None)),
        ({"purpose": "x" * 1001}, ("string_too_long", "purpose", None)),
    ],
)
def test_a_bad_request_for_consent_is_refused_naming_the_field(officers, dataset, over, expected):
    response = Api(officers["by_operator"]).post("/consents", ask_body(dataset) | over)
    assert response.status_code == 422
    assert expected in errors_of(response)
    assert not Consent.objects.exists()
    assert not OutboxMessage.objects.filter(kind="consent_request").exists()


def test_who_may_ask_is_who_sees_the_data(officers, make_user, dataset):
    auditor = Api(make_user("by-auditor", "by-mvd", "auditor"))
    withheld = auditor.post("/consents", ask_body(dataset))
    assert withheld.status_code == 403
    assert errors_of(withheld) == [("personal_data_withheld", None, "11.4")]
    other = Api(officers["kz_operator"])  # the provider itself received nothing
    assert other.post("/consents", ask_body(dataset)).status_code == 404
    assert not Consent.objects.exists()


def test_both_sides_list_the_consent_with_its_state(officers, asked):
    supervisor = Api(officers["kz_signatory"]).get("/consents", side="asked_of_us").json()
    assert supervisor["count"] == 1
    (item,) = supervisor["items"]
    assert (item["status"], item["decidable"], item["purpose"]) == (
        "requested",
        True,
        "Передача в суд",
    )
    operator = Api(officers["kz_operator"]).get(f"/consents/{item['id']}").json()
    assert operator["decidable"] is False  # only a supervisor decides
    by = Api(officers["by_operator"]).get("/consents").json()["items"]
    assert [(c["side"], c["ref"]) for c in by] == [("asked_by_us", item["ref"])]
    labour = Api(officers["kz_labour"])
    assert labour.get("/consents").json()["count"] == 0
    assert labour.get(f"/consents/{item['id']}").status_code == 404
    assert Api(officers["kz_operator"]).get("/consents", side="both").status_code == 422


def test_the_providers_supervisor_grants_until_a_date(officers, asked):
    api = Api(officers["kz_signatory"])
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    late = api.post(f"/consents/{asked.pk}/grant", {"expires_on": past})
    assert errors_of(late) == [("expiry_required", "expires_on", "11.4")]
    garbled = api.post(f"/consents/{asked.pk}/grant", {"expires_on": "31.12.2099"})
    assert garbled.status_code == 422 and errors_of(garbled)[0][1] == "expires_on"
    granted = api.post(f"/consents/{asked.pk}/grant", {"expires_on": "2099-12-31"})
    assert granted.status_code == 200
    assert (granted.json()["status"], granted.json()["expires_on"]) == ("granted", "2099-12-31")
    entry = AuditEntry.objects.get(action="consent.granted")
    assert entry.actor == "kz-signatory" and entry.detail["expires_on"] == "2099-12-31"
    again = api.post(f"/consents/{asked.pk}/refuse", {"reason": "Передумали"})
    assert again.status_code == 409 and errors_of(again) == [("consent_decided", None, "11.4")]


def test_a_refusal_needs_reasons(officers, asked):
    api = Api(officers["kz_signatory"])
    bare = api.post(f"/consents/{asked.pk}/refuse", {"reason": " "})
    assert errors_of(bare) == [("invalid_text", "reason", "11.4")]
    refused = api.post(f"/consents/{asked.pk}/refuse", {"reason": "Цель не связана с запросом"})
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert AuditEntry.objects.get(action="consent.refused").actor == "kz-signatory"


@pytest.mark.parametrize(("who", "status"), [("kz_operator", 403), ("kz_labour", 404)])
def test_only_the_providers_supervisor_decides(officers, asked, who, status):
    api = Api(officers[who])
    assert api.post(f"/consents/{asked.pk}/grant", {"expires_on": "2099-01-01"}).status_code == (
        status
    )
    assert api.post(f"/consents/{asked.pk}/refuse", {"reason": "Нет"}).status_code == status
    asked.refresh_from_db()
    assert asked.status == "requested"
    assert not AuditEntry.objects.filter(action__in=["consent.granted", "consent.refused"])


def test_a_decision_made_through_the_api_arrives_and_is_enforced(officers, dataset, asked, deliver):
    granted = Api(officers["kz_signatory"]).post(
        f"/consents/{asked.pk}/grant", {"expires_on": "2099-12-31"}
    )
    assert granted.status_code == 200
    assert deliver() == 1  # the consent_decision, through the BY node's real inbox
    mine = Consent.objects.get(side=Consent.Side.ASKED)
    seen = Api(officers["by_operator"]).get(f"/consents/{mine.pk}").json()
    assert (seen["status"], seen["in_force"], seen["decided_by"]) == (
        "granted",
        True,
        "Kz-Signatory",
    )
    assert consents.require(of_dataset(dataset), "export", timezone.localdate()).pk == mine.pk
    assert AuditEntry.objects.filter(action="consent.decision_received").count() == 1
