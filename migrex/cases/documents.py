"""PDF rendering of the written documents of a migration-cooperation agreement.

Art. 9.1: requests and answers are made in writing; Art. 9.2: mandatory content of
a request; Art. 10.4: a full or partial refusal is notified in writing with its
reasons; Art. 14: the working language is Russian.  Each document is therefore
rendered in Russian first, then as an English translation for information only,
in which free texts are reproduced as given.  Pure module (no Django); the same
input always yields byte-identical output.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "core" / "fonts"
FONT = "DejaVu"
NB = "{nb}"  # total-pages alias, active only while the footer is drawn
LINE = 5.2  # body line height, mm
GREY = (110, 110, 110)
EN_HEADING = "English translation (for information; the Russian text prevails)"
EN_NOTE = "Free texts are reproduced as given in the original, without translation: [as given]."
AS_GIVEN = " [as given]"


@dataclass(frozen=True)
class Bilingual:
    ru: str
    en: str


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


@dataclass(frozen=True)
class RefusalNotice:
    agreement_title: Bilingual
    number: str
    request_date: dt.date
    date: dt.date
    requesting_authority: Bilingual
    requested_authority: Bilingual
    partial: bool
    grounds: list[tuple[Bilingual, str]]
    reasons: str
    officer_name: str
    officer_position: str
    conversation_id: str

    def __post_init__(self) -> None:
        if not self.reasons.strip():
            raise ValueError("Art. 10.4: a refusal notice must state the reasons for refusal")


def _clean(text: str) -> str:
    """Normalise line ends and drop control/format characters the fonts cannot draw."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) not in ("Cc", "Cf"))


