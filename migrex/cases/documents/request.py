"""The request for assistance (Art. 8, 9) as a letter: Art. 9.2 names what it must contain (the
requesting and requested authorities, a summary, its purpose and justification, any other
information for its proper execution), Art. 9.3 who signs it.  Rendered in Russian first, then
as an English translation for information only, in which free texts are reproduced as given."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from migrex.cases.documents.base import (
    AS_GIVEN,
    CONFIDENTIAL,
    Bilingual,
    _clean,
    _d,
    _dt,
    _Letter,
    _tr,
)


@dataclass(frozen=True)
class RequestLetter:
    agreement_title: Bilingual
    number: str
    date: dt.date
    requesting_authority: Bilingual
    requested_authority: Bilingual
    summary: str
    purpose: str
    justification: str
    other_information: str
    subject_lines: list[str]
    attachments: list[str]
    signatory_name: str
    signatory_position: str
    signed_at: dt.datetime | None
    confidential: bool
    conversation_id: str
    signature_key: str = ""  # RFC 7638 fingerprint of the signatory's own key (Art. 9.3)

    @property
    def draft(self) -> bool:
        return self.signed_at is None


def request_marks(letter: RequestLetter) -> list[str]:
    marks = ["ПРОЕКТ / DRAFT — не подписан / not signed"] if letter.draft else []
    return marks + ([CONFIDENTIAL] if letter.confidential else [])


def draw_request_letter(pdf: _Letter, letter: RequestLetter, en: bool) -> None:
    """One language version of the letter, from a new page on."""
    t = _tr(en)
    num, date = _clean(letter.number), _d(letter.date)
    pdf.opening(letter.requesting_authority, en)
    pdf.requisites(
        t(f"Исх. № {num}  от {date}", f"Ref. No. {num}  of {date}"),
        t("Запрашиваемый орган:", "Requested authority:"),
        t(letter.requested_authority),
    )
    pdf.field(t("Соглашение:", "Agreement:"), t(letter.agreement_title))
    pdf.heading(
        t("ЗАПРОС", "REQUEST"),
        t(
            "о содействии в соответствии со статьями 8 и 9 Соглашения",
            "for assistance under Articles 8 and 9 of the Agreement",
        ),
    )
    pdf.field(t("Запрашивающий орган:", "Requesting authority:"), t(letter.requesting_authority))
    for ru, eng, text in (
        ("1. Краткое изложение существа запроса", "1. Summary of the request", letter.summary),
        ("2. Цель запроса", "2. Purpose of the request", letter.purpose),
        ("3. Обоснование запроса", "3. Justification of the request", letter.justification),
        (
            "4. Иная информация для надлежащего исполнения запроса",
            "4. Other information for the proper execution of the request",
            letter.other_information,
        ),
    ):
        pdf.field(t(ru, eng) + t(" (ст. 9.2):", " (Art. 9.2)" + AS_GIVEN + ":"), text)
    subject = t("5. Предмет запроса:", "5. Subject of the request" + AS_GIVEN + ":")
    pdf.items(subject, letter.subject_lines, t("не указан", "not given"))
    pdf.items(t("Приложения:", "Attachments:"), letter.attachments, t("нет", "none"))
    if letter.signed_at:
        signed = _dt(letter.signed_at)
        dated = t(f"Дата подписания: {signed}", f"Date of signing: {signed}")
        if letter.signature_key:
            key = letter.signature_key
            dated += "\n" + t(
                f"Подписано электронной подписью подписанта, ключ {key}",
                f"Signed with the signatory's electronic signature, key {key}",
            )
    else:
        dated = t("ПРОЕКТ: документ не подписан", "DRAFT: the document is not signed")
    pdf.signature(letter.signatory_position + t("", AS_GIVEN), letter.signatory_name, dated)


def render_request_letter(letter: RequestLetter) -> bytes:
    """Render a request for assistance (Art. 8 and 9) as an A4 PDF, Russian then English."""
    num, date = _clean(letter.number), _d(letter.date)
    running = f"Запрос № {num} от {date} / Request No. {num} of {date}"
    pdf = _Letter(letter.conversation_id, running, request_marks(letter), letter.draft)
    for en in (False, True):
        draw_request_letter(pdf, letter, en)
    return pdf.finish(
        f"Запрос № {num} от {date}" + (" (проект)" if letter.draft else ""),
        letter.requesting_authority.ru,
        letter.agreement_title.ru,
        letter.date,
    )
