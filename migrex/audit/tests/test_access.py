"""What reaches the audit log without its code calling record(): access denials (every 403 of the
UI and the API), changes made in Django's admin, agreement profiles loaded, key and peer changes."""

from __future__ import annotations

import pytest
from django.test import Client

from migrex.accounts import tokens
from migrex.accounts.models import User
from migrex.audit.models import AuditEntry
from migrex.conftest import DRAFT

pytestmark = pytest.mark.django_db


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def test_a_403_of_the_ui_is_recorded(officers, client):
    client.force_login(officers["kz_operator"])
    assert client.get("/exchange/?page=2").status_code == 403  # supervisors only
    assert client.get("/audit/").status_code == 403  # auditors only
    denied = entries("access.denied")
    assert [(e.actor, e.subject) for e in denied] == [
        ("kz-operator", "/exchange/"),
        ("kz-operator", "/audit/"),
    ]
    assert denied[0].detail == {
        "path": "/exchange/",
        "method": "GET",
        "status": 403,
        "via": "ui",
        "query": "page=2",
        "ip": "127.0.0.1",
    }


def test_a_403_of_the_api_is_recorded_with_the_tokens_user(officers):
    _, token = tokens.issue(user=officers["kz_auditor"])
    api = Client(headers={"Authorization": f"Bearer {token}"})
    response = api.post("/api/v1/cases", DRAFT, content_type="application/json")
    assert response.status_code == 403
    (denied,) = entries("access.denied")
    assert (denied.actor, denied.subject) == ("kz-auditor", "/api/v1/cases")
    assert denied.detail["via"] == "api" and denied.detail["method"] == "POST"


def test_a_failed_csrf_check_is_recorded(officers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officers["kz_operator"])
    assert client.post("/exchange/", {"message": "x"}).status_code == 403
    (denied,) = entries("access.denied")
    assert denied.detail["method"] == "POST" and denied.actor == "kz-operator"


def test_other_statuses_are_not_denials(officers, client):
    client.force_login(officers["kz_auditor"])
    assert client.get("/audit/").status_code == 200
    assert client.get("/cases/999999/").status_code == 404
    assert not entries("access.denied")


@pytest.fixture
def admin_client(agreement, client):
    admin = User.objects.create_superuser("kz-admin", password="x" * 12)
    client.force_login(admin)
    return client


def test_a_change_in_the_admin_is_recorded(admin_client, officers):
    user = officers["kz_operator"]
    response = admin_client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    (change,) = entries("admin.change")
    assert change.actor == "kz-admin"
    assert change.subject == f"accounts.user:{user.pk}"
    assert change.detail["flag"] == "deleted"
    assert change.detail["object"] == str(user)


def test_several_objects_deleted_at_once_in_the_admin_are_recorded(admin_client):
    from django.utils import timezone

    from migrex.accounts.models import LoginFailure

    a, b = (
        LoginFailure.objects.create(username=name, address="10.0.0.1", stage="password", at=now)
        for name, now in (("temp-a", timezone.now()), ("temp-b", timezone.now()))
    )
    response = admin_client.post(
        "/admin/accounts/loginfailure/",
        {"action": "delete_selected", "_selected_action": [a.pk, b.pk], "post": "yes"},
    )
    assert response.status_code == 302
    changes = entries("admin.change")
    assert sorted(c.subject for c in changes) == sorted(
        [f"accounts.loginfailure:{a.pk}", f"accounts.loginfailure:{b.pk}"]
    )
    assert {c.detail["flag"] for c in changes} == {"deleted"}


def test_a_change_message_is_kept(admin_client):
    from migrex.agreements.models import Agreement
    from migrex.retention.models import Rule

    agreement = Agreement.objects.get(code="kz-by-2019")
    rule = Rule.objects.create(
        agreement=agreement, party="KZ", days=30, counted_from="case-closed", basis="Закон"
    )
    admin_client.post(
        f"/admin/retention/rule/{rule.pk}/change/",
        {
            "agreement": agreement.pk,
            "party": "KZ",
            "days": 60,
            "counted_from": "case-closed",
            "basis": "Закон",
        },
    )
    (change,) = entries("admin.change")
    assert change.detail["flag"] == "changed"
    assert change.detail["message"] == "Changed Days."
    assert change.detail["object"] == str(Rule.objects.get(pk=rule.pk))


def test_loading_an_agreement_profile_is_recorded(db):
    from migrex.agreements.services import load

    load("kz-by-2019")
    load("kz-by-2019")  # unchanged: nothing loaded, nothing recorded
    (loaded,) = entries("agreement.loaded")
    assert loaded.subject == "kz-by-2019"
    assert loaded.detail["revision"] == 1 and len(loaded.detail["digest"]) == 64
    assert loaded.detail["source"] == "kz-by-2019.yaml"


def test_key_rotation_and_peer_changes_are_recorded(agreement):
    from migrex.exchange import keys
    from migrex.exchange.crypto import generate_node_keys, public_jwks
    from migrex.exchange.models import NodeKey, Peer
    from migrex.exchange.peers import import_peer

    first = keys.create_keys()
    keys.rotate()
    assert entries("keys.created")[0].subject == first.signing_kid
    (changed,) = entries("keys.changed")
    assert changed.subject == first.signing_kid and changed.detail["not_after"]
    import_peer(
        {
            "format": "migrex-peer/1",
            "node_id": "BY",
            "party": "BY",
            "url": "http://127.0.0.1:9",
            "keys": public_jwks(generate_node_keys()),
        },
        agreements=["kz-by-2019"],
    )
    assert [e.subject for e in entries("peer.configured")] == ["BY"]
    Peer.objects.filter(node_id="BY").first().delete()
    assert [e.subject for e in entries("peer.removed")] == ["BY"]
    NodeKey.objects.get(pk=first.pk).delete()
    assert [e.subject for e in entries("keys.deleted")] == [first.signing_kid]