def _d(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def _dt(value: dt.datetime) -> str:
    offset = value.strftime("%z")
    return value.strftime("%d.%m.%Y %H:%M") + (f" (UTC{offset[:3]}:{offset[3:]})" if offset else "")


def _tr(en: bool) -> Callable[..., str]:
    """Language picker: t("русский", "English") or t(Bilingual(...))."""

    def t(ru: str | Bilingual, en_text: str = "") -> str:
        if isinstance(ru, Bilingual):
            return _clean(ru.en if en else ru.ru)
        return en_text if en else ru

    return t


class _Letter(FPDF):
    """An A4 official letter: marks on top, page numbers and conversation id at the bottom."""

    def __init__(self, conversation_id: str, running: str, marks: list[str], draft: bool):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.conversation_id = _clean(conversation_id)
        self.running, self.marks, self.draft = running, marks, draft
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(25, 20, 15)
        self.set_auto_page_break(True, margin=22)
        self.set_lang("ru")
        self.set_creator("migrex")

    def header(self) -> None:
        self.alias_nb_pages(None)  # so that "{nb}" in a free text stays literal
        if self.draft:  # light diagonal watermark, drawn first so the text lies over it
            with self.local_context(text_color=(225, 225, 225)):
                self.set_font(FONT, "B", 54)
                mark = "ПРОЕКТ / DRAFT"
                with self.rotation(50, self.w / 2, self.h / 2):
                    self.text(self.w / 2 - self.get_string_width(mark) / 2, self.h / 2 + 8, mark)
        self.set_xy(self.l_margin, 8)
        self.set_font(FONT, "B", 8.5)
        for mark in self.marks:
            self.cell(0, 4, mark, align="R", new_x="LMARGIN", new_y="NEXT")
        if self.page_no() > 1:
            with self.local_context(text_color=GREY):
                self.set_font(FONT, "", 8)
                self.cell(0, 4, self.running, new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(self.get_y() + 2, self.t_margin))

    def footer(self) -> None:
        self.alias_nb_pages(NB)
        self.set_draw_color(*GREY)
        self.line(self.l_margin, self.h - 16, self.w - self.r_margin, self.h - 16)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        pages = f"стр. {self.page_no()} из {NB} / page {self.page_no()} of {NB}"
        width = self.get_string_width(pages) + 2
        conv = f"ID переписки / conversation id: {self.conversation_id}"
        while self.get_string_width(conv) > self.epw - width - 4:
            conv = conv[:-2] + "…"
        self.set_y(-15)
        self.cell(self.epw - width, 5, conv)
        self.cell(width, 5, pages, align="R")
        self.set_text_color(0)

    def para(self, text: str, size: float = 10.5, bold: bool = False, align: str = "L") -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, LINE, _clean(text) or "—", align=align, new_x="LMARGIN", new_y="NEXT")

    def opening(self, sender: Bilingual, en: bool) -> None:
        """Start the Russian original (letterhead) or the English translation (new page)."""
        self.add_page()
        if en:
            self.para(EN_HEADING, size=11, bold=True)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
            self.ln(2)
            with self.local_context(text_color=GREY):
                self.para(EN_NOTE, size=8.5)
            self.ln(4)
            self.para(sender.en, size=11, bold=True)
            self.ln(3)
            return
        self.para(sender.ru.upper(), size=12, bold=True, align="C")
        with self.local_context(text_color=GREY):
            self.para(sender.en, size=9, align="C")
        self.ln(1)
        self.set_line_width(0.6)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_line_width(0.2)
        self.ln(5)

    def requisites(self, left: str, addressee_label: str, addressee: str) -> None:
        """Outgoing number and date on the left, the addressee block on the right."""
        top, page, left_w = self.get_y(), self.page, self.epw * 0.53
        right_w = self.epw - left_w - 5
        self.set_font(FONT, "", 10.5)
        self.multi_cell(left_w, LINE, _clean(left), align="L", new_x="LMARGIN", new_y="NEXT")
        bottom = self.get_y()
        if self.page == page:  # side by side, unless the left column ran onto a new page
            self.set_xy(self.l_margin + left_w + 5, top)
        else:
            right_w = 0
        self.set_font(FONT, "B", 9)
        self.multi_cell(right_w, LINE, addressee_label, align="L", new_x="LEFT", new_y="NEXT")
        self.set_font(FONT, "", 10.5)
        self.multi_cell(right_w, LINE, _clean(addressee), align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(bottom, self.get_y()) + 5)

    def heading(self, first: str, second: str) -> None:
        self.para(first, size=13, bold=True, align="C")
        self.para(second, bold=True, align="C")
        self.ln(5)

    def field(self, label: str, text: str) -> None:
        self.para(label, bold=True)
        self.para(text)
        self.ln(2.5)

    def items(self, label: str, values: list[str], empty: str) -> None:
        self.para(label, bold=True)
        self.set_font(FONT, "", 10.5)
        for line in [f"{i}. {_clean(v)}" for i, v in enumerate(values, 1)] or [empty]:
            self.set_x(self.l_margin + 4)
            self.multi_cell(0, LINE, line, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2.5)

    def signature(self, position: str, name: str, dated: str) -> None:
        """Position on the left; signature line and name on its last line; the date below."""
        half, position = self.epw / 2, _clean(position) or "—"
        self.set_font(FONT, "", 10.5)
        rows = len(self.multi_cell(half, LINE, position, dry_run=True, output="LINES"))
        if rows > 6:  # an unusually long position goes above the signature line
            self.para(position)
            position, rows = "", 1
        if self.will_page_break(rows * LINE + 20):
            self.add_page()
        self.ln(6)
        top = self.get_y()
        self.set_font(FONT, "", 10.5)
        self.multi_cell(half, LINE, position, align="L", new_x="LMARGIN", new_y="NEXT")
        bottom = self.get_y()
        self.set_xy(self.l_margin + half, top + (rows - 1) * LINE)
        self.cell(half * 0.4, LINE, "_____________")
        self.multi_cell(half * 0.6, LINE, _clean(name), align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(bottom, self.get_y()) + 2)
        with self.local_context(text_color=GREY):
            self.para(dated, size=9)

    def finish(self, title: str, author: str, subject: str, date: dt.date) -> bytes:
        self.set_title(_clean(title))
        self.set_author(_clean(author))
        self.set_subject(_clean(subject))
        self.set_keywords(f"conversation:{self.conversation_id}")
        self.set_creation_date(dt.datetime.combine(date, dt.time(0, 0), tzinfo=dt.UTC))
        return bytes(self.output())


