"""Reports per agreement and period: the figures of a known set of cases, counted against the
30 days of Art. 10.3 (refusals Art. 10.4, postponements Art. 10.2), the filters, the downloads,
who may see them, and bad input in the query string."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from migrex.agreements.models import Agreement, Authority
from migrex.agreements.services import load
from migrex.cases import reports
from migrex.cases.models import Case
from migrex.cases.tests.conftest import login
from migrex.cases.tests.reports_data import IN, OUT, Q1, TODAY, URL, add, at, day, make_known
from migrex.cases.workflow import Kind, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(agreement):
    """The known set of requests; the agreement they are under."""
    make_known(agreement)
    return agreement


def figures(found, side, theirs) -> reports.Figures:
    [line] = [x for x in found.lines if x.side == side and x.theirs.code == theirs]
    return line.figures


def counted(f: reports.Figures) -> dict:
    return {
        "requests": f.requests,
        "answered": f.answered,
        "refused": f.refused,
        "open": f.open,
        "overdue": f.overdue,
        "median": f.median_days,
        "in_time": f"{f.in_time}/{f.judged}",
        "share": f.in_time_percent,
    }


def test_figures_per_authority_against_the_30_days_of_art_10_3(cases, officers):
    found = reports.report(officers["kz_signatory"], cases, *Q1, TODAY)

    assert counted(figures(found, OUT, "by-mvd")) == {
        "requests": 6,  # the withdrawn one included; the one of 01.04 not
        "answered": 3,
        "refused": 1,
        "open": 1,
        "overdue": 1,
        "median": Decimal(10),  # 4, 10, 10, 37
        "in_time": "3/5",  # four replies and one open past its day
        "share": Decimal("60.0"),
    }
    assert counted(figures(found, OUT, "by-border")) == {
        "requests": 1,
        "answered": 1,
        "refused": 0,
        "open": 0,
        "overdue": 0,
        "median": Decimal(10),
        "in_time": "1/1",
        "share": Decimal("100.0"),
    }
    assert counted(figures(found, IN, "by-mvd")) == {
        "requests": 5,
        "answered": 2,
        "refused": 0,
        "open": 3,
        "overdue": 2,  # the postponement until 2099 holds (Art. 10.2)
        "median": Decimal("16.5"),  # 2 and 31 days (the answer of 15.02, Almaty)
        "in_time": "1/4",
        "share": Decimal("25.0"),
    }
    assert counted(found.totals[OUT]) == {
        "requests": 7,
        "answered": 4,
        "refused": 1,
        "open": 1,
        "overdue": 1,
        "median": Decimal(10),
        "in_time": "4/6",
        "share": Decimal("66.7"),
    }
    assert {line.ours.code for line in found.lines} == {"kz-mvd"}
    assert len(found.lines) == 3


def test_deadline_report_by_days_left(cases, officers):
    found = reports.report(officers["kz_auditor"], cases, *Q1, TODAY)
    assert found.deadlines[OUT] == {
        "overdue": 1,
        "0-1": 1,
        "2-5": 0,
        "6-10": 1,
        "11+": 0,
        "postponed": 0,
    }
    assert found.deadlines[IN] == {
        "overdue": 3,
        "0-1": 0,
        "2-5": 1,
        "6-10": 0,
        "11+": 1,
        "postponed": 1,
    }


def test_period_filter(cases, officers):
    april = reports.report(
        officers["kz_signatory"], cases, day("2026-04-01"), day("2026-04-30"), TODAY
    )
    assert april.totals[OUT].requests == 3
    assert april.totals[IN].requests == 2
    january_1 = reports.report(
        officers["kz_signatory"], cases, day("2026-01-01"), day("2026-01-01"), TODAY
    )
    assert january_1.totals[OUT].requests == 1  # signed 31.12 20:00 UTC: 01.01 in Almaty
    nothing = reports.report(
        officers["kz_signatory"], cases, day("2020-01-01"), day("2020-12-31"), TODAY
    )
    assert nothing.lines == []
    assert nothing.totals[OUT].median_days is None
    assert nothing.totals[OUT].in_time_percent is None


def test_agreement_filter(cases, officers):
    load("kz-am-2024")
    other = Agreement.objects.get(code="kz-am-2024")
    sent = {"signed_at": at("2026-02-01"), "received_on": day("2026-02-02")}
    add(other, OUT, State.ANSWERED, theirs="am-police", closed_at=at("2026-02-05"), **sent)
    kz_am = reports.report(officers["kz_signatory"], other, *Q1, TODAY)
    assert [(line.theirs.code, line.figures.requests) for line in kz_am.lines] == [("am-police", 1)]
    kz_by = reports.report(officers["kz_signatory"], cases, *Q1, TODAY)
    assert kz_by.totals[OUT].requests == 7


def test_administrator_sees_every_authority_of_the_node(cases, make_user):
    admin = make_user("kz-admin", "kz-mvd", "administrator")
    admin.authority = None
    admin.save()
    found = reports.report(admin, cases, *Q1, TODAY)
    assert {(line.ours.code, line.theirs.code) for line in found.lines} == {
        ("kz-mvd", "by-mvd"),
        ("kz-mvd", "by-border"),
        ("kz-labour", "by-border"),
    }


# --- the page ------------------------------------------------------------------------------------


def test_page_shows_chart_and_table_in_russian(client, cases, officers):
    login(client, officers["kz_signatory"])
    response = client.get(URL, {"agreement": cases.pk, "from": "2026-01-01", "to": "2026-03-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Соглашение между Правительством Республики Казахстан" in html
    assert "kz-by-2019" not in html
    assert "с 1 января 2026 г. по 31 марта 2026 г." in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="rchart" id="chart-requester"' in html
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "style=" not in html
    assert "Направлено: 7; Исполнено: 4; Отказано: 1; Просрочено: 1" in html
    assert "16,5" in html  # median days, incoming
    assert "66,7\u00a0%" in html and "25,0\u00a0%" in html
    assert "Государственный пограничный комитет Республики Беларусь" in html
    assert 'value="2026-01-01"' in html  # the date input's value (the browser shows it localised)


def test_presets(client, cases, officers):
    login(client, officers["kz_signatory"])
    html = client.get(URL).content.decode()  # default: this year
    assert "Этот год" in html and 'aria-current="true">Этот год' in html
    html = client.get(URL, {"agreement": cases.pk, "period": "quarter"}).content.decode()
    assert 'aria-current="true">Прошлый квартал' in html


def test_the_agreement_in_force_is_shown_first(client, cases, officers):
    """Kazakhstan's agreement with Armenia comes first by its title, but is signed and not in
    force: the page opens on the one with Belarus, under which the requests are exchanged."""
    load("kz-am-2024")
    armenia = Agreement.objects.get(code="kz-am-2024")
    armenia.authorities.add(officers["kz_signatory"].authority)
    assert reports.agreements_for(officers["kz_signatory"]).first() == armenia
    login(client, officers["kz_signatory"])
    html = client.get(URL).content.decode()
    assert f'<option value="{cases.pk}" selected>' in html
    html = client.get(URL, {"agreement": armenia.pk}).content.decode()
    assert f'<option value="{armenia.pk}" selected>' in html


def test_csv_and_xlsx_downloads(client, cases, officers):
    login(client, officers["kz_signatory"])
    query = {"agreement": cases.pk, "from": "2026-01-01", "to": "2026-03-31", "export": "figures"}
    response = client.get(URL, {**query, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "zaprosy_01.01.2026-31.03.2026.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == [
        "Направление",
        "Наш орган",
        "Орган другой Стороны",
        "Направлено",
        "Получено",
    ]
    incoming = [r for r in rows if r[0] == "Входящие запросы" and r[2]]
    assert len(incoming) == 1
    assert incoming[0][3:11] == ["", "5", "2", "0", "3", "2", "16.5", "25.0"]
    assert incoming[0][11:] == ["01.01.2026", "31.03.2026"]
    total = [r for r in rows if r[0] == "Исходящие запросы" and r[1] == "Итого"]
    assert total[0][3:11] == ["7", "", "4", "1", "1", "1", "10", "66.7"]

    response = client.get(URL, {**query, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][3:5] == ("Направлено", "Получено")
    by_border = [r for r in values if r[2] and "пограничный" in r[2]]
    assert by_border[0][3:11] == (1, None, 1, 0, 0, 0, 10, 100)
    assert by_border[0][11] == dt.datetime(2026, 1, 1)  # noqa: DTZ001 - a workbook's date

    response = client.get(URL, {**query, "export": "deadlines", "format": "xlsx"})
    values = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert values[0] == ("Дней до окончания срока", "Исходящие запросы", "Входящие запросы")
    assert values[1][0] == "Просрочено"
    assert len(values) == 1 + len(reports.BUCKETS)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("kz_operator", 403),
        ("signatory_only", 403),
        ("kz_signatory", 200),  # signatory and supervisor
        ("kz_auditor", 200),
        ("administrator", 200),
    ],
)
def test_who_may_see_the_reports(client, officers, make_user, who, status):
    users = {
        **officers,
        "signatory_only": make_user("kz-sig", "kz-mvd", "signatory"),
        "administrator": make_user("kz-admin", "kz-mvd", "administrator"),
    }
    login(client, users[who])
    assert client.get(URL).status_code == status
    assert client.get(URL, {"format": "csv"}).status_code == status


def test_anonymous_is_sent_to_log_in(client, agreement):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"from": "2026-02-30", "to": "2026-03-31"},
            "Начало периода</a>: Введите правильную дату.",
        ),
        ({"from": "вчера", "to": "2026-03-31"}, "Начало периода</a>: Введите правильную дату."),
        (
            {"from": "2026-03-31", "to": "2026-01-01"},
            "Конец периода</a>: Конец периода раньше его начала.",
        ),
        (
            {"from": "2026-03-31"},
            "Конец периода</a>: Укажите обе даты периода или выберите период.",
        ),
        (
            {"from": "2026-01-01", "to": "9999-12-31"},
            "Конец периода</a>: Укажите дату с 1900 по 2199 год.",
        ),
        ({"agreement": "abc"}, "Соглашение</a>: Выберите корректный вариант."),
        ({"agreement": "99999"}, "Соглашение</a>: Выберите корректный вариант."),
        ({"format": "pdf"}, "Выберите корректный вариант."),
        ({"period": "decade"}, "Выберите корректный вариант."),
    ],
)
def test_bad_query_gives_a_clear_message(client, officers, query, message):
    login(client, officers["kz_auditor"])
    response = client.get(URL, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="problems"' in html
    assert message in html
    assert "Отчёт не может быть показан" in html


def test_queries_do_not_grow_with_the_cases(client, cases, officers):
    """Aggregated in the database: the same few queries for 22 cases as for 2,000 more."""
    login(client, officers["kz_signatory"])
    query = {"agreement": cases.pk, "from": "2026-01-01", "to": "2026-03-31"}
    client.get(URL, query)  # the reference data loaded, as a process holds it
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, query).status_code == 200
    kz, by = Authority.objects.get(code="kz-mvd"), Authority.objects.get(code="by-mvd")
    Case.objects.bulk_create(
        Case(
            side=IN,
            kind=Kind.REQUEST,
            status=State.ANSWERED,
            agreement=cases,
            requesting_authority=by,
            requested_authority=kz,
            owner=kz,
            received_on=day("2026-01-01") + dt.timedelta(days=i % 90),
            due_date=day("2026-01-31") + dt.timedelta(days=i % 90),
            closed_at=at("2026-01-05") + dt.timedelta(days=i % 90 + i % 40),
        )
        for i in range(2000)
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL, query).status_code == 200

    def selects(captured) -> list[str]:
        return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]

    assert len(selects(many)) == len(selects(few))
    mine = [sql for sql in selects(few) if "requesting_authority_id" in sql]
    assert len(mine) == 1  # the figures, grouped by authorities and by days to reply
    # The navigation counts news apart (cases/tally.py); the header reads the reference data's
    # generation for the officer's authority (shell/navigation.py).
    assert len(selects(few)) <= 16
