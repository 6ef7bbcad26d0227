"""The case pages through Django's test client on a real database: the action panel from draft
to refusal (Art. 9.3, 10), information without a request (Art. 8), the boxes and their deadlines
(Art. 10.3), who sees what, and the queries a page makes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from migrex.agreements.models import Authority
from migrex.cases import workflow
from migrex.cases.models import Case
from migrex.cases.services import create_draft, transition
from migrex.cases.tests.conftest import draft_post, login, sent_case
from migrex.cases.workflow import Side, State
from migrex.conftest import PASSWORD

pytestmark = pytest.mark.django_db


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
    # 30 days from receipt in Minsk (Art. 10.3), counted from today on this node's clock: one day
    # fewer in the hours when Almaty has passed midnight and Minsk has not.
    left = (theirs.due_date - timezone.localdate()).days
    assert left in (29, 30)
    assert theirs.their_number in incoming and "Поступил" in incoming
    assert f"осталось {left} дн." in incoming
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
    typed = {"grounds": ["security"], "text": "Исполнение нанесёт ущерб безопасности."}
    review = client.post(url, typed)  # a refusal leaves only from its review page
    assert review.status_code == 200 and "Проверьте перед отправкой" in review.content.decode()
    done = client.post(url, {**typed, "step": "send", "reviewed": "on"}, HTTP_HX_REQUEST="true")
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
    closed = client.get("/closed-outgoing/").content.decode()
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
    assert response.status_code == 200 and f"№ {ours.number}" in body
    assert "Проверка сведений" not in body  # the summary is free text: metadata only
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
    # 10 (one of them the navigation's count of what needs the officer, cases/attention.py,
    # two the boxes' counts), and up to 6 for the session's refreshed expiry, which waits
    # briefly for the write lock (core/dbwait.py).
    with django_assert_max_num_queries(16):
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
    transition(case=theirs, action="register", actor=officers["by_operator"])
    for i in range(5):
        transition(
            case=theirs,
            action="notify_obstacle",
            actor=officers["by_operator"],
            data={"text": f"Препятствие {i}"},
        )
    transition(
        case=theirs,
        action="assign",
        actor=officers["by_supervisor"],
        data={"assignee": officers["by_operator"].pk},
    )
    login(client, officers["by_operator"])
    # 18 to show the page (one the navigation's count of what needs the officer, two the
    # boxes' counts, one the upsert
    # that records the officer opened the case: cases/attention.py), 5 to audit the reads of its
    # persons in one batch (savepoint, head locked, entries inserted, head moved, released)
    # however many persons it shows, 2 for the
    # consents asked for the data received from the other party; up to 3 for the session's
    # refreshed expiry, which waits briefly for the write lock (core/dbwait.py).
    with django_assert_max_num_queries(28) as captured:
        body = client.get(f"/cases/{theirs.pk}/").content.decode()
    # The reference data's generation once for the whole page (core/reference.PinnedMiddleware)
    assert sum("core_generation" in q["sql"] for q in captured.captured_queries) == 1
    assert body.count('class="tl-item') == 8 and "Препятствие 4" in body
