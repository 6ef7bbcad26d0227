"""The whole case file as one printable PDF: a cover (the case's numbers, the parties, the
agreement by name, its dates and deadline, the documents it holds), every letter of the case in
order, in Russian (Art. 14), and its history in the past tense.

For a role that may not see personal data (Art. 11.4) the caller gives no letters and no texts:
the cover lists the letters by number and date only, and the history keeps its dates, entries,
articles and officers with a note where a text was. Pure module (no Django).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from migrex.cases.documents.base import GREY, LINE, Bilingual, _clean, _d, _Letter
from migrex.cases.documents.replies import (
    RefusalNotice,
    Reply,
    draw_refusal_notice,
    draw_reply,
    refusal_name,
    reply_name,
)
from migrex.cases.documents.request import RequestLetter, draw_request_letter

Letter = RequestLetter | Reply | RefusalNotice


@dataclass(frozen=True)
class Listed:
    """A letter of the case as the cover lists it: what it is, its number and date."""

    title: str
    number: str
    date: dt.date


@dataclass(frozen=True)
class Entry:
    """One entry of the history: `text` None where the role may not read it (Art. 11.4)."""

    at: dt.datetime
    entry: str  # in the past tense: «Запрос подписан и направлен»
    article: str
    actor: str
    direction: str  # "out": sent to the other party, "in": received from it, "" local
    text: str | None = ""


@dataclass(frozen=True)
class CaseFile:
    number: str
    their_number: str
    kind: str  # «Запрос о содействии (ст. 8, 9)», «Информация без запроса (ст. 8)»
    direction: str  # «исходящий», «входящий»
    state: str
    agreement_title: Bilingual
    requesting_authority: Bilingual
    requested_authority: Bilingual
    dates: list[tuple[str, str]]  # (label, the date as Russian text), in the order of events
    due_date: dt.date | None
    confidential: bool
    conversation_id: str
    prepared_by: str
    prepared_at: dt.datetime
    listed: list[Listed]
    history: list[Entry]
    letters: list[Letter] = field(default_factory=list)  # empty for a restricted role
    restricted: bool = False  # personal data and free texts withheld (Art. 11.4)


def title_of(letter: Letter) -> Listed:
    if isinstance(letter, RequestLetter):
        title = "Запрос о содействии" + (" (проект, не подписан)" if letter.draft else "")
        return Listed(title, letter.number, letter.date)
    if isinstance(letter, Reply):
        return Listed(reply_name(letter), letter.outgoing_number, letter.date)
    return Listed(refusal_name(letter), letter.outgoing_number, letter.date)


def _row(pdf: _Letter, label: str, value: str) -> None:
    """A label in grey on the left third, the value beside it."""
    width = pdf.epw * 0.34
    top, page = pdf.get_y(), pdf.page
    with pdf.local_context(text_color=GREY):
        pdf.set_font("DejaVu", "", 9.5)
        pdf.multi_cell(width, LINE, label, align="L", new_x="LMARGIN", new_y="NEXT")
    bottom = pdf.get_y()
    if pdf.page == page:
        pdf.set_xy(pdf.l_margin + width, top)
    pdf.set_font("DejaVu", "", 10.5)
    pdf.multi_cell(0, LINE, _clean(value) or "—", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), bottom) + 1.2)


def _cover(pdf: _Letter, case: CaseFile) -> None:
    pdf.add_page()
    pdf.start_section("Обложка дела")
    pdf.ln(6)
    pdf.para("ДЕЛО", size=20, bold=True, align="C")
    pdf.para(f"№ {case.number or case.their_number}", size=15, bold=True, align="C")
    pdf.ln(1)
    pdf.para(f"{case.kind} · {case.direction}", size=10.5, align="C")
    pdf.ln(6)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(4)
    if case.number and case.their_number:
        _row(pdf, "Номер другой Стороны", case.their_number)
    _row(pdf, "Соглашение", case.agreement_title.ru)
    _row(pdf, "Запрашивающий орган", case.requesting_authority.ru)
    _row(pdf, "Запрашиваемый орган", case.requested_authority.ru)
    _row(pdf, "Состояние", case.state)
    for label, value in case.dates:
        _row(pdf, label, value)
    if case.due_date:
        _row(pdf, "Срок исполнения (ст. 10.3)", _d(case.due_date))
    _row(pdf, "Конфиденциальность", ("да" if case.confidential else "нет") + " (ст. 11.1)")
    pdf.ln(4)
    pdf.para("Документы дела", size=11, bold=True)
    pdf.ln(1)
    lines = [
        f"{x.title} № {x.number} от {_d(x.date)}" if x.number else f"{x.title} от {_d(x.date)}"
        for x in case.listed
    ]
    pdf.items("", [*lines, "История дела"], "")
    if case.restricted:
        pdf.ln(3)
        with pdf.local_context(text_color=GREY):
            pdf.para(
                "Персональные данные и тексты документов скрыты для вашей роли (ст. 11.4 "
                "Соглашения): письма перечислены по номерам и датам, история — без текстов.",
                size=9.5,
            )
    pdf.ln(6)
    with pdf.local_context(text_color=GREY):
        at = pdf_datetime(case.prepared_at)
        pdf.para(f"Сформировано {at}; {case.prepared_by}", size=9)


def pdf_datetime(value: dt.datetime) -> str:
    return value.strftime("%d.%m.%Y %H:%M")


DIRECTIONS = {"out": "направлено другой Стороне", "in": "получено от другой Стороны"}


def _history(pdf: _Letter, case: CaseFile) -> None:
    pdf.add_page()
    pdf.start_section("История дела")
    pdf.para("ИСТОРИЯ ДЕЛА", size=13, bold=True, align="C")
    pdf.ln(4)
    for e in case.history:
        if pdf.will_page_break(3 * LINE):
            pdf.add_page()
        pdf.para(f"{pdf_datetime(e.at)} — {e.entry} (ст. {e.article})", bold=True)
        who = ", ".join(p for p in (e.actor, DIRECTIONS.get(e.direction, "")) if p)
        with pdf.local_context(text_color=GREY):
            pdf.para(who, size=9)
        if e.text is None:
            with pdf.local_context(text_color=GREY):
                pdf.para("Текст скрыт для вашей роли (ст. 11.4).", size=9)
        elif e.text:
            pdf.para(e.text, size=10)
        pdf.ln(2.5)


def render_case_file(case: CaseFile) -> bytes:
    """The case file: cover, the letters in order (Russian), the history."""
    number = case.number or case.their_number
    marks = ["Конфиденциально (ст. 11.1)"] if case.confidential else []
    pdf = _Letter(case.conversation_id, f"Дело № {number}", marks, draft=False)
    _cover(pdf, case)
    for letter in case.letters:
        listed = title_of(letter)
        pdf.draft = isinstance(letter, RequestLetter) and letter.draft
        pdf.section = f"{listed.title} № {listed.number}"  # its first page, in the outline
        if isinstance(letter, RequestLetter):
            draw_request_letter(pdf, letter, False)
        elif isinstance(letter, Reply):
            draw_reply(pdf, letter, False)
        else:
            draw_refusal_notice(pdf, letter, False)
        pdf.draft = False
    _history(pdf, case)
    return pdf.finish(
        f"Дело № {number}",
        case.requesting_authority.ru,
        case.agreement_title.ru,
        case.prepared_at.date(),
    )
