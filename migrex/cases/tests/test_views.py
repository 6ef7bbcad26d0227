"""The web UI, through Django's test client on a real database: pages, the draft form, the action
panel, documents, visibility, and Russian as the working language (Art. 14)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from migrex.agreements.models import Agreement, Authority
from migrex.agreements.services import load
from migrex.cases import actions, labels, workflow
from migrex.cases.models import Case
from migrex.cases.services import create_draft, transition
from migrex.cases.tests.conftest import draft_post
from migrex.cases.workflow import Side, State
from migrex.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def sent_case(officers, deliver) -> tuple[Case, Case]:
    """A request drafted, signed and delivered: (the requester's copy, the requested copy)."""
    case = create_draft(
        actor=officers["kz_operator"],
        agreement=Agreement.objects.get(code="kz-by-2019"),
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary="Проверка сведений",
        purpose="Законность пребывания",
        justification="Материалы проверки",
        persons=[
            {
                "category": "temporary_stay",
                "data": {
                    "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
                    "birth_date": "1990-01-05",
                },
            }
        ],
    )
    transition(case=case, action="submit", actor=officers["kz_operator"])
    transition(case=case, action="sign", actor=officers["kz_signatory"], confirmed=True)
    deliver()
    theirs = Case.objects.get(conversation_id=case.conversation_id, side=Side.REQUESTED)
    return Case.objects.get(pk=case.pk), theirs


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
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == "/incoming/"
    body = home.content.decode()
    for label in ("Входящие", "Исходящие", "Срок истекает", "Просрочено", "Закрытые"):
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
        "citizenship": ["AM"],
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
    response = client.post(f"/cases/{case.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()
    case.refresh_from_db()
    assert case.summary == "Уточнённое изложение"
    assert [(p.category, p.data) for p in case.persons.all()] == [
        ("expelled", {"identity_document": [{"number": "N0001"}]})
    ]


def test_invalid_draft_shows_field_errors_with_article_and_stores_nothing(
    client, officers, agreement
):
    login(client, officers["kz_operator"])
    data = draft_post(
        agreement,
        Authority.objects.get(code="by-mvd"),
        **{"persons-a1-citizenship": "KAZ", "persons-a1-category": ""},
    )
    response = client.post("/cases/new/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Ничего не сохранено" in body
    assert "KAZ: не двухбуквенный код ISO 3166-1 (ст. 6)" in body
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


def test_request_from_draft_to_refusal_through_the_pages(client, officers, agreement, deliver):
    """Art. 9.3 signature with a password, Art. 10.1 registration, Art. 10.4 refusal with grounds
    and reasons, and the written refusal notice."""
    operator, signatory = officers["kz_operator"], officers["kz_signatory"]
    login(client, operator).post(
        "/cases/new/", draft_post(agreement, Authority.objects.get(code="by-mvd"))
    )
    case = Case.objects.get()
    act = f"/cases/{case.pk}/act/"
    assert client.post(act + "submit/", {"text": ""}).status_code == 302

    login(client, signatory)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "На подписи" in page and "Подписать и направить" in page
    form = client.get(act + "sign/", HTTP_HX_REQUEST="true")
    assert "Подтвердите пароль для подписания" in form.content.decode()
    assert "ст. 9.3" in form.content.decode()
    wrong = client.post(act + "sign/", {"password": "not it"}, HTTP_HX_REQUEST="true")
    assert wrong.status_code == 403
    assert "Пароль неверен" in wrong.content.decode() and "ст. 9.3" in wrong.content.decode()
    case.refresh_from_db()
    assert case.status == State.AWAITING_SIGNATURE
    signed = client.post(act + "sign/", {"password": PASSWORD}, HTTP_HX_REQUEST="true")
    assert signed.status_code == 204 and signed["HX-Redirect"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.status == State.SENT and case.signed_by == signatory
    letter = client.get(f"/cases/{case.pk}/request.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")

    deliver()
    theirs = Case.objects.get(conversation_id=case.conversation_id, side=Side.REQUESTED)
    by_operator, by_supervisor = officers["by_operator"], officers["by_supervisor"]
    login(client, by_operator)
    incoming = client.get("/incoming/").content.decode()
    assert (
        theirs.their_number in incoming and "Поступил" in incoming and "осталось 30 дн." in incoming
    )
    page = client.get(f"/cases/{theirs.pk}/").content.decode()
    assert "Зарегистрировать" in page and "Оганесян" in page
    register = client.get(f"/cases/{theirs.pk}/act/register/", HTTP_HX_REQUEST="true")
    assert "Исполнитель" in register.content.decode()
    response = client.post(f"/cases/{theirs.pk}/act/register/", {"assignee": by_operator.pk})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == State.REGISTERED and theirs.assignee == by_operator

    login(client, by_supervisor)
    url = f"/cases/{theirs.pk}/act/refuse/"
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Ущерб безопасности" in form and "ст. 10.4" in form
    empty = client.post(url, {"text": ""}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 422
    assert "Укажите основание отказа" in empty.content.decode()
    assert "Укажите причины отказа" in empty.content.decode()
    done = client.post(
        url,
        {"grounds": ["security"], "text": "Исполнение нанесёт ущерб безопасности."},
        HTTP_HX_REQUEST="true",
    )
    assert done.status_code == 204
    theirs.refresh_from_db()
    assert theirs.status == State.REFUSED

    deliver()
    login(client, signatory)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Отказ в исполнении" in page and "Получен отказ" in page
    assert "Ущерб безопасности" in page and "Исполнение нанесёт ущерб безопасности." in page
    assert "Уведомление об отказе (PDF)" in page
    notice = client.get(f"/cases/{case.pk}/refusal.pdf")
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    assert notice.content.startswith(b"%PDF")
    closed = client.get("/closed/").content.decode()
    assert case.number in closed and "Отказ в исполнении" in closed


def test_illegal_move_is_shown_with_409(client, officers, agreement, deliver):
    ours, _ = sent_case(officers, deliver)
    login(client, officers["kz_signatory"])
    response = client.post(f"/cases/{ours.pk}/act/sign/", {"password": PASSWORD})
    assert response.status_code == 409
    assert "невозможно" in response.content.decode()


def test_other_authoritys_case_is_404(client, officers, agreement, deliver):
    ours, theirs = sent_case(officers, deliver)
    login(client, officers["kz_labour"])  # same party, another authority
    for url in (
        f"/cases/{ours.pk}/",
        f"/cases/{ours.pk}/request.pdf",
        f"/cases/{ours.pk}/act/withdraw/",
        f"/cases/{theirs.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_auditor_sees_the_case_without_personal_data(client, officers, agreement, deliver):
    ours, _ = sent_case(officers, deliver)
    login(client, officers["kz_auditor"])
    response = client.get(f"/cases/{ours.pk}/")
    body = response.content.decode()
    assert response.status_code == 200 and "Проверка сведений" in body
    assert "Персональные данные скрыты для роли аудитора" in body
    assert "Оганесян" not in body and "Hovhannisyan" not in body
    assert client.get(f"/cases/{ours.pk}/request.pdf").status_code == 403
    assert "Новый запрос" not in body and 'id="action-form"' not in body


def test_due_soon_and_overdue_boxes(client, officers, agreement, deliver):
    _, theirs = sent_case(officers, deliver)
    login(client, officers["by_operator"])
    Case.objects.filter(pk=theirs.pk).update(due_date=timezone.localdate() + dt.timedelta(days=2))
    body = client.get("/due-soon/").content.decode()
    assert theirs.their_number in body and "clock-due-soon" in body
    Case.objects.filter(pk=theirs.pk).update(due_date=timezone.localdate() - dt.timedelta(days=3))
    body = client.get("/overdue/").content.decode()
    assert theirs.their_number in body and "просрочен на 3 дн." in body
    page = client.get(f"/cases/{theirs.pk}/").content.decode()
    assert "просрочен на 3 дн." in page


def test_box_page_queries_do_not_grow_with_cases(
    client, officers, agreement, django_assert_max_num_queries
):
    for i in range(30):
        create_draft(
            actor=officers["kz_operator"],
            agreement=agreement,
            requested_authority=Authority.objects.get(code="by-mvd"),
            summary=f"Запрос {i}",
        )
    login(client, officers["kz_operator"])
    with django_assert_max_num_queries(12):
        body = client.get("/outgoing/").content.decode()
    assert body.count('class="case-link"') == 30


def test_boxes_are_paginated_by_50(client, officers, agreement):
    for i in range(52):
        create_draft(
            actor=officers["kz_operator"],
            agreement=agreement,
            requested_authority=Authority.objects.get(code="by-mvd"),
            summary=f"Запрос {i}",
        )
    login(client, officers["kz_operator"])
    first = client.get("/outgoing/").content.decode()
    assert first.count('class="case-link"') == 50 and "Страница 1 из 2" in first
    second = client.get("/outgoing/?page=2").content.decode()
    assert second.count('class="case-link"') == 2


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


def test_information_without_a_request_is_sent_and_acknowledged(
    client, officers, agreement, deliver
):
    """Art. 8: information sent without a request; the receiver acknowledges it."""
    login(client, officers["kz_operator"])
    data = draft_post(agreement, Authority.objects.get(code="by-mvd"))
    page = client.get("/cases/new/information/").content.decode()
    assert "Информация без запроса" in page and "Содержание информации" in page
    client.post("/cases/new/information/", data)
    case = Case.objects.get()
    assert case.kind == workflow.Kind.SPONTANEOUS
    client.post(f"/cases/{case.pk}/act/submit/", {})
    login(client, officers["kz_signatory"])
    client.post(f"/cases/{case.pk}/act/sign/", {"password": PASSWORD})
    deliver()
    theirs = Case.objects.get(conversation_id=case.conversation_id, side=Side.REQUESTED)
    login(client, officers["by_operator"])
    page = client.get(f"/cases/{theirs.pk}/").content.decode()
    assert "Информация без запроса" in page and "Подтвердить получение" in page
    assert client.post(f"/cases/{theirs.pk}/act/acknowledge/", {"text": ""}).status_code == 302
    deliver()
    login(client, officers["kz_operator"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Доставлено" in page and "Получение подтверждено" in page


def test_case_page_queries_do_not_grow_with_history_and_persons(
    client, officers, agreement, deliver, django_assert_max_num_queries
):
    _, theirs = sent_case(officers, deliver)
    for i in range(5):
        transition(
            case=theirs,
            action="ask_confirmation",
            actor=officers["by_operator"],
            data={"text": f"Сомнение {i}"},
        )
    transition(case=theirs, action="register", actor=officers["by_operator"])
    transition(
        case=theirs,
        action="assign",
        actor=officers["by_supervisor"],
        data={"assignee": officers["by_operator"].pk},
    )
    login(client, officers["by_operator"])
    # 14 to show the page, 5 to audit the reads of its persons in one batch (savepoint, head
    # locked, entries inserted, head moved, released) however many persons it shows, 2 for the
    # consents asked for the data received from the other party.
    with django_assert_max_num_queries(21):
        body = client.get(f"/cases/{theirs.pk}/").content.decode()
    assert body.count('class="tl-item') == 8 and "Сомнение 4" in body


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
