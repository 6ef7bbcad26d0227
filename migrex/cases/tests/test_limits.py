"""How long a written text may be (validation.MAX_TEXT …): the same limit in the API's input, the
draft form, the rules a sender runs and the schema a receiver checks, so that a text one side
accepts the other accepts too, and any letter renders quickly (bench/letter_render.py)."""

from __future__ import annotations

import pytest

from migrex.agreements.models import Authority
from migrex.agreements.selectors import profile_of
from migrex.cases import rules
from migrex.cases.models import Case
from migrex.cases.services import add_attachment
from migrex.cases.tests.conftest import draft_post, errors_of, login, refused, signed_and_queued
from migrex.cases.validation import MAX_ATTACHMENTS, MAX_MOVE_TEXT, MAX_PERSONS, MAX_TEXT
from migrex.conftest import DRAFT, PERSON, draft
from migrex.core.errors import Invalid

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", list(MAX_TEXT))
def test_the_api_takes_a_text_up_to_its_limit_and_names_the_field_beyond(apis, field):
    api = apis["kz_operator"]
    limit = MAX_TEXT[field]
    assert api.post("/cases", {**DRAFT, field: "а" * limit}).status_code == 201
    over = api.post("/cases", {**DRAFT, field: "а" * (limit + 1)})
    assert over.status_code == 422
    assert any(field in str(e["field"]) for e in errors_of(over))
    assert Case.objects.count() == 1  # the one within the limit


def test_the_api_refuses_more_persons_than_one_request_holds(apis):
    over = apis["kz_operator"].post("/cases", {**DRAFT, "persons": [PERSON] * (MAX_PERSONS + 1)})
    assert over.status_code == 422 and "persons" in str(errors_of(over)[0]["field"])


def test_a_moves_text_beyond_its_limit_is_refused_before_it_is_sent(apis):
    case = apis["kz_operator"].post("/cases", DRAFT).json()
    long = apis["kz_operator"].act(case["id"], "submit", text="т" * (MAX_MOVE_TEXT + 1))
    assert long.status_code == 422 and errors_of(long)[0]["field"] == "text"


def test_the_rules_a_sender_runs_name_the_text_and_the_article(agreement):
    profile = profile_of(agreement)
    with pytest.raises(Invalid) as caught:
        rules.check("answer", profile, {"text": "т" * (MAX_MOVE_TEXT + 1), "persons": []})
    first = caught.value.errors[0]
    assert (first.code, first.field, first.article) == ("text_too_long", "text", "10")
    assert "8 000" in first.message_ru
    payload = {**DRAFT, "summary": "с" * (MAX_TEXT["summary"] + 1), "persons": []}
    with pytest.raises(Invalid) as caught:
        rules.check("request", profile, payload)
    assert [(e.code, e.field) for e in caught.value.errors][:1] == [("text_too_long", "summary")]


def test_the_draft_form_says_which_text_is_too_long(client, officers, agreement):
    by_mvd = Authority.objects.get(code="by-mvd")
    data = draft_post(agreement, by_mvd, justification="о" * (MAX_TEXT["justification"] + 1))
    response = login(client, officers["kz_operator"]).post("/cases/new/", data)
    page = response.content.decode()
    assert response.status_code == 422 and "не более 8000 символов" in page
    assert 'maxlength="8000"' in page
    assert not Case.objects.exists()


def test_a_peers_request_with_a_text_beyond_the_limit_is_refused_and_not_kept(officers, both_nodes):
    message = signed_and_queued(officers)
    long = {**message.payload, "summary": "з" * (MAX_TEXT["summary"] + 1)}
    detail = refused(both_nodes, long)
    assert detail.startswith("payload_invalid") and "payload.summary" in detail
    many = {**message.payload, "persons": message.payload["persons"] * (MAX_PERSONS + 1)}
    assert "payload.persons" in refused(both_nodes, many)
    assert both_nodes.receive(message).code == "accepted"  # the request as it was signed


def test_a_request_holds_at_most_its_limit_of_attachments(officers):
    case = draft(officers)
    author = officers["kz_operator"]
    for i in range(MAX_ATTACHMENTS):
        add_attachment(
            case=case, actor=author, name=f"{i}.txt", content=b"x", content_type="text/plain"
        )
    with pytest.raises(Invalid) as caught:
        add_attachment(
            case=case, actor=author, name="51.txt", content=b"x", content_type="text/plain"
        )
    assert caught.value.errors[0].code == "too_many_attachments"
    assert "не более 50 файлов" in caught.value.errors[0].message_ru
    assert case.attachments.count() == MAX_ATTACHMENTS
