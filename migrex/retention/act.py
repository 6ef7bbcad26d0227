"""The destruction act as a PDF in Russian (Art. 11.5, 14): which items were destroyed, under
which rule and legal act, when and by whom. Pure module (no Django): the same input always
yields the same bytes."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from fpdf import FPDF

from migrex.cases.documents import FONT, FONT_DIR, _clean

# fpdf2's font subsetting logs every glyph at INFO; the daily run in the worker need not.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

KIND_RU = {
    "case_person": "Персональные данные лица (ст. 6)",
    "attachment": "Вложение",
    "dataset_records": "Записи набора сведений о лицах",
    "case_texts": "Тексты дела и его истории",
    "dataset_texts": "Цель набора сведений",
    "message": "Копия сообщения",
    "channel_report": "Полученные сведения о канале",
    "consent_texts": "Тексты запроса согласия (ст. 11.2, 11.3)",
    "purpose_note": "Примечание о достижении цели",
}
ITEM_RU = {
    "photo": "фотография",
    "fingerprint_card": "дактилоскопическая карта",
    "document": "документ",
}
FROM_RU = {"case-closed": "с даты закрытия дела", "purpose-ended": "с даты достижения цели"}


@dataclass(frozen=True)
class Line:
    kind: str
    item_kind: str
    where: str  # case number or dataset title
    count: int
    due_on: dt.date
    sha256: str
    ref: str = ""  # a message id, a stored file's name, a report: never personal data


@dataclass(frozen=True)
class RuleBlock:
    agreement_title: str
    party: str
    period: str
    counted_from: str
    basis: str
    source: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class ActDocument:
    number: str
    made_at: dt.datetime
    made_by: str
    node: str
    blocks: tuple[RuleBlock, ...]


class _Pdf(FPDF):
    def __init__(self, number: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.number = number
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(20, 18, 15)
        self.set_auto_page_break(True, margin=20)
        self.set_lang("ru")
        self.set_creator("migrex")
        self.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(110)
        self.cell(0, 5, f"Акт № {self.number} — стр. {self.page_no()}", align="R")
        self.set_text_color(0)

    def para(self, text: str, size: float = 10, bold: bool = False, align: str = "L") -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, 5, _clean(text) or "—", align=align, new_x="LMARGIN", new_y="NEXT")


def render(doc: ActDocument) -> bytes:
    pdf = _Pdf(doc.number)
    pdf.set_title(f"Акт об уничтожении № {doc.number}")
    pdf.add_page()
    pdf.para(f"АКТ № {doc.number}", size=13, bold=True, align="C")
    pdf.para("об уничтожении персональных данных", size=12, bold=True, align="C")
    pdf.ln(4)
    local = doc.made_at
    offset = local.strftime("%z")
    zone = f" (UTC{offset[:3]}:{offset[3:]})" if offset else ""
    pdf.para(f"Дата и время: {local:%d.%m.%Y %H:%M}{zone}")
    pdf.para(f"Узел: {doc.node}")
    pdf.para(f"Уничтожение произвёл: {doc.made_by}")
    pdf.ln(2)
    pdf.para(
        "Основание: пункт 5 статьи 11 Соглашения — информация хранится не дольше, чем этого "
        "требуют цели, для которых она была передана, и уничтожается в соответствии с "
        "правовыми актами каждого из государств Сторон. Уничтоженные данные восстановлению "
        "не подлежат: записи удалены, ключи шифрования файлов уничтожены. Для каждого "
        "элемента сохранены вид, место хранения, срок и хеш SHA-256 уничтоженного содержимого."
    )
    total = 0
    for block in doc.blocks:
        pdf.ln(3)
        pdf.para(block.agreement_title, bold=True)
        source = "профиль Соглашения" if block.source == "profile" else "правило узла"
        pdf.para(
            f"Сторона: {block.party}. Срок хранения: {block.period} "
            f"{FROM_RU.get(block.counted_from, block.counted_from)} ({source})."
        )
        pdf.para(f"Правовой акт: {block.basis}")
        pdf.ln(1)
        widths = (7, 44, 34, 10, 19, pdf.epw - 114)
        heads = ("№", "Что уничтожено", "Дело / набор", "Кол.", "Срок истёк", "SHA-256")
        pdf.set_font(FONT, "B", 8)
        for w, h in zip(widths, heads, strict=True):
            pdf.cell(w, 6, h, border=1)
        pdf.ln()
        for line in block.lines:
            total += 1
            what = KIND_RU.get(line.kind, line.kind)
            if line.item_kind:
                what += f": {ITEM_RU.get(line.item_kind, line.item_kind)}"
            if line.ref:
                what += f"\n{line.ref}"
            cells = (
                str(total),
                what,
                line.where,
                str(line.count),
                f"{line.due_on:%d.%m.%Y}",
                f"{line.sha256[:32]}\n{line.sha256[32:]}",
            )
            _row(pdf, widths, cells)
    pdf.ln(4)
    pdf.para(f"Всего уничтожено элементов: {total}.", bold=True)
    pdf.ln(8)
    pdf.para("Подпись: ____________________", size=10)
    return bytes(pdf.output())


def _row(pdf: _Pdf, widths, cells) -> None:
    pdf.set_font(FONT, "", 7.5)
    lines = [
        pdf.multi_cell(w, 4, _clean(c), dry_run=True, output="LINES")
        for w, c in zip(widths, cells, strict=True)
    ]
    height = 4 * max(len(x) for x in lines)
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    x, y = pdf.get_x(), pdf.get_y()
    for w, c in zip(widths, cells, strict=True):
        pdf.rect(x, y, w, height)
        pdf.set_xy(x, y)
        pdf.multi_cell(w, 4, _clean(c), new_x="RIGHT", new_y="TOP")
        x += w
    pdf.set_xy(pdf.l_margin, y + height)
