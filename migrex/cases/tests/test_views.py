"""The web UI through Django's test client on a real database: login, the pages every officer
sees, the draft form and its errors with their articles, and Russian as the working language
(Art. 14)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from migrex.agreements.models import Agreement, Authority
from migrex.agreements.services import load
from migrex.cases import actions, labels, workflow
from migrex.cases.models import Case
from migrex.cases.tests.conftest import draft_post, login
from migrex.cases.workflow import State
from migrex.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_every_state_and_action_has_a_russian_label():
    for state in workflow.State:
        assert state in labels.STATES
    for t in actions.TRANSITIONS:
        assert str(actions.BY_NAME[t.action].label) != t.action, t.action
    assert labels.state_label(State.REFUSED) == "Отказ в исполнении"
    assert labels.action_label("sign") == "Подписать и направить"


def test_every_page_needs_login(client, officers):
    for url in (reverse("home"), reverse("cases:box", args=["incoming"]), "/cases/new/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_page_is_russian_and_logs_in(client, officers):
    page = client.get("/login/")
    assert page.status_code == 200
    assert "Вход" in page.content.decode() and "Пароль" in page.content.decode()
    wrong = client.post("/login/", {"username": "kz-operator", "password": "nope"})
    assert (
        wrong.status_code == 200
        and "правильные имя пользователя и пароль" in wrong.content.decode()
    )
    response = client.post("/login/", {"username": "kz-operator", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200  # the start page, «Требуют действия»
    body = home.content.decode()
    for label in (
        "Требуют действия",
        "Входящие",
        "Исходящие",
        "Срок истекает",
        "Просрочено",
        "Закрытые входящие",
        "Закрытые исходящие",
    ):
        assert label in body
    assert "Новый запрос" in body and "Информация без запроса" in body
    assert "Kz-Operator" in body and "Министерство внутренних дел Республики Казахстан" in body
    out = client.post("/logout/")
    assert out.status_code == 302 and client.get("/incoming/").status_code == 302


def test_only_operators_get_the_new_request_buttons_and_form(client, officers):
    body = login(client, officers["kz_signatory"]).get("/incoming/").content.decode()
    assert "Новый запрос" not in body
    assert client.get("/cases/new/").status_code == 403


def test_new_request_form_offers_only_agreements_in_force(client, officers):
    load("kz-am-2024")
    body = login(client, officers["kz_operator"]).get("/cases/new/").content.decode()
    assert "Новый запрос" in body
    assert "Краткое изложение существа запроса" in body  # the agreement's Art. 9.2 labels
    assert "Временно пребывающие на территории государств Сторон" in body  # Art. 5 categories
    am = Agreement.objects.get(code="kz-am-2024")
    assert f'value="{am.pk}" disabled' in body  # listed, not selectable (Art. 17)
    assert "Министерство внутренних дел Республики Беларусь" in body
    assert "Государственный пограничный комитет" in body
    assert (
        "Министерство труда"
        not in body.split('id="id_requested_authority"')[1].split("</select>")[0]
    )


def test_operator_drafts_a_request_with_a_person(client, officers, agreement):
    login(client, officers["kz_operator"])
    by_mvd = Authority.objects.get(code="by-mvd")
    response = client.post("/cases/new/", draft_post(agreement, by_mvd))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.status == State.DRAFT and case.requested_authority == by_mvd
    assert case.topics == ["citizens_in_other_state"] and case.confidential
    person = case.persons.get()
    assert person.category == "temporary_stay"
    assert person.data == {
        "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
        "given_name": {"cyrillic": "Арам", "latin": "Aram"},
        "sex": "M",
        "birth_date": "1990-01-05",
        "birth_place": "г. Ереван",
        "citizenship": ["AM", "KZ"],
        "identity_document": [
            {
                "series": "AR",
                "number": "1234567",
                "issue_date": "2020-02-03",
                "issuer": "Полиция РА",
            }
        ],
    }
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Проект сохранён" in body and "Проект" in body and "Оганесян" in body
    assert "no-store" in page["Cache-Control"]
    assert "Передать на подпись" in body and "Изменить проект" in body


def test_draft_with_an_attachment_and_edit(client, officers, agreement):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, officers["kz_operator"])
    data = draft_post(agreement, Authority.objects.get(code="by-mvd"))
    data["attachments-f1-kind"] = "photo"
    data["attachments-f1-file"] = SimpleUploadedFile("photo.jpg", b"\xff\xd8jpeg", "image/jpeg")
    response = client.post("/cases/new/", data)
    case = Case.objects.get()
    attachment = case.attachments.get()
    assert attachment.kind == "photo" and attachment.name == "photo.jpg"
    download = client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\xff\xd8jpeg"
    assert "no-store" in download["Cache-Control"]

    edit = client.get(f"/cases/{case.pk}/edit/")
    assert edit.status_code == 200 and "Оганесян" in edit.content.decode()
    data = {k: v for k, v in draft_post(agreement, None).items() if not k.startswith("persons-")}
    data.update(summary="Уточнённое изложение", **{"persons-b2-category": "expelled"})
    data["persons-b2-document_number"] = "N0001"
    data["persons-b2-citizenship"] = "BY"
    response = client.post(f"/cases/{case.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()
    case.refresh_from_db()
    assert case.summary == "Уточнённое изложение"
    assert [(p.category, p.data) for p in case.persons.all()] == [
        ("expelled", {"citizenship": ["BY"], "identity_document": [{"number": "N0001"}]})
    ]


def test_invalid_draft_shows_field_errors_with_article_and_stores_nothing(
    client, officers, agreement
):
    login(client, officers["kz_operator"])
    data = draft_post(
        agreement,
        Authority.objects.get(code="by-mvd"),
        **{"persons-a1-citizenship": "Нарния", "persons-a1-category": ""},
    )
    response = client.post("/cases/new/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Ничего не сохранено" in body
    assert "«Нарния»: такой страны нет; выберите название из списка. (ст. 6)" in body
    assert "Обязательное поле. (ст. 5)" in body
    assert "Оганесян" in body  # what was typed is kept
    assert not Case.objects.exists()


def test_agreement_not_in_force_gives_the_article_17_error(client, officers, agreement):
    load("kz-am-2024")
    am = Agreement.objects.get(code="kz-am-2024")
    login(client, officers["kz_operator"])
    response = client.post("/cases/new/", draft_post(am, Authority.objects.get(code="am-police")))
    assert response.status_code == 422
    body = response.content.decode()
    assert "не действует" in body and "ст. 17" in body
    assert not Case.objects.exists()


def test_service_errors_land_on_the_person_fields(client, officers, agreement):
    """A category outside Art. 5, posted by hand, is refused by the services and shown in the
    person row with the article."""
    login(client, officers["kz_operator"])
    data = draft_post(agreement, Authority.objects.get(code="by-mvd"))
    data["persons-a1-category"] = "tourists"
    response = client.post("/cases/new/", data)
    assert response.status_code == 422
    assert "ст. 5" in response.content.decode() and not Case.objects.exists()


def test_person_rows_are_added_with_htmx(client, officers, agreement):
    login(client, officers["kz_operator"])
    row = client.get(f"/cases/rows/person/?agreement={agreement.pk}", HTTP_HX_REQUEST="true")
    body = row.content.decode()
    assert row.status_code == 200 and 'name="persons-' in body and "Фамилия (кириллица)" in body
    assert "ст. 5.1" in body and "no-store" in row["Cache-Control"]
    assert client.get("/cases/rows/person/?agreement=999").status_code == 404


def test_changing_the_agreement_refreshes_the_form_and_keeps_the_text(client, officers, agreement):
    login(client, officers["kz_operator"])
    data = draft_post(agreement, Authority.objects.get(code="by-mvd"))
    response = client.post("/cases/new/?refresh=1", data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Проверка сведений о временном пребывании" in body and "Оганесян" in body
    assert "error" not in body.split("<section")[1]  # no validation on a refresh
    assert not Case.objects.exists()


def test_language_switch_to_english(client, officers):
    login(client, officers["kz_operator"])
    assert "Входящие" in client.get("/incoming/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/incoming/"})
    assert response.status_code == 302
    body = client.get("/incoming/").content.decode()
    assert "Incoming" in body and "New request" in body and "Входящие" not in body
    assert "Ministry of Internal Affairs of the Republic of Kazakhstan" in body


def test_russian_is_the_default_whatever_the_browser_asks(client, officers):
    """Art. 14: an English browser still gets Russian until the officer switches language."""
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "<h1>Вход</h1>" in page.content.decode()
    client.post("/login/", {"username": "kz-operator", "password": PASSWORD})
    body = client.get("/incoming/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Входящие" in body


def test_every_ui_string_has_a_russian_translation():
    """Art. 14: nothing of the UI falls back to its English msgid in Russian."""
    import re
    from pathlib import Path

    import migrex

    po = Path(migrex.__file__).parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header

    def translations(entry: str) -> list[str]:
        # msgstr and msgstr[N], each one or more quoted lines
        found = re.findall(r'^msgstr(?:\[\d+\])? ((?:".*"\n?)+)', entry, re.M)
        return ["".join(re.findall(r'"(.*)"', block)) for block in found]

    untranslated = [e for e in entries if not all(translations(e))]
    assert not untranslated, untranslated[:3]
    assert "#, fuzzy" not in text
    assert (po.parent / "django.mo").exists()
