"""Text the JSON API cannot store, refused at the door for every operation: a lone surrogate
(valid JSON, `"\\ud800"`, but no UTF-8 can encode it) is a 422 naming the member; NUL a 400."""

from __future__ import annotations

import json

import pytest

from migrex.conftest import API, DRAFT, PERSON, Api, create

pytestmark = pytest.mark.django_db


def _raw(api: Api, method: str, path: str, body: str):
    return getattr(api.client, method)(API + path, body, content_type="application/json")


def _one_error(response) -> dict:
    (error,) = response.json()["errors"]
    return error


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**DRAFT, "summary": "Проверка \ud800"}, "summary"),
        (
            {**DRAFT, "persons": [{**PERSON, "data": {"x": ["ok", "\udfff"]}}]},
            "persons[0].data.x[1]",
        ),
        ({**DRAFT, "\ud83d": 1}, "\\ud83d"),
    ],
)
def test_a_lone_surrogate_in_a_new_case_is_a_422_naming_the_member(officers, body, field):
    api = Api(officers["kz_operator"])
    response = _raw(api, "post", "/cases", json.dumps(body))
    assert response.status_code == 422
    error = _one_error(response)
    assert (error["code"], error["field"]) == ("text_not_utf8", field)
    assert "UTF-8" in error["message_ru"]


def test_a_lone_surrogate_in_a_change_or_an_action_is_a_422_too(officers):
    api = Api(officers["kz_operator"])
    case = create(api)
    patched = _raw(api, "patch", f"/cases/{case['id']}", json.dumps({"purpose": "\udc00"}))
    assert patched.status_code == 422 and _one_error(patched)["field"] == "purpose"
    acted = _raw(api, "post", f"/cases/{case['id']}/actions/submit", '{"comment": "\\ud800"}')
    assert acted.status_code == 422 and _one_error(acted)["field"] == "comment"
    assert api.get(f"/cases/{case['id']}").json()["purpose"] == DRAFT["purpose"]


def test_nul_is_still_a_400_and_says_so(officers):
    api = Api(officers["kz_operator"])
    response = _raw(api, "post", "/cases", json.dumps({**DRAFT, "summary": "a\x00"}))
    assert response.status_code == 400
    assert "NUL" in _one_error(response)["message_en"]
