"""The JSON API for national systems, over HTTP through Django's test client and a real database:
token and session auth, the request workflow (Art. 8–11), errors with their articles."""

from __future__ import annotations

import json

import pytest

from migrex.cases.tests.conftest import errors_of, incoming_id
from migrex.conftest import API, DRAFT, PASSWORD, PERSON, create

# --- the workflow -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_is_signed_sent_refused_and_the_notice_downloads(apis, deliver):
    """Art. 9.3 signature with the password checked again, Art. 10.4 refusal with grounds and
    written reasons, seen by both sides."""
    kz_op, kz_sign, by_sup = apis["kz_operator"], apis["kz_signatory"], apis["by_supervisor"]
    case = create(kz_op)
    assert (case["status"], case["side"], case["kind"]) == ("draft", "requester", "request")
    assert case["persons"][0]["data"]["surname"]["latin"] == "Hovhannisyan"
    assert [a["action"] for a in case["actions"]] == ["submit", "discard"]
    cid = case["id"]

    submitted = kz_op.act(cid, "submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "awaiting_signature"
    sign = next(a for a in kz_sign.get(f"/cases/{cid}").json()["actions"] if a["action"] == "sign")
    assert sign == {
        "action": "sign",
        "article": "9.3",
        "target": "sent",
        "emits": "request",
        "password_required": True,
    }

    wrong = kz_sign.act(cid, "sign", password="not the password")
    assert wrong.status_code == 403
    assert errors_of(wrong)[0]["code"] == "reauthentication_required"
    assert errors_of(wrong)[0]["article"] == "9.3"
    missing = kz_sign.act(cid, "sign")
    assert missing.status_code == 403
    signed = kz_sign.act(cid, "sign", password=PASSWORD)
    assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "sent"
    assert signed.json()["signature"]["name"].startswith("Kz-Signatory")
    assert deliver() == 1

    theirs = incoming_id(by_sup)
    received = by_sup.get(f"/cases/{theirs}").json()
    assert received["status"] == "received" and received["clock"]["state"] == "running"
    assert received["clock"]["article"] == "10.3" and received["due_date"]
    assert received["persons"][0]["data"]["given_name"]["cyrillic"] == "Арам"
    assert by_sup.act(theirs, "register").json()["status"] == "registered"
    refused = by_sup.act(
        theirs,
        "refuse",
        grounds=["security"],
        text="Исполнение запроса может нанести ущерб безопасности государства.",
    )
    assert refused.status_code == 200, refused.json()
    assert refused.json()["status"] == "refused"
    deliver()

    ours = kz_op.get(f"/cases/{cid}").json()
    assert ours["status"] == "refused" and ours["closed_at"] is not None
    assert [e["action"] for e in ours["history"]] == [
        "create",
        "submit",
        "sign",
        "registered",
        "refusal",
    ]
    refusal = ours["history"][-1]
    assert refusal["article"] == "10.4" and refusal["direction"] == "in"
    assert refusal["data"]["grounds"] == ["security"]
    assert refusal["text"].startswith("Исполнение запроса")
    assert ours["actions"] == []

    for api, case_id in ((kz_op, cid), (by_sup, theirs)):
        pdf = api.client.get(f"{API}/cases/{case_id}/refusal.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        assert "no-store" in pdf["Cache-Control"]
    letter = kz_op.client.get(f"{API}/cases/{cid}/letter.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert kz_op.get("/cases", box="closed").json()["items"][0]["id"] == cid


@pytest.mark.django_db
def test_refusal_notice_is_404_while_there_is_no_refusal(apis):
    case = create(apis["kz_operator"])
    response = apis["kz_operator"].client.get(f"{API}/cases/{case['id']}/refusal.pdf")
    assert response.status_code == 404
    assert errors_of(response)[0]["code"] == "not_found"


@pytest.mark.django_db
def test_a_move_the_table_does_not_allow_is_409(apis):
    case = create(apis["kz_operator"])
    response = apis["kz_signatory"].act(case["id"], "sign", password=PASSWORD)
    assert response.status_code == 409
    assert errors_of(response)[0]["code"] == "illegal_move"
    unknown = apis["kz_operator"].act(case["id"], "no-such-move")
    assert unknown.status_code == 422 and errors_of(unknown)[0]["field"] == "action"
    peers = apis["kz_operator"].act(case["id"], "refusal")  # the other party's message, not a move
    assert peers.status_code == 422


@pytest.mark.django_db
def test_a_move_of_another_role_is_403(apis):
    """Art. 9.3: operators submit drafts for signature; a signatory does not."""
    case = create(apis["kz_operator"])
    response = apis["kz_signatory"].act(case["id"], "submit")  # the author submits
    assert response.status_code == 403


# --- 422: what the treaty does not allow, with the field and the article ----------------------


@pytest.mark.django_db
def test_submit_without_purpose_is_422_citing_art_9_2(apis):
    case = create(apis["kz_operator"], purpose="")
    response = apis["kz_operator"].act(case["id"], "submit")
    assert response.status_code == 422
    [problem] = errors_of(response)
    assert problem["code"] == "purpose_required"
    assert (problem["field"], problem["article"]) == ("purpose", "9.2")
    assert problem["message_ru"] and problem["message_en"]


@pytest.mark.django_db
def test_person_field_outside_art_6_is_422(apis):
    person = {**PERSON, "data": {**PERSON["data"], "religion": "—"}}
    response = apis["kz_operator"].post("/cases", {**DRAFT, "persons": [person]})
    assert response.status_code == 422
    [problem] = errors_of(response)
    assert problem["code"] == "field_not_allowed"
    assert (problem["field"], problem["article"]) == ("persons[0].data.religion", "6")


@pytest.mark.django_db
def test_person_category_outside_art_5_is_422(apis):
    response = apis["kz_operator"].post(
        "/cases", {**DRAFT, "persons": [{**PERSON, "category": "tourist"}]}
    )
    assert response.status_code == 422
    [problem] = errors_of(response)
    assert problem["code"] == "category_not_allowed"
    assert (problem["field"], problem["article"]) == ("persons[0].category", "5")


@pytest.mark.django_db
def test_refusal_without_reasons_is_422_citing_art_10_4(apis, deliver):
    cid = create(apis["kz_operator"])["id"]
    apis["kz_operator"].act(cid, "submit")
    apis["kz_signatory"].act(cid, "sign", password=PASSWORD)
    deliver()
    by_sup = apis["by_supervisor"]
    theirs = incoming_id(by_sup)
    by_sup.act(theirs, "register")
    response = by_sup.act(theirs, "refuse", grounds=["security"], text="  ")
    assert response.status_code == 422
    [problem] = errors_of(response)
    assert (problem["code"], problem["field"], problem["article"]) == (
        "reasons_required",
        "text",
        "10.4",
    )
    unknown = by_sup.act(theirs, "refuse", grounds=["dislike"], text="Причины.")
    assert [(e["code"], e["field"]) for e in errors_of(unknown)] == [("unknown_ground", "grounds")]
    assert by_sup.get(f"/cases/{theirs}").json()["status"] == "registered"


@pytest.mark.django_db
def test_invalid_body_is_422_in_the_same_shape(apis):
    api = apis["kz_operator"]
    response = api.post("/cases", {**DRAFT, "kind": "gossip", "persons": [{"category": "x"}]})
    assert response.status_code == 422
    problems = {e["field"]: e for e in errors_of(response)}
    assert set(problems) == {"kind", "persons[0].data"}
    assert problems["persons[0].data"]["code"] == "missing"
    assert "Обязательное поле." in response.content.decode()  # UTF-8, not \\u escapes
    assert problems["kind"]["article"] is None
    assert api.get("/cases", limit=500).status_code == 422
    assert errors_of(api.get("/cases", box="everything"))[0]["field"] == "box"
    not_json = api.client.post(f"{API}/cases", "{", content_type="application/json")
    assert not_json.status_code == 400 and errors_of(not_json)[0]["code"] == "bad_request"
    for body in ("null", "[]", "7"):  # not an object: not "no fields given" either
        wrong = api.client.post(f"{API}/cases", body, content_type="application/json")
        assert wrong.status_code == 400 and errors_of(wrong)[0]["code"] == "bad_request"
    # NUL, which PostgreSQL text cannot hold, in a value, a key or a query parameter
    for body in (
        json.dumps({**DRAFT, "requested_authority": "by-mvd\x00"}),
        json.dumps({**DRAFT, "x\x00": [1]}),
    ):
        wrong = api.client.post(f"{API}/cases", body, content_type="application/json")
        assert wrong.status_code == 400 and errors_of(wrong)[0]["code"] == "bad_request"
    wrong = api.get("/cases", box="inbox\x00")
    assert wrong.status_code == 400 and errors_of(wrong)[0]["code"] == "bad_request"


@pytest.mark.django_db
def test_unknown_agreement_and_authority_are_422(apis):
    response = apis["kz_operator"].post(
        "/cases", {**DRAFT, "agreement": "kz-xx-1999", "requested_authority": "nobody"}
    )
    assert response.status_code == 422
    fields = [e["field"] for e in errors_of(response)]
    assert fields == ["agreement", "requested_authority"]
    same_party = apis["kz_operator"].post("/cases", {**DRAFT, "requested_authority": "kz-labour"})
    assert [(e["code"], e["field"], e["article"]) for e in errors_of(same_party)] == [
        ("unknown_authority", "requested_authority", "2")
    ]


# --- visibility and authentication ------------------------------------------------------------


# --- drafts and files -------------------------------------------------------------------------


# --- agreements and the spec ------------------------------------------------------------------
