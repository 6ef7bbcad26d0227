import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from migrex.core import tables

HEADERS = ["Номер", "Дата", "Текст", "Дней"]
ROWS = [["KZ-1", dt.date(2026, 3, 14), '=HYPERLINK("x")', 12], ["KZ-2", None, "Ахметов", -3]]


def test_csv_writes_dates_in_russian_order_and_neutralises_formulas():
    text = tables.as_csv(HEADERS, ROWS).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Номер,Дата,Текст,Дней"
    assert lines[1] == 'KZ-1,14.03.2026,"\'=HYPERLINK(""x"")",12'
    assert lines[2] == "KZ-2,,Ахметов,-3"


def test_xlsx_keeps_dates_and_numbers_and_never_a_formula():
    book = load_workbook(io.BytesIO(tables.as_xlsx(HEADERS, ROWS, "Список")))
    sheet = book["Список"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(HEADERS)
    assert rows[1][1].date() == dt.date(2026, 3, 14)
    assert sheet["B2"].number_format == "DD.MM.YYYY"
    assert rows[1][2].startswith("'=")
    assert rows[2] == ("KZ-2", None, "Ахметов", -3)  # an empty cell


def test_download_names_the_file_and_refuses_an_unknown_format():
    response = tables.download("cases", "xlsx", HEADERS, ROWS)
    assert response["Content-Disposition"] == 'attachment; filename="cases.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    with pytest.raises(ValueError):
        tables.download("cases", "pdf", HEADERS, ROWS)