def render_request_letter(letter: RequestLetter) -> bytes:
    """Render a request for assistance (Art. 8 and 9) as an A4 PDF, Russian then English."""
    draft, signed = letter.signed_at is None, letter.signed_at and _dt(letter.signed_at)
    marks = ["ПРОЕКТ / DRAFT — не подписан / not signed"] if draft else []
    if letter.confidential:
        marks.append("Конфиденциально (ст. 11.1) / Confidential (Art. 11.1)")
    num, date = _clean(letter.number), _d(letter.date)
    running = f"Запрос № {num} от {date} / Request No. {num} of {date}"
    pdf = _Letter(letter.conversation_id, running, marks, draft)
    for en in (False, True):
        t = _tr(en)
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
        pdf.field(
            t("Запрашивающий орган:", "Requesting authority:"), t(letter.requesting_authority)
        )
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
        if signed:
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
    return pdf.finish(
        f"Запрос № {num} от {date}" + (" (проект)" if draft else ""),
        letter.requesting_authority.ru,
        letter.agreement_title.ru,
        letter.date,
    )


def render_refusal_notice(notice: RefusalNotice) -> bytes:
    """Render a notice of (partial) refusal to execute a request (Art. 10.4) as an A4 PDF."""
    num, req_date, date = _clean(notice.number), _d(notice.request_date), _d(notice.date)
    running = f"Уведомление об отказе, запрос № {num} / Refusal notice, request No. {num}"
    pdf = _Letter(notice.conversation_id, running, [], draft=False)
    for en in (False, True):
        t = _tr(en)
        full, part = t("об отказе", "refusal"), t("о частичном отказе", "partial refusal")
        kind = part if notice.partial else full
        pdf.opening(notice.requested_authority, en)  # the requested authority is the sender
        pdf.requisites(
            t(
                f"от {date}\nНа № {num}  от {req_date}",
                f"Date: {date}\nRe: No. {num} of {req_date}",
            ),
            t("Запрашивающий орган:", "Requesting authority:"),
            t(notice.requesting_authority),
        )
        pdf.field(t("Соглашение:", "Agreement:"), t(notice.agreement_title))
        pdf.heading(
            t("УВЕДОМЛЕНИЕ", "NOTICE"),
            t(
                f"{kind} в исполнении запроса (ст. 10.4)",
                f"of {kind} to execute a request (Art. 10.4)",
            ),
        )
        ru = f"В соответствии с п. 4 ст. 10 Соглашения уведомляем {kind} в исполнении запроса"
        eng = f"Pursuant to Art. 10(4) of the Agreement, we notify you of the {kind} to execute"
        pdf.para(t(f"{ru} № {num} от {req_date}.", f"{eng} request No. {num} of {req_date}."))
        pdf.ln(2.5)
        grounds = [f"{t(g)} ({t('ст.', 'Art.')} {_clean(a)})" for g, a in notice.grounds]
        label = t("1. Основания отказа (ст. 10.4):", "1. Grounds for refusal (Art. 10.4):")
        pdf.items(label, grounds, t("не указаны", "not given"))
        reasons_label = t("2. Причины отказа:", "2. Reasons for refusal" + AS_GIVEN + ":")
        pdf.field(reasons_label, notice.reasons)
        dated = t(f"Дата уведомления: {date}", f"Date of the notice: {date}")
        pdf.signature(notice.officer_position + t("", AS_GIVEN), notice.officer_name, dated)
    return pdf.finish(
        f"Уведомление {'о частичном отказе' if notice.partial else 'об отказе'}"
        f" в исполнении запроса № {num}",
        notice.requested_authority.ru,
        notice.agreement_title.ru,
        notice.date,
    )
