"""The draft form takes every Art. 6 field the API takes: residence permits and decisions on an
entry ban or an exit restriction, checked by the one rule set of the API and of the other party
(persons/schema.py, persons/rules.py), and shown on the case page in Russian; countries are typed
by name and stored as ISO codes; dates typed and shown as 14.03.1985; the information without a
request has its own labels (Art. 8)."""

from __future__ import annotations

import html
import re

import pytest

from migrex.agreements.models import Authority
from migrex.cases import labels
from migrex.cases.models import Case
from migrex.cases.tests.conftest import draft_post, login
from migrex.conftest import DRAFT, PERSON, Api

pytestmark = pytest.mark.django_db

PERMIT_AND_BAN = {
    "persons-a1-citizenship": "Армения; Казахстан",
    "persons-a1-birth_date": "05.01.1990",
    "persons-a1-document_issue_date": "03.02.2020",
    "persons-a1-residence_permit_kind": "temporary",
    "persons-a1-residence_permit_number": "ВНЖ-77",
    "persons-a1-residence_permit_issued_on": "01.02.2021",
    "persons-a1-residence_permit_valid_until": "31.01.2026",
    "persons-a1-entry_ban_decided_on": "14.03.2024",
    "persons-a1-entry_ban_authority": "МВД Республики Беларусь",
    "persons-a1-entry_ban_until": "14.03.2029",
    "persons-a1-entry_ban_grounds": "Нарушение срока пребывания",
}


def _new(client, agreement, **fields):
    return client.post(
        "/cases/new/", draft_post(agreement, Authority.objects.get(code="by-mvd"), **fields)
    )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_draft_form_saves_a_residence_permit_and_an_entry_ban_art_6(
    client, officers, agreement
):
    login(client, officers["kz_operator"])
    response = _new(client, agreement, **PERMIT_AND_BAN)
    assert response.status_code == 302, _text(response.content.decode())[:3000]
    data = Case.objects.get().persons.get().data
    assert data["citizenship"] == ["AM", "KZ"]
    assert data["birth_date"] == "1990-01-05"
    assert data["identity_document"][0]["issue_date"] == "2020-02-03"
    assert data["residence_permit"] == [
        {
            "kind": "temporary",
            "number": "ВНЖ-77",
            "issued_on": "2021-02-01",
            "valid_until": "2026-01-31",
        }
    ]
    assert data["entry_ban"] == [
        {
            "decided_on": "2024-03-14",
            "authority": "МВД Республики Беларусь",
            "until": "2029-03-14",
            "grounds": "Нарушение срока пребывания",
        }
    ]
    assert "exit_restriction" not in data


def test_the_case_page_shows_the_art_6_data_in_russian(client, officers, agreement):
    login(client, officers["kz_operator"])
    response = _new(client, agreement, **PERMIT_AND_BAN)
    page = _text(client.get(response["Location"]).content.decode())
    assert "Армения; Казахстан" in page
    assert "мужской" in page and "05.01.1990" in page
    assert (
        "Разрешение на проживание: временное, № ВНЖ-77, выдано 01.02.2021, "
        "действительно до 31.01.2026" in page
    )
    assert (
        "Запрет на въезд: решение от 14.03.2024, МВД Республики Беларусь, до 14.03.2029; "
        "основания: Нарушение срока пребывания" in page
    )
    for raw in ("1990-01-05", "2021-02-01", "2024-03-14", "temporary", " AM", " KZ "):
        assert raw not in page, raw


