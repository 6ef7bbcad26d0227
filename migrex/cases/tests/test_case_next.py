"""The case page leads with what happened last and what to do next; the forms repeat what they
answer; the history reads as an official record; files travel with a question, the information
given in reply, an answer (Art. 10.1, 10.3, 11.4); an answer or a refusal leaves the country only
from its review page, ticked as checked; a draft is discarded only with its box ticked. Django's
test client on a real database, both nodes in it (`deliver`)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from migrex.cases.models import Attachment, Case
from migrex.cases.services import transition
from migrex.cases.tests.conftest import login, sent_case
from migrex.cases.workflow import State
from migrex.conftest import draft
from migrex.core import vault
from migrex.exchange.models import OutboxMessage

pytestmark = pytest.mark.django_db

QUESTION = "Укажите место работы лица и адрес регистрации."
ANSWER = "Лицо работает в ТОО «Алтын», зарегистрировано по ул. Абая, 10."


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def asked(officers, deliver) -> tuple[Case, Case]:
    """BY registered KZ's request and asked for more information with a file; KZ has it."""
    ours, theirs = sent_case(officers, deliver)
    by = officers["by_operator"]
    transition(case=theirs, action="register", actor=by)
    scan = {"name": "форма.pdf", "kind": "document", "content_type": "application/pdf"}
    transition(
        case=theirs,
        action="request_information",
        actor=by,
        data={"text": QUESTION, "attachments": [{**scan, "content": b"%PDF-1.4 form"}]},
    )
    deliver()
    ours.refresh_from_db()
    theirs.refresh_from_db()
    return ours, theirs


def test_the_page_leads_with_the_question_received_and_the_moves_with_their_hints(
    client, officers, deliver, media
):
    ours, _ = asked(officers, deliver)
    body = login(client, officers["kz_operator"]).get(f"/cases/{ours.pk}/").content.decode()
    latest = body.index('class="card case-latest"')
    nexts = body.index("Что сделать дальше")
    history = body.index("История</h2>")
    assert latest < nexts < history
    head = body[latest:nexts]
    assert "Запрошены дополнительные сведения" in head and QUESTION in head
    assert "получено от другой Стороны" in head and "форма.pdf" in head
    moves = body[nexts:history]
    assert "Представить сведения" in moves
    assert "Направить дополнительные сведения, запрошенные запрашиваемой Стороной." in moves
    # Withdrawing ends the case against the other's wish: at the end, away from the usual moves.
    body = login(client, officers["kz_signatory"]).get(f"/cases/{ours.pk}/").content.decode()
    history = body.index("История</h2>")
    assert "Отозвать запрос" not in body[:history]
    assert history < body.index("Необратимые действия") < body.index("Отозвать запрос")


def test_the_history_reads_as_an_official_record(client, officers, deliver, media):
    ours, theirs = asked(officers, deliver)
    page = login(client, officers["kz_operator"]).get(f"/cases/{ours.pk}/").content.decode()
    timeline = page[page.index('class="timeline"') :]
    assert "Запрос подписан и направлен" in timeline and "Передан на подпись" in timeline
    assert "Подписать и направить" not in timeline  # the button, not the record
    page = login(client, officers["by_operator"]).get(f"/cases/{theirs.pk}/").content.decode()
    timeline = page[page.index('class="timeline"') :]
    assert "Запрос зарегистрирован" in timeline and "Поступил запрос" in timeline
    assert ">Зарегистрировать<" not in timeline


def test_the_reply_form_repeats_the_question_it_answers(client, officers, deliver, media):
    ours, _ = asked(officers, deliver)
    login(client, officers["kz_operator"])
    form = client.get(f"/cases/{ours.pk}/act/provide_information/").content.decode()
    assert "В ответ на" in form and QUESTION in form and "форма.pdf" in form
    assert 'type="file"' in form and 'enctype="multipart/form-data"' in form


def test_the_answer_and_refusal_forms_show_the_request_they_answer(client, officers, deliver):
    _, theirs = sent_case(officers, deliver)
    transition(case=theirs, action="register", actor=officers["by_operator"])
    login(client, officers["by_supervisor"])
    for action in ("reply", "refuse"):
        form = client.get(f"/cases/{theirs.pk}/act/{action}/").content.decode()
        assert "Проверка сведений" in form and "Законность пребывания" in form, action


