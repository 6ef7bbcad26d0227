"""The page of every written document of a case: an A4 official letter of a ministry (letterhead,
outgoing number and date beside the addressee, body, signature block, confidentiality mark on
top, page numbers and the conversation id at the foot) drawn with fpdf2 and the bundled DejaVu
fonts.  Art. 9.1: requests and answers are made in writing; Art. 14: the working language is
Russian, so dates are written the Russian way (5 марта 2026 г., 05.03.2026), never ISO.  Pure
module (no Django); the same input always yields byte-identical output.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent.parent / "core" / "fonts"
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


def _clean(text: str) -> str:
    """Normalise line ends and drop control/format characters the fonts cannot draw."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) not in ("Cc", "Cf"))


MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
CONFIDENTIAL = "Конфиденциально (ст. 11.1) / Confidential (Art. 11.1)"


def _d(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def ru_date(value: dt.date) -> str:
    """A date as a Russian official text writes it: 5 марта 2026 г."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year} г."


def ru_iso(value: str) -> str:
    """An ISO date (as the Art. 6 records keep them: 1990-01-05) as 05.01.1990; a partial or
    malformed one is returned as it is, the officer's own text."""
    try:
        return _d(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return value


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
        self.section = ""  # a name for the outline, given to the next document's first page
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
        height = max(LINE, size * 0.5)  # mm: a title's line is taller than the body's
        self.multi_cell(0, height, _clean(text) or "—", align=align, new_x="LMARGIN", new_y="NEXT")

    def opening(self, sender: Bilingual, en: bool) -> None:
        """Start the Russian original (letterhead) or the English translation (new page)."""
        self.add_page()
        if self.section:
            self.start_section(self.section)
            self.section = ""
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
        if label:
            self.para(label, bold=True)
        self.set_font(FONT, "", 10.5)
        for line in [f"{i}. {_clean(v)}" for i, v in enumerate(values, 1)] or [empty]:
            self.set_x(self.l_margin + 4)
            self.multi_cell(0, LINE, line, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2.5)

    def signature(self, position: str, name: str, dated: str) -> None:
        """Position on the left; signature line and name on its last line; the date below. A
        letter received from the other party names no officer (its message carries none): the
        sender's authority stands on the left, and the line says how it was signed."""
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
        if name.strip():
            self.cell(half * 0.4, LINE, "_____________")
            self.multi_cell(
                half * 0.6, LINE, _clean(name), align="R", new_x="LMARGIN", new_y="NEXT"
            )
        else:
            with self.local_context(text_color=GREY):
                self.set_font(FONT, "", 9)
                text = "электронная подпись узла отправителя / the sending node's e-signature"
                self.multi_cell(half, LINE, text, align="R", new_x="LMARGIN", new_y="NEXT")
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
