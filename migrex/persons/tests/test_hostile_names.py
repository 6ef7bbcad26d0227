"""Names that would show an officer something other than what is stored (markup, control
characters, text-direction marks), a date of birth in the future, and attachment names or
content types with line breaks: refused by the schemas, so on sending and on receiving alike."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from migrex.cases.messages import AttachmentPayload
from migrex.conftest import API, DRAFT, PERSON, Api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("surname", {"cyrillic": "Иванов<script>", "latin": "Ivanov"}),
        ("surname", {"latin": "Ivanov\u202evokin"}),
        ("given_name", {"latin": "Aram\u2066"}),
        ("patronymic", {"cyrillic": "Ара\u200fмович"}),
        ("given_name", {"latin": "Ar\x1bam"}),
        ("birth_date", "2999-01-01"),
    ],
)
def test_a_name_with_markup_or_direction_marks_or_a_future_birth_is_refused(
    officers, member, value
):
    api = Api(officers["kz_operator"])
    person = {**PERSON, "data": {**PERSON["data"], member: value}}
    response = api.client.post(
        f"{API}/cases", json.dumps({**DRAFT, "persons": [person]}), content_type="application/json"
    )
    assert response.status_code == 422, response.json()
    assert any(member in (e["field"] or "") for e in response.json()["errors"])


def test_a_plain_name_and_a_past_birth_pass(officers):
    api = Api(officers["kz_operator"])
    person = {**PERSON, "data": {**PERSON["data"], "surname": {"cyrillic": "Д'Артаньян-Ким"}}}
    assert api.post("/cases", {**DRAFT, "persons": [person]}).status_code == 201


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "a\r\nContent-Type: text/html.pdf"},
        {"name": "a.pdf\n"},
        {"content_type": "text/plain\r\nX-Evil: 1"},
    ],
)
def test_an_attachment_name_or_content_type_with_a_line_break_is_refused(fields):
    good = {
        "name": "a.pdf",
        "kind": "document",
        "content_type": "application/pdf",
        "sha256": "0" * 64,
        "content": "",
    }
    AttachmentPayload.model_validate(good)
    with pytest.raises(ValidationError):
        AttachmentPayload.model_validate({**good, **fields})
