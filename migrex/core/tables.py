"""Lists and reports as a download: CSV or an XLSX workbook (openpyxl), one function for both.

Every text cell goes through `csvcells.neutralise` in both formats: openpyxl, like a spreadsheet,
takes a text that begins with `=` for a formula. In the workbook dates stay dates (shown as
ДД.ММ.ГГГГ) and numbers stay numbers; in the CSV a date is written ДД.ММ.ГГГГ.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from migrex.core import csvcells

FORMATS = ("csv", "xlsx")
_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _text(cell) -> object:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.strftime("%d.%m.%Y %H:%M")
    if isinstance(cell, dt.date):
        return cell.strftime("%d.%m.%Y")
    return cell


def as_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csvcells.writer(out)
    writer.writerow(headers)
    writer.writerows([_text(c) for c in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the file as UTF-8


def as_xlsx(headers: Sequence[str], rows: Iterable[Sequence], title: str = "") -> bytes:
    rows = [list(row) for row in rows]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or "migrex")[:31])
    for i, header in enumerate(headers):
        longest = max([len(str(_text(row[i]))) for row in rows if i < len(row)] + [len(header)])
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(60, longest + 2)
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, header) for header in headers])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=str(text))
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value) -> object:
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD.MM.YYYY HH:MM" if isinstance(value, dt.datetime) else "DD.MM.YYYY"
        return cell
    return csvcells.neutralise("" if value is None else value)


def download(
    filename: str, fmt: str, headers: Sequence[str], rows: Iterable[Sequence], title: str = ""
) -> HttpResponse:
    """`headers` and `rows` as `filename`.csv or .xlsx (`fmt`, one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    body = as_csv(headers, rows) if fmt == "csv" else as_xlsx(headers, rows, title)
    response = HttpResponse(body, content_type=_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
