"""Real PDFs from migrex.cases.documents, read back as text.

The text is read back by a small reader (in migrex/conftest.py) that understands what fpdf2
writes (Flate streams, Identity-H fonts with a ToUnicode map), so these tests run on any machine.
When poppler's pdftotext (or pypdf) is present, one more test checks the same strings with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess

import pytest

from migrex.cases.documents import (
    ANSWER,
    CLARIFICATION,
    PARTIAL_ANSWER,
    Bilingual,
    CaseFile,
    Entry,
    RefusalNotice,
    Reply,
    RequestLetter,
    render_case_file,
    render_refusal_notice,
    render_reply,
    render_request_letter,
    ru_date,
    ru_iso,
    title_of,
)
from migrex.core.tests.pdftext import flat, pages_text, pdf_text

KAZAKH = "Нұрсұлтан Әбішұлы"
BELARUSIAN = "Аляксандр Лукашэвіч"
ARMENIAN = "Հովհաննիսյան Արամ"
CONVERSATION = "c0ffee00-1234-5678-9abc-def012345678"

AGREEMENT = Bilingual(
    "Соглашение между Правительством Республики Казахстан и Правительством Республики "
    "Беларусь о сотрудничестве в области миграции",
    "Agreement between the Government of the Republic of Kazakhstan and the Government "
    "of the Republic of Belarus on Cooperation in the Field of Migration",
)
KZ = Bilingual(
    "Министерство внутренних дел Республики Казахстан",
    "Ministry of Internal Affairs of the Republic of Kazakhstan",
)
BY = Bilingual(
    "Департамент по гражданству и миграции МВД Республики Беларусь",
    "Department of Citizenship and Migration, Ministry of Internal Affairs of Belarus",
)

LETTER = RequestLetter(
    agreement_title=AGREEMENT,
    number="KZ-MVD-2026-000123",
    date=dt.date(2026, 3, 5),
    requesting_authority=KZ,
    requested_authority=BY,
    summary="Просим подтвердить сведения о регистрации по месту пребывания.",
    purpose="Проверка сведений, представленных при продлении срока пребывания.",
    justification=f"Гражданин {KAZAKH} сообщил о проживании в г. Минске.",
    other_information=f"Контактное лицо: {BELARUSIAN}.",
    subject_lines=[
        f"{ARMENIAN}, 1990-01-05, категория: временно пребывающие (ст. 5.1)",
        f"{KAZAKH}, 1985-07-12, категория: трудящиеся-мигранты (ст. 5.2)",
    ],
    attachments=["копия_паспорта.pdf", "миграционная_карта.jpg"],
    signatory_name=KAZAKH,
    signatory_position="Заместитель начальника Департамента миграционной службы",
    signed_at=None,
    confidential=True,
    conversation_id=CONVERSATION,
)
SIGNED = dataclasses.replace(
    LETTER,
    signed_at=dt.datetime(2026, 3, 5, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=5))),
    confidential=False,
)
NOTICE = RefusalNotice(
    agreement_title=AGREEMENT,
    number="KZ-MVD-2026-000123",
    request_date=dt.date(2026, 3, 5),
    date=dt.date(2026, 3, 20),
    requesting_authority=KZ,
    requested_authority=BY,
    partial=True,
    grounds=[
        (Bilingual("ущерб безопасности", "prejudice to security"), "10.4"),
        (Bilingual("противоречие законодательству", "contrary to national law"), "10.4"),
    ],
    reasons=f"Сведения о лицах {ARMENIAN} и {KAZAKH} не могут быть переданы ({BELARUSIAN}).",
    officer_name=BELARUSIAN,
    officer_position="Начальник управления",
    conversation_id=CONVERSATION,
    outgoing_number="BY-MVD-2026-000001/2",
)
ANSWER_LETTER = Reply(
    kind=ANSWER,
    agreement_title=AGREEMENT,
    outgoing_number="BY-MVD-2026-000001/2",
    date=dt.date(2026, 3, 14),
    request_number="KZ-MVD-2026-000123",
    request_date=dt.date(2026, 3, 5),
    requesting_authority=KZ,
    requested_authority=BY,
    text=f"Гражданин {KAZAKH} зарегистрирован в г. Минске.",
    conversation_id=CONVERSATION,
    persons=[f"{KAZAKH}, дата рождения 12.07.1985"],
    attachments=["справка.pdf"],
    officer_name=BELARUSIAN,
    officer_position="Начальник управления",
)


def _info(pdf: bytes, key: str) -> str:
    value = re.search(rb"/" + key.encode() + rb" (<[0-9a-fA-F]+>|\([^)]*\))", pdf).group(1)
    if value.startswith(b"<"):
        raw = bytes.fromhex(value[1:-1].decode())
        return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode()
    return value[1:-1].decode("latin-1")


# --- tests ------------------------------------------------------------------------------------


def test_request_letter_is_a_deterministic_pdf_with_all_scripts():
    pdf = render_request_letter(LETTER)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert render_request_letter(LETTER) == pdf
    text = pdf_text(pdf)
    for name in (KAZAKH, BELARUSIAN, ARMENIAN):
        assert name in text
    for expected in (
        "МИНИСТЕРСТВО ВНУТРЕННИХ ДЕЛ РЕСПУБЛИКИ КАЗАХСТАН",
        "Исх. № KZ-MVD-2026-000123 от 05.03.2026",
        "Запрашиваемый орган: " + BY.ru,
        "ЗАПРОС о содействии в соответствии со статьями 8 и 9 Соглашения",
        "1. Краткое изложение существа запроса (ст. 9.2): " + LETTER.summary,
        "2. Цель запроса (ст. 9.2): " + LETTER.purpose,
        "3. Обоснование запроса (ст. 9.2): " + LETTER.justification,
        "4. Иная информация для надлежащего исполнения запроса (ст. 9.2): "
        + LETTER.other_information,
        f"1. {ARMENIAN}, 1990-01-05, категория: временно пребывающие (ст. 5.1)",
        "Приложения: 1. копия_паспорта.pdf 2. миграционная_карта.jpg",
        "Заместитель начальника Департамента миграционной службы",
        "ПРОЕКТ",
        "Конфиденциально (ст. 11.1)",
    ):
        assert flat(expected) in text, expected


def test_request_letter_russian_comes_first_then_the_english_translation():
    pages = [flat(p) for p in pages_text(render_request_letter(SIGNED))]
    heading = "English translation (for information; the Russian text prevails)"
    first = next(i for i, page in enumerate(pages) if heading in page)
    russian, english = " ".join(pages[:first]), " ".join(pages[first:])
    assert "ЗАПРОС" in russian and heading not in russian
    assert english.index(heading) < english.index("REQUEST for assistance under Articles 8 and 9")
    for expected in (
        "Ref. No. KZ-MVD-2026-000123 of 05.03.2026",
        "Requested authority: " + BY.en,
        "1. Summary of the request (Art. 9.2) [as given]: " + LETTER.summary,
        "4. Other information for the proper execution of the request (Art. 9.2) [as given]: "
        + LETTER.other_information,
        "Attachments: 1. копия_паспорта.pdf",
        "Date of signing: 05.03.2026 14:30 (UTC+05:00)",
    ):
        assert expected in english, expected


def test_signed_letter_is_not_marked_draft_nor_confidential():
    text = pdf_text(render_request_letter(SIGNED))
    assert "Дата подписания: 05.03.2026 14:30 (UTC+05:00)" in text
    assert "ПРОЕКТ" not in text and "DRAFT" not in text
    assert "Конфиденциально" not in text


def test_footer_numbers_pages_and_shows_the_conversation_id():
    pages = pages_text(render_request_letter(LETTER))
    assert len(pages) == 2
    for number, page in enumerate(pages, 1):
        assert f"стр. {number} из 2 / page {number} of 2" in flat(page)
        assert CONVERSATION in page


def test_metadata_is_set_and_creation_date_comes_from_the_document():
    pdf = render_request_letter(SIGNED)
    assert _info(pdf, "Title") == "Запрос № KZ-MVD-2026-000123 от 05.03.2026"
    assert _info(pdf, "Author") == KZ.ru
    assert _info(pdf, "CreationDate").startswith("D:20260305")
    refusal = render_refusal_notice(NOTICE)
    assert _info(refusal, "Author") == BY.ru  # the requested authority sends the refusal
    assert _info(refusal, "CreationDate").startswith("D:20260320")
    later = dataclasses.replace(NOTICE, date=dt.date(2026, 3, 21))
    assert render_refusal_notice(later) != refusal


def test_refusal_notice_states_grounds_articles_and_reasons():
    pdf = render_refusal_notice(NOTICE)
    assert pdf.startswith(b"%PDF-")
    assert render_refusal_notice(NOTICE) == pdf
    text = pdf_text(pdf)
    for name in (KAZAKH, BELARUSIAN, ARMENIAN):
        assert name in text
    for expected in (
        "ДЕПАРТАМЕНТ ПО ГРАЖДАНСТВУ И МИГРАЦИИ МВД РЕСПУБЛИКИ БЕЛАРУСЬ",
        "На № KZ-MVD-2026-000123 от 05.03.2026",
        "Запрашивающий орган: " + KZ.ru,
        "УВЕДОМЛЕНИЕ о частичном отказе в исполнении запроса (ст. 10.4)",
        "1. ущерб безопасности (ст. 10.4)",
        "2. противоречие законодательству (ст. 10.4)",
        "2. Причины отказа: " + NOTICE.reasons,
        "1. prejudice to security (Art. 10.4)",
        "2. contrary to national law (Art. 10.4)",
        "2. Reasons for refusal [as given]: " + NOTICE.reasons,
        "Дата: 20 марта 2026 г.",
        "Конфиденциально (ст. 11.1)",
        "Исх. № BY-MVD-2026-000001/2 от 20.03.2026",
        "Начальник управления _____________ " + BELARUSIAN,
    ):
        assert expected in text, expected


def test_refusal_notice_with_kazakh_and_belarusian_names():
    notice = dataclasses.replace(
        NOTICE, partial=False, officer_name=KAZAKH, reasons=f"{BELARUSIAN}; {ARMENIAN}."
    )
    text = pdf_text(render_refusal_notice(notice))
    assert f"_____________ {KAZAKH}" in text
    assert f"{BELARUSIAN}; {ARMENIAN}." in text
    assert "УВЕДОМЛЕНИЕ об отказе в исполнении запроса (ст. 10.4)" in text
    assert "частичном" not in text


def test_refusal_notice_requires_written_reasons():
    with pytest.raises(ValueError, match=r"Art\. 10\.4"):
        dataclasses.replace(NOTICE, reasons="  \n ")


def test_very_long_reason_flows_over_several_numbered_pages():
    sentences = [f"Довод {i}: {ARMENIAN} / {BELARUSIAN}." for i in range(600)]
    reasons = " ".join(sentences)
    assert len(reasons) > 20_000
    pdf = render_refusal_notice(dataclasses.replace(NOTICE, reasons=reasons))
    pages = pages_text(pdf)
    total = len(pages)
    assert total >= 6
    for number, page in enumerate(pages, 1):
        assert f"стр. {number} из {total} / page {number} of {total}" in flat(page)
    text = pdf_text(pdf)
    assert text.count("Довод 599:") == 2  # the whole text, in both language sections
    assert text.index("Довод 598:") < text.index("Довод 599:") < text.index("Начальник управления")


def test_unbroken_20000_character_reason_does_not_crash():
    pdf = render_refusal_notice(dataclasses.replace(NOTICE, reasons="Ա" * 20_000))
    pages = pages_text(pdf)
    assert len(pages) > 4
    assert "".join(pdf_text(pdf).split()).count("Ա") == 40_000


def test_free_texts_are_taken_literally():
    notice = dataclasses.replace(NOTICE, reasons="Литерал {nb} (скобки) \\ и\tтаб\r\nстрока\x00.")
    text = pdf_text(render_refusal_notice(notice))
    assert "Литерал {nb} (скобки) \\ и таб строка." in text


def test_empty_lists_and_texts_render():
    letter = dataclasses.replace(SIGNED, subject_lines=[], attachments=[], other_information="")
    text = pdf_text(render_request_letter(letter))
    assert "5. Предмет запроса: 1." not in text
    assert "Приложения: нет" in text and "Attachments: none" in text


def _external_text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext"):
        path = tmp_path / "doc.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        ).stdout.decode()
    pypdf = pytest.importorskip(
        "pypdf", reason="neither pdftotext (poppler-utils) nor pypdf is installed"
    )
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_an_independent_extractor_reads_the_same_strings(tmp_path):
    for pdf in (render_request_letter(LETTER), render_refusal_notice(NOTICE)):
        text = flat(_external_text(pdf, tmp_path))
        for name in (BELARUSIAN, ARMENIAN):
            assert name in text
    assert KAZAKH in flat(_external_text(render_request_letter(LETTER), tmp_path))
    assert "ПРОЕКТ" in flat(_external_text(render_request_letter(LETTER), tmp_path))


# --- the requested side's letters (Art. 10.1, 10.3) and the case file --------------------------


def test_russian_dates():
    assert ru_date(dt.date(2026, 3, 14)) == "14 марта 2026 г."
    assert ru_date(dt.date(2026, 1, 1)) == "1 января 2026 г."
    assert ru_iso("1990-01-05") == "05.01.1990"
    assert ru_iso("1990") == "1990"  # a partial date stays the officer's own text


def test_answer_is_an_official_letter_of_the_requested_authority():
    """Art. 10.3: the results, the persons provided (Art. 6), Art. 11.2-11.3 on their use."""
    pdf = render_reply(ANSWER_LETTER)
    assert render_reply(ANSWER_LETTER) == pdf
    text = pdf_text(pdf)
    for expected in (
        "Конфиденциально (ст. 11.1)",
        "ДЕПАРТАМЕНТ ПО ГРАЖДАНСТВУ И МИГРАЦИИ МВД РЕСПУБЛИКИ БЕЛАРУСЬ",
        "Исх. № BY-MVD-2026-000001/2 от 14.03.2026 На № KZ-MVD-2026-000123 от 05.03.2026",
        "Запрашивающий орган: " + KZ.ru,
        "ОТВЕТ о результатах исполнения запроса (ст. 10.3)",
        "исполнения Вашего запроса от 5 марта 2026 г. № KZ-MVD-2026-000123.",
        "1. Результаты исполнения запроса: " + ANSWER_LETTER.text,
        f"2. Сведения о лицах (ст. 6): 1. {KAZAKH}, дата рождения 12.07.1985",
        "3. Приложения: 1. справка.pdf",
        "(ст. 11.2)",
        "Начальник управления _____________ " + BELARUSIAN,
        "Дата: 14 марта 2026 г.",
        "ANSWER on the results of the execution of the request (Art. 10.3)",
    ):
        assert expected in text, expected
    assert "Основания" not in text  # a full answer refuses nothing
    pages = pages_text(pdf)
    assert all(f"из {len(pages)}" in page for page in pages)


def test_partial_answer_states_its_grounds():
    grounds = [(Bilingual("ущерб безопасности", "prejudice to security"), "10.4")]
    partial = dataclasses.replace(ANSWER_LETTER, kind=PARTIAL_ANSWER, grounds=grounds)
    text = pdf_text(render_reply(partial))
    assert "ОТВЕТ о частичном исполнении запроса (ст. 10.3, 10.4)" in text
    assert "4. Основания частичного отказа (ст. 10.4): 1. ущерб безопасности (ст. 10.4)" in text


def test_clarification_request_asks_under_article_10_1():
    letter = dataclasses.replace(
        ANSWER_LETTER, kind=CLARIFICATION, outgoing_number="BY-MVD-2026-000001/1"
    )
    text = pdf_text(render_reply(letter))
    assert "ЗАПРОС о представлении дополнительных сведений (ст. 10.1)" in text
    assert "В соответствии с абзацем вторым пункта 1 статьи 10 Соглашения" in text
    assert "Необходимые сведения: " + letter.text in text
    assert "Исх. № BY-MVD-2026-000001/1" in text and "Конфиденциально (ст. 11.1)" in text
    assert "Сведения о лицах" not in text


def test_a_received_copy_is_signed_by_the_sending_authority_not_a_blank_line():
    received = dataclasses.replace(
        ANSWER_LETTER,
        officer_name="",
        officer_position="",
        received_at=dt.datetime(2026, 3, 14, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=5))),
    )
    text = pdf_text(render_reply(received))
    assert "№ BY-MVD-2026-000001/2 получено 14.03.2026" in text
    assert f"{BY.ru} электронная подпись узла отправителя" in text
    assert "Получено по защищённому каналу связи 14.03.2026 09:15 (UTC+05:00) (ст. 9.1)" in text
    assert "_____________" not in text


def test_unknown_reply_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        dataclasses.replace(ANSWER_LETTER, kind="note")


KZT = dt.timezone(dt.timedelta(hours=5))


def _case_file(**overrides) -> CaseFile:
    fields = {
        "number": "KZ-MVD-2026-000123",
        "their_number": "BY-MVD-2026-000001",
        "kind": "Запрос о содействии (ст. 8, 9)",
        "direction": "исходящий",
        "state": "Исполнен частично",
        "agreement_title": AGREEMENT,
        "requesting_authority": KZ,
        "requested_authority": BY,
        "dates": [("Подписан", "05.03.2026 14:30")],
        "due_date": dt.date(2026, 4, 4),
        "confidential": True,
        "conversation_id": CONVERSATION,
        "prepared_by": "Иванов Иван",
        "prepared_at": dt.datetime(2026, 3, 20, 11, 0, tzinfo=KZT),
        "listed": [title_of(SIGNED), title_of(ANSWER_LETTER)],
        "history": [
            Entry(
                dt.datetime(2026, 3, 5, 14, 30, tzinfo=KZT),
                "Подписан и направлен",
                "9.3",
                KAZAKH,
                "out",
            ),
            Entry(
                dt.datetime(2026, 3, 14, 9, 0, tzinfo=KZT),
                "Получен ответ на запрос",
                "10.3",
                BY.ru,
                "in",
                ANSWER_LETTER.text,
            ),
        ],
        "letters": [SIGNED, ANSWER_LETTER],
    }
    return CaseFile(**(fields | overrides))


def test_case_file_has_a_cover_the_letters_in_order_and_the_history():
    text = pdf_text(render_case_file(_case_file()))
    for expected in (
        "ДЕЛО № KZ-MVD-2026-000123 Запрос о содействии (ст. 8, 9) · исходящий",
        "Номер другой Стороны BY-MVD-2026-000001",
        "Соглашение " + AGREEMENT.ru,
        "Срок исполнения (ст. 10.3) 04.04.2026",
        "1. Запрос о содействии № KZ-MVD-2026-000123 от 05.03.2026",
        "2. Ответ на запрос № BY-MVD-2026-000001/2 от 14.03.2026",
        "3. История дела",
        "05.03.2026 14:30 — Подписан и направлен (ст. 9.3)",
        "получено от другой Стороны " + ANSWER_LETTER.text,
    ):
        assert expected in text, expected
    assert text.index("ЗАПРОС о содействии") < text.index("ОТВЕТ о результатах")
    assert text.index("ОТВЕТ о результатах") < text.index("ИСТОРИЯ ДЕЛА")
    assert "English translation" not in text  # the file is in Russian (Art. 14)


def test_restricted_case_file_lists_letters_without_their_texts():
    """Art. 11.4: for a role without personal data, no letter and no text is in the file."""
    hidden = [
        Entry(
            dt.datetime(2026, 3, 14, 9, 0, tzinfo=KZT), "Получен ответ", "10.3", BY.ru, "in", None
        )
    ]
    text = pdf_text(render_case_file(_case_file(letters=[], history=hidden, restricted=True)))
    assert "скрыты для вашей роли (ст. 11.4" in text and "Текст скрыт для вашей роли" in text
    assert "2. Ответ на запрос № BY-MVD-2026-000001/2 от 14.03.2026" in text
    assert KAZAKH not in text and "ОТВЕТ" not in text
