"""The letters of a real case as PDF, through the pages, on both sides: the request (Art. 9),
the requested side's request for additional information (Art. 10.1), its partial answer
(Art. 10.3) and notice of partial refusal (Art. 10.4), and the whole case file. Each carries its
outgoing number, a Russian date, its signatory and the confidentiality mark (Art. 11.1); the
auditor's case file names no person (Art. 11.4). Each PDF's first page is saved as a PNG under
test-artifacts/pdf/ (with poppler's pdftoppm) for the eye."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone, translation

from migrex.audit.models import AuditEntry
from migrex.cases import actions, labels, letters
from migrex.cases.documents import ru_date
from migrex.cases.services import transition
from migrex.cases.tests.conftest import citizen, login, sent_case
from migrex.core.tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "pdf"
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
QUESTION = "Уточните адрес пребывания в г. Минске."
RESULT = "Регистрация по месту пребывания подтверждена; сведения о работе не представляются."


def _name(user, last, first, position):
    user.last_name, user.first_name, user.position = last, first, position
    user.save(update_fields=["last_name", "first_name", "position"])


@pytest.fixture
def answered(officers, deliver):
    """A request asked about (Art. 10.1), answered in part with a person (Art. 10.3, 10.4)."""
    _name(officers["by_operator"], "Лукашевич", "Александр", "Старший инспектор")
    _name(officers["by_supervisor"], "Ковалёва", "Ирина", "Начальник управления по миграции")
    _name(officers["kz_operator"], "Садыкова", "Айгерим", "Инспектор")
    _name(officers["kz_auditor"], "Жунусов", "Ерлан", "Аудитор")
    ours, theirs = sent_case(officers, deliver)
    transition(case=theirs, action="register", actor=officers["by_operator"])
    transition(
        case=theirs,
        action="request_information",
        actor=officers["by_operator"],
        data={"text": QUESTION},
    )
    deliver()
    ours.refresh_from_db()
    transition(
        case=ours,
        action="provide_information",
        actor=officers["kz_operator"],
        data={"text": "ул. Немиги, 5"},
    )
    deliver()
    theirs.refresh_from_db()
    transition(
        case=theirs,
        action="reply_partially",
        actor=officers["by_supervisor"],
        data={"text": RESULT, "grounds": ["security"], "persons": [citizen()]},
    )
    deliver()
    ours.refresh_from_db()
    theirs.refresh_from_db()
    return ours, theirs


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    return response.content


def _save(pdf: bytes, name: str) -> None:
    """The first page as a PNG for the eye (test-artifacts/pdf/), where poppler is installed."""
    if not shutil.which("pdftoppm"):
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-singlefile", f"{name}.pdf", name],
        cwd=ARTIFACTS,
        check=True,
    )
    (ARTIFACTS / f"{name}.pdf").unlink()


def test_each_letter_has_its_number_russian_date_signatory_and_mark(client, officers, answered):
    """Art. 9.1 in writing, 10.1, 10.3, 10.4; Art. 11.1 the mark; Art. 14 Russian dates."""
    _, theirs = answered
    asked = letters.letter_events(theirs, letters.CLARIFICATIONS)[0]
    today = ru_date(timezone.localdate())
    login(client, officers["by_supervisor"])
    documents = {
        "request": _get(client, f"/cases/{theirs.pk}/request.pdf"),
        "clarification": _get(client, f"/cases/{theirs.pk}/clarifications/{asked.pk}.pdf"),
        "answer": _get(client, f"/cases/{theirs.pk}/answer.pdf"),
        "refusal": _get(client, f"/cases/{theirs.pk}/refusal.pdf"),
        "case-file": _get(client, f"/cases/{theirs.pk}/case-file.pdf"),
    }
    texts = {name: pdf_text(pdf) for name, pdf in documents.items()}
    for name, text in texts.items():
        assert "Конфиденциально (ст. 11.1)" in text, name
        assert not ISO.search(text), (name, ISO.search(text))
        _save(documents[name], name)
    assert "дата рождения 05.01.1990" in texts["request"]
    assert f"Исх. № {theirs.their_number} от" in texts["request"]  # the requester's number
    assert f"Заместитель министра _____________ {theirs.signatory_name}" in texts["request"]
    question = texts["clarification"]
    assert f"Исх. № {theirs.number}/1 от" in question and f"Дата: {today}" in question
    assert f"На № {theirs.their_number}" in question and QUESTION in question
    assert "Старший инспектор _____________ Лукашевич Александр" in question
    for name in ("answer", "refusal"):  # one letter: the partial answer
        text = texts[name]
        assert f"Исх. № {theirs.number}/2 от" in text and f"Дата: {today}" in text, name
        assert "Начальник управления по миграции _____________ Ковалёва Ирина" in text, name
    assert RESULT in texts["answer"] and "Оганесян" in texts["answer"]
    assert "4. Основания частичного отказа (ст. 10.4): 1. Ущерб безопасности" in texts["answer"]
    assert "УВЕДОМЛЕНИЕ о частичном отказе в исполнении запроса (ст. 10.4)" in texts["refusal"]
    whole = texts["case-file"]
    assert f"ДЕЛО № {theirs.number}" in whole and theirs.their_number in whole
    assert "Соглашение между Правительством Республики Казахстан" in whole
    for entry in (
        "Поступил запрос",
        "Запрос зарегистрирован",
        "Запрошены дополнительные сведения",
        "Получены дополнительные сведения",
        "Направлен ответ о частичном исполнении",
    ):
        assert entry in whole, entry
    assert whole.index("ЗАПРОС о содействии") < whole.index("ЗАПРОС о представлении")
    assert whole.index("ЗАПРОС о представлении") < whole.index("ОТВЕТ о частичном")
    assert whole.index("ОТВЕТ о частичном") < whole.index("ИСТОРИЯ ДЕЛА")
    downloaded = AuditEntry.objects.filter(action="personal_data.read", actor="by-supervisor")
    assert downloaded.filter(detail__document="case_file").exists()  # Art. 11.4: recorded


def test_the_requester_reads_the_same_numbers_on_the_letters_it_received(
    client, officers, answered
):
    ours, theirs = answered
    login(client, officers["kz_operator"])
    asked = letters.letter_events(ours, letters.CLARIFICATIONS)[0]
    question = pdf_text(_get(client, f"/cases/{ours.pk}/clarifications/{asked.pk}.pdf"))
    answer = pdf_text(_get(client, f"/cases/{ours.pk}/answer.pdf"))
    assert f"№ {theirs.number}/1 получено" in question and QUESTION in question
    assert f"№ {theirs.number}/2 получено" in answer and f"На № {ours.number}" in answer
    # the message names no officer: the sending authority signs, received through the channel
    assert "Получено по защищённому каналу связи" in answer
    sender = theirs.requested_authority.name_ru
    assert f"{sender} электронная подпись узла отправителя" in answer
    assert "Конфиденциально (ст. 11.1)" in answer and not ISO.search(answer)


def test_links_appear_only_once_the_document_exists(client, officers, answered, deliver):
    _, theirs = answered
    login(client, officers["by_supervisor"])
    page = client.get(f"/cases/{theirs.pk}/").content.decode()
    asked = letters.letter_events(theirs, letters.CLARIFICATIONS)[0]
    for url in (f"clarifications/{asked.pk}.pdf", "answer.pdf", "case-file.pdf"):
        assert f'href="/cases/{theirs.pk}/{url}"' in page, url
    assert "Ответ о частичном исполнении запроса (PDF)" in page
    fresh, _ = sent_case(officers, deliver)
    login(client, officers["kz_operator"])
    page = client.get(f"/cases/{fresh.pk}/").content.decode()
    assert f'href="/cases/{fresh.pk}/case-file.pdf"' in page
    assert "answer.pdf" not in page and "clarifications/" not in page
    assert client.get(f"/cases/{fresh.pk}/answer.pdf").status_code == 404


def test_auditor_gets_a_case_file_without_persons_and_no_letters(client, officers, answered):
    """Art. 11.4: the auditor's file is metadata: numbers, dates, entries, no person, no text."""
    ours, _ = answered
    login(client, officers["kz_auditor"])
    asked = letters.letter_events(ours, letters.CLARIFICATIONS)[0]
    assert client.get(f"/cases/{ours.pk}/answer.pdf").status_code == 403
    assert client.get(f"/cases/{ours.pk}/clarifications/{asked.pk}.pdf").status_code == 403
    whole = pdf_text(_get(client, f"/cases/{ours.pk}/case-file.pdf"))
    _save(client.get(f"/cases/{ours.pk}/case-file.pdf").content, "case-file-auditor")
    assert f"ДЕЛО № {ours.number}" in whole and "скрыты для вашей роли (ст. 11.4" in whole
    assert f"Ответ о частичном исполнении запроса № {ours.their_number}/2" in whole
    for hidden in ("Оганесян", "Hovhannisyan", "Арам", QUESTION, RESULT, "ул. Немиги"):
        assert hidden not in whole, hidden
    assert "Получен частичный ответ" in whole