def test_editing_shows_dates_and_countries_as_typed_and_keeps_what_the_form_does_not_edit(
    client, officers, agreement
):
    """A draft from the API with two permits and a photograph's digest: the form shows the
    first permit, keeps the second and the digest, and saves them back unchanged."""
    permits = [
        {"kind": "permanent", "number": "П-1", "issued_on": "2020-05-04"},
        {"kind": "temporary", "number": "В-2"},
    ]
    person = {**PERSON, "data": {**PERSON["data"], "residence_permit": permits, "photo": ["ab"]}}
    created = Api(officers["kz_operator"]).post("/cases", {**DRAFT, "persons": [person]})
    assert created.status_code == 201, created.json()
    case = Case.objects.get()
    login(client, officers["kz_operator"])
    form = client.get(f"/cases/{case.pk}/edit/").content.decode()
    assert 'value="05.01.1990"' in form and 'value="04.05.2020"' in form
    assert 'value="Казахстан"' in form
    assert "Ещё 2 записи" in form  # the second permit and the photograph
    # What the browser posts back: the inputs as shown (the selects are set below).
    inputs = re.findall(r'<input [^>]*name="(persons-[0-9a-f]+-[a-z_]+)" value="([^"]*)"', form)
    key = inputs[0][0].split("-")[1]
    post = {k: v for k, v in draft_post(agreement, None).items() if not k.startswith("persons-")}
    post.update((name, html.unescape(value)) for name, value in inputs)
    post[f"persons-{key}-category"] = "temporary_stay"
    post[f"persons-{key}-residence_permit_kind"] = "permanent"
    response = client.post(f"/cases/{case.pk}/edit/", post)
    assert response.status_code == 302, _text(response.content.decode())[:3000]
    data = case.persons.get().data
    assert data["residence_permit"] == permits
    assert data["photo"] == ["ab"]
    assert data["birth_date"] == "1990-01-05" and data["citizenship"] == ["KZ"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {
                "persons-a1-residence_permit_issued_on": "01.02.2021",
                "persons-a1-residence_permit_valid_until": "01.02.2020",
                "persons-a1-residence_permit_kind": "temporary",
            },
            "residence_permit_valid_until",
            "Дата раньше даты выдачи. (ст. 6)",
        ),
        (
            {"persons-a1-residence_permit_number": "ВНЖ-77"},
            "residence_permit_kind",
            "Не заполнено. (ст. 6)",
        ),
        (
            {"persons-a1-entry_ban_authority": "МВД"},
            "entry_ban_decided_on",
            "Не заполнено. (ст. 6)",
        ),
        (
            {
                "persons-a1-exit_restriction_decided_on": "14.03.2024",
                "persons-a1-exit_restriction_until": "13.03.2024",
            },
            "exit_restriction_until",
            "Дата раньше даты решения. (ст. 6)",
        ),
    ],
)
def test_the_form_refuses_what_the_api_refuses_on_the_field_with_the_article(
    client, officers, agreement, fields, field, message
):
    """One rule set (persons/schema.py): the API refuses the same record with the same path."""
    login(client, officers["kz_operator"])
    response = _new(client, agreement, **fields)
    assert response.status_code == 422
    body = response.content.decode()
    at = body.index(f'name="persons-a1-{field}"')
    assert message in body[at : at + 2500], _text(body[at : at + 2500])
    assert not Case.objects.exists()

    code = next(c for c in ("residence_permit", "entry_ban", "exit_restriction") if c in field)
    entry = {  # the same entry as the API takes it: ISO dates
        k.removeprefix(f"persons-a1-{code}_"): "-".join(reversed(v.split("."))) if "." in v else v
        for k, v in fields.items()
    }
    person = {**PERSON, "data": {**PERSON["data"], code: [entry]}}
    refused = Api(officers["kz_operator"]).post("/cases", {**DRAFT, "persons": [person]})
    assert refused.status_code == 422
    errors = {e["field"]: e for e in refused.json()["errors"]}
    error = errors[f"persons[0].data.{code}.0.{field.removeprefix(code + '_')}"]
    assert error["article"] == "6" and error["message_ru"] == message.removesuffix(" (ст. 6)")


def test_the_country_picker_refuses_a_country_that_does_not_exist(client, officers, agreement):
    login(client, officers["kz_operator"])
    response = _new(client, agreement, **{"persons-a1-citizenship": "Нарния"})
    assert response.status_code == 422
    assert "«Нарния»: такой страны нет; выберите название из списка. (ст. 6)" in (
        response.content.decode()
    )


def test_a_new_person_row_offers_countries_by_russian_name_and_dates_as_russian_write_them(
    client, officers, agreement
):
    login(client, officers["kz_operator"])
    row = client.get(f"/cases/rows/person/?agreement={agreement.pk}").content.decode()
    assert '<option value="Казахстан">' in row and "<datalist" in row
    assert 'placeholder="дд.мм.гггг"' in row and 'type="date"' not in row
    assert ">M<" not in row and "мужской" in row and "женский" in row
    for label in ("Разрешение на проживание", "Запрет на въезд", "Ограничение выезда"):
        assert label in row


def test_the_information_form_has_its_own_labels_art_8(client, officers):
    login(client, officers["kz_operator"])
    page = client.get("/cases/new/information/").content.decode()
    for label in (
        "Краткое изложение существа информации",
        "Цель передачи сведений",
        "Основания полагать, что информация представляет интерес для другой Стороны",
        "факт поступления и содержание информации не разглашаются",
        "Направляющий орган",
        "Орган-получатель",
    ):
        assert label in page, label
    for label in ("Цель запроса", "Обоснование запроса", "Запрашиваемый орган"):
        assert label not in page, label
    request = client.get("/cases/new/").content.decode()
    assert "Цель запроса" in request and "Цель передачи сведений" not in request


def test_kinds_of_case_and_their_direction_agree_in_gender():
    assert labels.kind_and_direction("request", "requester") == "Запрос · исходящий"
    assert labels.kind_and_direction("request", "requested") == "Запрос · входящий"
    assert (
        labels.kind_and_direction("spontaneous", "requester")
        == "Информация без запроса · исходящая"
    )
    assert (
        labels.kind_and_direction("spontaneous", "requested") == "Информация без запроса · входящая"
    )
