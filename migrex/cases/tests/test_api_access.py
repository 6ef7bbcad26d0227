"""The JSON API for national systems, over HTTP through Django's test client and a real database:
who sees what (token and session auth, another authority's cases, the auditor), drafts and their
files, and the agreements and OpenAPI spec it publishes."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import Client

from migrex.accounts import tokens
from migrex.agreements.services import load
from migrex.cases.tests.conftest import errors_of
from migrex.conftest import API, DRAFT, Api, create


@pytest.mark.django_db
def test_another_authoritys_case_is_404_never_403(apis, settings, tmp_path):
    """Art. 11.1: the existence of a request is confidential, so it is not found, not forbidden."""
    settings.MEDIA_ROOT = tmp_path
    owner = apis["kz_operator"]
    cid = create(owner)["id"]
    owner.client.post(
        f"{API}/cases/{cid}/attachments", {"file": _upload("scan.pdf", b"%PDF-1.4 scan")}
    )
    att = owner.get(f"/cases/{cid}").json()["attachments"][0]["id"]
    nowhere = owner.get("/cases/999999")
    for name in ("kz_labour", "by_operator", "by_supervisor"):
        api = apis[name]
        for response in (
            api.get(f"/cases/{cid}"),
            api.patch(f"/cases/{cid}", {"summary": "x"}),
            api.act(cid, "submit"),
            api.client.get(f"{API}/cases/{cid}/letter.pdf"),
            api.client.get(f"{API}/cases/{cid}/refusal.pdf"),
            api.client.get(f"{API}/cases/{cid}/attachments/{att}"),
            api.client.post(f"{API}/cases/{cid}/attachments", {"file": _upload("x.txt", b"x")}),
        ):
            assert response.status_code == 404, (name, response.content)
            assert response.json() == nowhere.json()
        assert api.get("/cases").json()["count"] == 0


@pytest.mark.django_db
def test_requests_without_a_valid_token_are_401(apis, officers):
    api = apis["kz_operator"]
    cid = create(api)["id"]
    anonymous = Client()
    for response in (
        anonymous.get(f"{API}/cases"),
        anonymous.get(f"{API}/agreements"),
        anonymous.post(f"{API}/cases", DRAFT, content_type="application/json"),
        Client(headers={"Authorization": "Bearer not-a-token"}).get(f"{API}/cases/{cid}"),
        Client(headers={"Authorization": "Bearer "}).get(f"{API}/cases"),
    ):
        assert response.status_code == 401
        assert errors_of(response)[0]["code"] == "unauthenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")

    tokens.revoke(token_id=api.record.pk)
    assert api.get(f"/cases/{cid}").status_code == 401
    assert api.act(cid, "submit").status_code == 401

    other = apis["kz_signatory"]
    officers["kz_signatory"].is_active = False
    officers["kz_signatory"].save()
    assert other.get("/cases").status_code == 401


@pytest.mark.django_db
def test_token_use_is_recorded(apis):
    api = apis["kz_operator"]
    assert api.record.last_used_at is None
    api.get("/cases")
    api.record.refresh_from_db()
    assert api.record.last_used_at is not None


@pytest.mark.django_db
def test_session_works_with_csrf_for_unsafe_methods(officers):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officers["kz_operator"])
    assert browser.get(f"{API}/cases").status_code == 200
    forged = browser.post(f"{API}/cases", DRAFT, content_type="application/json")
    assert forged.status_code == 403 and errors_of(forged)[0]["code"] == "csrf_failed"
    secret = "a" * 32
    browser.cookies["csrftoken"] = secret
    ok = browser.post(
        f"{API}/cases", DRAFT, content_type="application/json", headers={"X-CSRFToken": secret}
    )
    assert ok.status_code == 201
    # Without a session, an unsafe request is unauthenticated (401), not a CSRF failure.
    assert Client(enforce_csrf_checks=True).post(f"{API}/cases", DRAFT).status_code == 401


@pytest.mark.django_db
def test_auditor_sees_history_but_no_personal_data(apis, settings, tmp_path):
    """Art. 11.4: access to personal data only for those who work the request."""
    settings.MEDIA_ROOT = tmp_path
    kz_op, auditor = apis["kz_operator"], apis["kz_auditor"]
    cid = create(kz_op)["id"]
    kz_op.client.post(
        f"{API}/cases/{cid}/attachments",
        {"file": _upload("face.jpg", b"\xff\xd8photo"), "kind": "photo"},
    )
    kz_op.act(cid, "submit")

    seen = auditor.get(f"/cases/{cid}")
    assert seen.status_code == 200
    body = seen.json()
    assert body["persons"] is None and body["persons_withheld"] is True
    assert "Hovhannisyan" not in seen.content.decode()
    assert [e["action"] for e in body["history"]] == ["create", "submit"]
    assert body["status"] == "awaiting_signature" and body["actions"] == []
    assert body["attachments"][0]["kind"] == "photo"  # metadata only
    assert auditor.get("/cases", box="outgoing").json()["count"] == 1

    att = body["attachments"][0]["id"]
    for response in (
        auditor.client.get(f"{API}/cases/{cid}/attachments/{att}"),
        auditor.client.get(f"{API}/cases/{cid}/letter.pdf"),
    ):
        assert response.status_code == 403
        assert errors_of(response)[0]["code"] == "personal_data_withheld"
    assert kz_op.get(f"/cases/{cid}").json()["persons_withheld"] is False


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.django_db
def test_attachment_round_trip(apis, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    api = apis["kz_operator"]
    cid = create(api)["id"]
    content = "Справка о проверке".encode()
    response = api.client.post(
        f"{API}/cases/{cid}/attachments", {"file": _upload("справка.txt", content)}
    )
    assert response.status_code == 201, response.json()
    meta = response.json()
    assert meta["kind"] == "document" and meta["size"] == len(content)
    assert meta["sha256"] == hashlib.sha256(content).hexdigest()
    download = api.client.get(f"{API}/cases/{cid}/attachments/{meta['id']}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert "attachment" in download["Content-Disposition"]
    empty = api.client.post(f"{API}/cases/{cid}/attachments", {"file": _upload("e.txt", b"")})
    assert empty.status_code == 422 and errors_of(empty)[0]["field"] == "file"
    bad_kind = api.client.post(
        f"{API}/cases/{cid}/attachments", {"file": _upload("a.txt", b"a"), "kind": "dna"}
    )
    assert bad_kind.status_code == 422 and errors_of(bad_kind)[0]["field"] == "kind"
    assert api.get(f"/cases/{cid}/attachments/999999").status_code == 404


@pytest.mark.django_db
def test_patch_changes_only_a_draft_and_only_by_its_author(apis, officers, make_user):
    api = apis["kz_operator"]
    cid = create(api)["id"]
    changed = api.patch(f"/cases/{cid}", {"purpose": "Новая цель", "persons": []})
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert body["purpose"] == "Новая цель" and body["persons"] == []
    assert body["summary"] == DRAFT["summary"]  # not given: unchanged

    colleague = Api(make_user("kz-operator-2", "kz-mvd", "operator"))
    assert colleague.patch(f"/cases/{cid}", {"summary": "x"}).status_code == 403
    bad = api.patch(f"/cases/{cid}", {"persons": [{"category": "expelled", "data": {"x": 1}}]})
    assert bad.status_code == 422 and errors_of(bad)[0]["article"] == "6"

    api.act(cid, "submit")  # purpose is there; persons are not required
    late = api.patch(f"/cases/{cid}", {"summary": "x"})
    assert late.status_code == 409 and errors_of(late)[0]["code"] == "not_a_draft"


@pytest.mark.django_db
def test_cases_are_paginated_with_a_total(apis):
    api = apis["kz_operator"]
    ids = [create(api, summary=f"Запрос {i}")["id"] for i in range(3)]
    page = api.get("/cases", box="outgoing", limit=2).json()
    assert (page["count"], page["limit"], page["offset"]) == (3, 2, 0)
    assert [c["id"] for c in page["items"]] == ids[::-1][:2]
    rest = api.get("/cases", box="outgoing", limit=2, offset=2).json()
    assert [c["id"] for c in rest["items"]] == ids[:1]
    assert api.get("/cases").json()["count"] == 3
    assert api.get("/cases", box="incoming").json()["count"] == 0


@pytest.mark.django_db
def test_operators_of_another_role_cannot_draft(apis):
    """Art. 9.3: drafts are written by operators."""
    response = apis["kz_auditor"].post("/cases", DRAFT)
    assert response.status_code == 403 and errors_of(response)[0]["code"] == "forbidden"


@pytest.mark.django_db
def test_agreements_show_the_rules_a_request_must_follow(apis):
    load("kz-am-2024")
    api = apis["kz_operator"]
    listing = {a["code"]: a for a in api.get("/agreements").json()}
    by = listing["kz-by-2019"]
    assert by["status"]["code"] == "in-force" and by["entry_into_force"] == "2020-12-03"
    assert {p["code"] for p in by["parties"]} == {"KZ", "BY"}
    assert "by-border" in {a["code"] for a in by["authorities"]}
    assert {c["code"]: c["article"] for c in by["person_categories"]}["expelled"] == "5.5"
    assert "surname" in {f["field"] for f in by["personal_data_fields"]}
    assert {"code": "security", "article": "10.4"}.items() <= by["refusal_grounds"][1].items()
    assert by["topics"] and by["unknown_rules"] == {}

    am = api.get("/agreements/kz-am-2024").json()
    assert am["status"]["code"] == "signed" and am["entry_into_force"] is None
    assert am["person_categories"] is None and "person_categories" in am["unknown_rules"]
    assert am["personal_data_fields"] is None
    missing = api.get("/agreements/kz-xx-1999")
    assert missing.status_code == 404 and errors_of(missing)[0]["code"] == "not_found"


@pytest.mark.django_db
def test_a_draft_under_an_agreement_not_in_force_is_refused(apis):
    """Art. 17: no exchange under an agreement that is not in force."""
    load("kz-am-2024")
    response = apis["kz_operator"].post(
        "/cases", {**DRAFT, "agreement": "kz-am-2024", "requested_authority": "by-mvd"}
    )
    assert response.status_code == 422


def test_openapi_is_published_and_the_docs_page_is_not(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec = json.loads(response.content)
    assert spec["info"]["title"] == "migrex API" and spec["info"]["version"] == "1"
    assert {
        "/api/v1/agreements",
        "/api/v1/agreements/{code}",
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/actions/{action}",
        "/api/v1/cases/{case_id}/attachments",
        "/api/v1/cases/{case_id}/attachments/{attachment_id}",
        "/api/v1/cases/{case_id}/letter.pdf",
        "/api/v1/cases/{case_id}/refusal.pdf",
    } <= set(spec["paths"])
    create_op = spec["paths"]["/api/v1/cases"]["post"]
    assert {"201", "401", "403", "422"} <= set(create_op["responses"])
    pdf = spec["paths"]["/api/v1/cases/{case_id}/letter.pdf"]["get"]["responses"]["200"]
    assert "application/pdf" in pdf["content"]
    assert {"TokenAuth", "SessionAuth"} <= set(spec["components"]["securitySchemes"])
    assert client.get(f"{API}/docs").status_code == 404
