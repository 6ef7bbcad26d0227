"""Every case list and search result as CSV and XLSX (core/tables.py): columns in Russian, dates
as dates, the filters of the page applied, and no free text of a case for a role that may not
read it (Art. 11.4)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from migrex.agreements.models import Authority
from migrex.cases.models import Case
from migrex.cases.services import create_draft
from migrex.cases.tests.conftest import login, sent_case
from migrex.cases.workflow import Side

pytestmark = pytest.mark.django_db

AGREEMENT_RU = (
    "Соглашение между Правительством Республики Казахстан и Правительством Республики Беларусь "
    "о сотрудничестве в области миграции"
)
BY_MVD = "Министерство внутренних дел Республики Беларусь"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


@pytest.fixture
def two_cases(officers, deliver):
    """A request sent from KZ to BY, and a draft beside it."""
    ours, _ = sent_case(officers, deliver)
    draft = create_draft(
        actor=officers["kz_operator"],
        agreement=ours.agreement,
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary='=HYPERLINK("http://x") черновик',
    )
    return ours, draft


def test_a_box_as_csv_in_russian_with_its_filters(client, officers, two_cases):
    ours, _draft = two_cases
    login(client, officers["kz_operator"])
    response = client.get("/outgoing/?export=csv")
    assert response["Content-Disposition"].startswith('attachment; filename="outgoing-')
    head, *rows = csv_rows(response)
    assert head == [
        "Регистрационный номер",
        "Номер другой Стороны",
        "Вид",
        "Направление",
        "Соглашение",
        "Другая Сторона",
        "Существо",
        "Состояние",
        "Создан",
        "Дата поступления",
        "Срок исполнения",
        "Закрыт",
    ]
    assert len(rows) == 2
    sent = next(row for row in rows if row[0] == ours.number)
    assert sent[2:6] == ["Запрос", "исходящее", AGREEMENT_RU, BY_MVD]
    assert sent[6] == "Проверка сведений" and sent[7] == "Направлен"
    assert sent[8] == f"{timezone.localdate():%d.%m.%Y}"
    # A text that a spreadsheet would run as a formula is written as text.
    assert any(row[6] == '\'=HYPERLINK("http://x") черновик' for row in rows)
    # The export is the list as filtered, not the whole box.
    head, *rows = csv_rows(client.get("/outgoing/?state=draft&export=csv"))
    assert [row[7] for row in rows] == ["Проект"]


def test_search_result_as_xlsx_with_dates_as_dates(client, officers, two_cases, deliver):
    ours, _draft = two_cases
    login(client, officers["by_operator"])
    response = client.get(f"/cases/search/?q={ours.number}&export=xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    head, *rows = xlsx_rows(response)
    assert head[:4] == ("Регистрационный номер", "Номер другой Стороны", "Вид", "Направление")
    assert len(rows) == 1
    row = dict(zip(head, rows[0], strict=True))
    assert row["Номер другой Стороны"] == ours.number and row["Направление"] == "входящее"
    assert row["Другая Сторона"] == "Министерство внутренних дел Республики Казахстан"
    assert row["Состояние"] == "Поступил"
    theirs = Case.objects.get(conversation_id=ours.conversation_id, side=Side.REQUESTED)
    received = row["Дата поступления"]  # the day in the receiving party's time zone (Art. 10.3)
    assert isinstance(received, dt.datetime) and received.date() == theirs.received_on
    assert row["Срок исполнения"].date() == theirs.received_on + dt.timedelta(days=30)
    assert row["Закрыт"] is None
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Поиск дела" and sheet["I2"].number_format == "DD.MM.YYYY"


def test_an_auditor_exports_no_text_of_a_case(client, officers, two_cases):
    """Art. 11.4: the summary is free text, where names are written; an auditor's export has
    the metadata only."""
    login(client, officers["kz_auditor"])
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/outgoing/?export={fmt}")
        rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
        assert "Существо" not in rows[0] and len(rows[0]) == 11
        flat = " ".join(str(cell) for row in rows for cell in row)
        assert "Проверка сведений" not in flat and "черновик" not in flat
        assert "Оганесян" not in flat


def test_the_search_page_exports_nothing_before_it_is_asked(client, officers, two_cases):
    login(client, officers["kz_operator"])
    response = client.get("/cases/search/?export=csv")
    assert response["Content-Type"].startswith("text/html")
    assert "Укажите номер, текст, лицо, состояние или даты." in response.content.decode()