def test_information_given_in_reply_carries_its_files_to_the_other_party(
    client, officers, deliver, media
):
    ours, theirs = asked(officers, deliver)
    login(client, officers["kz_operator"])
    response = client.post(
        f"/cases/{ours.pk}/act/provide_information/",
        {
            "text": "Место работы: ТОО «Алтын».",
            "attachments": [
                SimpleUploadedFile("справка.pdf", b"%PDF-1.4 work", "application/pdf"),
                SimpleUploadedFile("адрес.txt", b"ul. Abaya 10", "text/plain"),
            ],
        },
    )
    assert response.status_code == 302
    sent = OutboxMessage.objects.get(kind="information")
    assert [a["name"] for a in sent.payload["attachments"]] == ["справка.pdf", "адрес.txt"]
    deliver()
    theirs.refresh_from_db()
    assert theirs.status == State.REGISTERED
    event = theirs.events.get(action="information")
    assert sorted(vault.read(a) for a in event.attachments.all()) == [
        b"%PDF-1.4 work",
        b"ul. Abaya 10",
    ]


def test_an_empty_file_is_refused_on_the_form_with_its_article(client, officers, deliver, media):
    ours, _ = asked(officers, deliver)
    login(client, officers["kz_operator"])
    response = client.post(
        f"/cases/{ours.pk}/act/provide_information/",
        {"text": "Сведения.", "attachments": [SimpleUploadedFile("пусто.pdf", b"", "text/plain")]},
    )
    assert response.status_code == 422
    assert not OutboxMessage.objects.filter(kind="information").exists()


def test_an_answer_leaves_only_from_its_review_page_ticked_as_checked(
    client, officers, deliver, media
):
    ours, theirs = sent_case(officers, deliver)
    transition(case=theirs, action="register", actor=officers["by_operator"])
    url = f"/cases/{theirs.pk}/act/reply/"
    login(client, officers["by_operator"])
    typed = {"text": ANSWER}
    review = client.post(
        url, {**typed, "attachments": SimpleUploadedFile("ответ.pdf", b"%PDF-1.4 answer")}
    )
    body = review.content.decode()
    assert review.status_code == 200 and "Проверьте перед отправкой" in body
    assert ANSWER in body and "ответ.pdf" in body and "Я проверил(а)" in body
    held = body.split('name="held" value="')[1].split('"')[0]
    assert not OutboxMessage.objects.filter(kind="answer").exists()

    # Sent without the tick: the review again, saying why; nothing sent.
    unticked = client.post(url, {**typed, "held": held, "step": "send"})
    assert unticked.status_code == 422
    assert "Ничего не отправлено" in unticked.content.decode()
    assert "отметьте ниже «Я проверил(а)…»" in unticked.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == State.REGISTERED
    assert not OutboxMessage.objects.filter(kind="answer").exists()

    # Back to the form: the text as it was typed, the file still attached.
    back = client.post(url, {**typed, "held": held, "step": "edit"}).content.decode()
    assert ANSWER in back and "ответ.pdf" in back and 'name="held"' in back

    done = client.post(url, {**typed, "held": held, "step": "send", "reviewed": "on"})
    assert done.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == State.ANSWERED
    sent = OutboxMessage.objects.get(kind="answer")
    [file] = sent.payload["attachments"]
    content = base64.b64decode(file["content"])
    assert content == b"%PDF-1.4 answer" and file["sha256"] == hashlib.sha256(content).hexdigest()
    deliver()
    ours.refresh_from_db()
    assert ours.status == State.ANSWERED
    arrived = Attachment.objects.get(case=ours, event__action="answer")
    assert arrived.name == "ответ.pdf" and arrived.event.direction == "in"
    page = client.get(f"/cases/{theirs.pk}/").content.decode()
    assert "Ответ направлен" in page


def test_a_refusal_without_reasons_is_refused_before_the_review(client, officers, deliver):
    _, theirs = sent_case(officers, deliver)
    transition(case=theirs, action="register", actor=officers["by_operator"])
    login(client, officers["by_supervisor"])
    response = client.post(f"/cases/{theirs.pk}/act/refuse/", {"grounds": ["security"]})
    body = response.content.decode()
    assert response.status_code == 422 and "Укажите причины отказа" in body
    assert "Проверьте перед отправкой" not in body


def test_a_draft_is_discarded_only_with_its_box_ticked(client, officers):
    case = draft(officers)
    login(client, officers["kz_operator"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert page.index("Отменить проект") > page.index("История</h2>")  # the end of the page
    form = client.get(f"/cases/{case.pk}/act/discard/").content.decode()
    assert ">Отмена<" not in form  # no «Отмена» beside «Отменить проект»
    unticked = client.post(f"/cases/{case.pk}/act/discard/", {})
    assert unticked.status_code == 422 and "проект будет закрыт без отправки" in (
        unticked.content.decode()
    )
    case.refresh_from_db()
    assert case.status == State.DRAFT
    assert client.post(f"/cases/{case.pk}/act/discard/", {"reviewed": "on"}).status_code == 302
    case.refresh_from_db()
    assert case.status == State.DISCARDED