def test_an_officer_of_another_authority_finds_no_document(client, officers, answered):
    """Art. 11.1: to another competent authority the case does not exist."""
    ours, theirs = answered
    login(client, officers["kz_labour"])
    asked = letters.letter_events(ours, letters.CLARIFICATIONS)[0]
    for url in (
        f"/cases/{ours.pk}/answer.pdf",
        f"/cases/{ours.pk}/clarifications/{asked.pk}.pdf",
        f"/cases/{ours.pk}/case-file.pdf",
        f"/cases/{theirs.pk}/case-file.pdf",
    ):
        assert client.get(url).status_code == 404, url
    login(client, officers["kz_operator"])  # an event of another case is not this case's letter
    other = letters.letter_events(theirs, letters.CLARIFICATIONS)[0]
    assert client.get(f"/cases/{ours.pk}/clarifications/{other.pk}.pdf").status_code == 404


def test_every_move_has_a_past_tense_history_entry():
    """The case file and the case page read one table (labels.event_label): every move has its
    own past-tense entry, not the button that made it."""
    with translation.override("ru"):
        entries = {name: labels.event_label(name) for name in actions.BY_NAME}
    assert not [name for name, entry in entries.items() if not entry or entry == name]
    assert entries["sign"] == "Запрос подписан и направлен"
    assert entries["register"] == "Запрос зарегистрирован"
