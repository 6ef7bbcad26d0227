"""Finding a case (cases/search.py): by our number, the other party's number, text and person
(never for an auditor, Art. 11.4), state and dates, on the search page and through the filters
of every box; the closed cases apart by direction; and a query string that makes no sense."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from migrex.agreements.models import Authority
from migrex.cases import box_list, search, selectors, views_boxes
from migrex.cases.models import Case
from migrex.cases.services import create_draft, transition
from migrex.cases.tests.conftest import citizen, draft, login, sent_case
from migrex.cases.workflow import State
from migrex.conftest import signed

pytestmark = pytest.mark.django_db


def numbers_on(body: str) -> list[str]:
    """The case links of a list, in its order."""
    return re.findall(r'class="case-link" href="/cases/\d+/">([^<]+)</a>', body)


def found(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_search_finds_a_case_by_the_other_partys_number(client, officers, deliver):
    """The issue's test: the number the requesting party gave its request finds the case."""
    ours, theirs = sent_case(officers, deliver)
    assert theirs.their_number == ours.number and not theirs.number
    login(client, officers["by_operator"])
    body = found(client, f"/cases/search/?q={ours.number}")
    assert f'href="/cases/{theirs.pk}/"' in body and "Найдено: 1." in body
    tail = ours.number[-6:].lower()  # a part of it, in any case of letters
    assert f'href="/cases/{theirs.pk}/"' in found(client, f"/cases/search/?q={tail}")
    nothing = found(client, "/cases/search/?q=KZ-MVD-1999-999999")
    assert "Ни одно дело не подходит" in nothing and 'class="case-link"' not in nothing


def test_search_by_our_number_text_and_who_may_search_text(client, officers, deliver):
    ours, theirs = sent_case(officers, deliver)
    transition(case=theirs, action="register", actor=officers["by_operator"])
    theirs.refresh_from_db()
    login(client, officers["by_operator"])
    assert numbers_on(found(client, f"/cases/search/?q={theirs.number}")) == [theirs.number]
    # The summary is «Проверка сведений»: found lower-case too.
    assert numbers_on(found(client, "/cases/search/?q=проверка")) == [theirs.number]
    # An auditor reads no texts of a case (Art. 11.4): the text is not searched for them.
    login(client, officers["kz_auditor"])
    body = found(client, "/cases/search/?q=проверка")
    assert "Номер" in body and 'class="case-link"' not in body
    assert numbers_on(found(client, f"/cases/search/?q={ours.number}")) == [ours.number]


def test_search_by_person_in_any_spelling_and_never_for_an_auditor(client, officers, deliver):
    """The person of the request is «Оганесян» (Hovhannisyan): either spelling finds the case,
    through the folding keys of the person search; an auditor may not search by person
    (Art. 11.4), is told so, and learns nothing of which case names whom."""
    ours, _ = sent_case(officers, deliver)
    create_draft(
        actor=officers["kz_operator"],
        agreement=ours.agreement,
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary="Другой запрос",
        persons=[{**citizen(), "data": {**citizen()["data"], "surname": {"cyrillic": "Иванов"}}}],
    )
    login(client, officers["kz_operator"])
    for name in ("Оганесян", "Hovhannisyan", "оганесян"):
        assert numbers_on(found(client, f"/cases/search/?person={name}")) == [ours.number], name
    assert len(numbers_on(found(client, "/cases/search/?person=Иванов"))) == 1
    assert numbers_on(found(client, "/cases/search/?person=Петров")) == []

    login(client, officers["kz_auditor"])
    body = found(client, "/cases/search/?person=Оганесян")
    assert "Поиск по лицу недоступен для вашей роли (ст. 11.4)." in body
    assert 'name="person"' not in body and ours.number not in body
    body = found(client, "/outgoing/?person=Иванов")  # the box is not narrowed by it either
    assert "Поиск по лицу недоступен" in body and len(numbers_on(body)) == 2


def test_search_by_state_and_dates(client, officers, deliver):
    ours, _ = sent_case(officers, deliver)
    draft = create_draft(
        actor=officers["kz_operator"],
        agreement=ours.agreement,
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary="Черновик",
    )
    login(client, officers["kz_operator"])
    sent = found(client, f"/cases/search/?state={State.SENT}")
    assert f'href="/cases/{ours.pk}/"' in sent and f'href="/cases/{draft.pk}/"' not in sent
    assert "Направлен" in sent
    today = timezone.localdate()
    Case.objects.filter(pk=draft.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    day = (today - dt.timedelta(days=10)).isoformat()
    body = found(client, f"/cases/search/?date_from={day}&date_to={day}")
    assert f'href="/cases/{draft.pk}/"' in body and f'href="/cases/{ours.pk}/"' not in body
    body = found(client, f"/cases/search/?date_from={today.isoformat()}")
    assert f'href="/cases/{ours.pk}/"' in body and f'href="/cases/{draft.pk}/"' not in body
    # Dates as an officer types them in Russian work too.
    body = found(client, f"/cases/search/?date_to={today - dt.timedelta(days=1):%d.%m.%Y}")
    assert f'href="/cases/{draft.pk}/"' in body and f'href="/cases/{ours.pk}/"' not in body


def test_box_filters_and_sort_are_in_the_query_string(client, officers, agreement):
    by = Authority.objects.get(code="by-mvd")
    drafts = [
        create_draft(
            actor=officers["kz_operator"],
            agreement=agreement,
            requested_authority=by,
            summary=f"Запрос {i}",
            purpose="Законность пребывания",
            justification="Материалы проверки",
        )
        for i in range(3)
    ]
    for i, case in enumerate(drafts):  # the first made the longest ago
        Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - dt.timedelta(days=3 - i))
    transition(case=drafts[1], action="submit", actor=officers["kz_operator"])
    login(client, officers["kz_operator"])
    body = found(client, "/outgoing/")
    ids = [f'href="/cases/{c.pk}/"' for c in drafts]
    assert [body.index(i) for i in ids] == sorted((body.index(i) for i in ids), reverse=True)
    body = found(client, "/outgoing/?sort=old")
    assert [body.index(i) for i in ids] == sorted(body.index(i) for i in ids)
    assert '<option value="old" selected>Сначала старые</option>' in body
    body = found(client, f"/outgoing/?state={State.AWAITING_SIGNATURE}")
    assert body.count('class="case-link"') == 1 and ids[1] in body
    assert '<details class="card filters" open>' in body  # a filter in use is shown
    # The agreement is chosen by its name, not its code; a wrong one is named.
    assert "Соглашение между Правительством Республики Казахстан" in body
    assert 'value="kz-by-2019"' in body and ">kz-by-2019<" not in body
    assert found(client, "/outgoing/?agreement=kz-by-2019").count('class="case-link"') == 3
    body = found(client, "/outgoing/?agreement=nope")
    assert "Соглашение: Выберите корректный вариант." in body
    # The pager keeps the filters.
    for _ in range(50):
        create_draft(actor=officers["kz_operator"], agreement=agreement, requested_authority=by)
    body = found(client, "/outgoing/?state=draft&sort=old")
    assert 'href="?state=draft&amp;sort=old&amp;page=2"' in body


def test_deadline_band_and_direction_filters(client, officers, deliver):
    _ours, theirs = sent_case(officers, deliver)
    today = timezone.localdate()
    Case.objects.filter(pk=theirs.pk).update(due_date=today + dt.timedelta(days=2))
    login(client, officers["by_operator"])
    assert f'href="/cases/{theirs.pk}/"' in found(client, "/cases/search/?deadline=due-soon")
    assert 'class="case-link"' not in found(client, "/cases/search/?deadline=overdue")
    assert 'class="case-link"' not in found(client, "/cases/search/?deadline=later")
    body = found(client, "/due-soon/?direction=incoming")
    assert f'href="/cases/{theirs.pk}/"' in body and "входящее" in body
    assert 'class="case-link"' not in found(client, "/due-soon/?direction=outgoing")
    assert 'name="direction"' not in found(client, "/incoming/")  # said by the box itself


def test_closed_cases_apart_by_direction(client, officers, deliver):
    """A withdrawn request (Art. 8) closes both copies: the requester's among the closed
    outgoing, the requested party's among the closed incoming; the navigation counts each."""
    ours, theirs = sent_case(officers, deliver)
    transition(
        case=ours, action="withdraw", actor=officers["kz_signatory"], data={"text": "Отпала"}
    )
    deliver()
    theirs.refresh_from_db()
    assert theirs.status == State.WITHDRAWN
    login(client, officers["kz_operator"])
    assert numbers_on(found(client, "/closed-outgoing/")) == [ours.number]
    assert numbers_on(found(client, "/closed-incoming/")) == []
    counts = selectors.counts(officers["kz_operator"], timezone.localdate())
    assert (counts["closed-outgoing"], counts["closed-incoming"], counts["outgoing"]) == (1, 0, 0)
    assert found(client, "/closed-outgoing/").count('count-closed-outgoing">1<') == 1
    login(client, officers["by_operator"])
    body = found(client, "/closed-incoming/")
    assert f'href="/cases/{theirs.pk}/"' in body and "Закрытые входящие" in body
    assert 'class="case-link"' not in found(client, "/closed-outgoing/")
    assert client.get("/closed/").status_code == 404


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("date_from=2026-13-45", "Дата с: Введите правильную дату."),
        ("date_to=вчера", "Дата по: Введите правильную дату."),
        ("state=lost", "Состояние: Выберите корректный вариант."),
        ("sort=sideways", "Порядок: Выберите корректный вариант."),
        ("deadline=never", "Срок (ст. 10.3): Выберите корректный вариант."),
        ("date_from=2026-03-10&date_to=2026-03-01", "Конец периода раньше его начала."),
        ("page=999999999999", "Такой страницы нет: показана последняя (1)."),
        ("page=-3", "Такой страницы нет: показана страница 1."),
        ("page=abc", "Номер страницы — не число: показана страница 1."),
        ("page=" + "9" * 5000, "Номер страницы — не число: показана страница 1."),
        ("export=pdf", "Список выгружается в CSV или XLSX."),
        ("q=" + "1" * 300, "Номер или текст: Убедитесь, что это значение содержит не более"),
    ],
)
def test_a_query_string_that_makes_no_sense_is_named_never_a_500(
    client, officers, agreement, query, said
):
    create_draft(
        actor=officers["kz_operator"],
        agreement=agreement,
        requested_authority=Authority.objects.get(code="by-mvd"),
        summary="Запрос",
    )
    login(client, officers["kz_operator"])
    for url in ("/outgoing/", "/cases/search/", "/due-soon/"):
        body = found(client, f"{url}?{query}")
        assert said in body, url
        assert 'role="alert"' in body


def test_the_other_criteria_still_apply_beside_a_wrong_one(client, officers, agreement):
    case = create_draft(
        actor=officers["kz_operator"],
        agreement=agreement,
        requested_authority=Authority.objects.get(code="by-mvd"),
    )
    login(client, officers["kz_operator"])
    body = found(client, f"/cases/search/?state=lost&q={case.number or 'нет'}&date_from=x")
    assert "Состояние: Выберите корректный вариант." in body
    assert "Дата с: Введите правильную дату." in body


def test_search_page_queries_do_not_grow_with_cases(
    client, officers, agreement, django_assert_max_num_queries
):
    for i in range(30):
        create_draft(
            actor=officers["kz_operator"],
            agreement=agreement,
            requested_authority=Authority.objects.get(code="by-mvd"),
            summary=f"Запрос {i}",
            persons=[citizen()],
        )
    login(client, officers["kz_operator"])
    client.get("/cases/search/?q=запрос")
    # 10 to show it (the user, their groups, the generation of the reference data, the count,
    # the page, the authority, what needs the officer, the box counts in two), and the
    # session's refreshed expiry (5, and one more if it waits for the write lock,
    # core/dbwait.py).
    with django_assert_max_num_queries(16):
        body = client.get("/cases/search/?q=запрос&person=Оганесян&sort=number").content.decode()
    assert body.count('class="case-link"') == 30


def test_a_search_by_text_counts_up_to_the_cap_and_says_so(client, officers, monkeypatch):
    """Counting every match of a common word reads every case: counted up to box_list.CAP,
    the officer told there are more and shown the newest."""
    monkeypatch.setattr(box_list, "CAP", 4)
    monkeypatch.setattr(views_boxes, "PAGE_SIZE", 2)
    for _ in range(6):
        draft(officers)  # «… о временном пребывании»: drafts have no number yet
    login(client, officers["kz_operator"])
    body = found(client, "/cases/search/?q=пребывании")
    assert "Найдено: более 4." in body and "Страница 1 из 2" in body and "уточните поиск" in body
    assert body.count('class="case-link"') == 2
    beyond = found(client, "/cases/search/?q=пребывании&page=3")  # past the cap: the last page
    assert beyond.count('class="case-link"') == 2 and "Страница 2 из 2" in beyond
    by_state = found(client, "/cases/search/?q=пребывании&state=draft")  # still text: capped
    assert "Найдено: более 4." in by_state
    monkeypatch.setattr(box_list, "CAP", 10)
    assert "Найдено: 6." in found(client, "/cases/search/?q=пребывании")


def test_the_text_statistics_are_gathered_only_over_cases_there_are(officers):
    """Migration 0014 analyzes the cases only when there are some: ANALYZE over an empty table
    records it as empty, and until autovacuum analyzes it again the planner reads every case to
    find one by its id (each history entry's and person's foreign-key check)."""
    if connection.vendor != "postgresql":
        pytest.skip("statistics objects are PostgreSQL's")
    migration = importlib.import_module("migrex.cases.migrations.0014_text_statistics")

    def analyzed() -> bool:
        with CaptureQueriesContext(connection) as queries, connection.schema_editor() as editor:
            migration.create(django_apps, editor)
        return any(q["sql"].startswith("ANALYZE") for q in queries.captured_queries)

    assert not Case.objects.exists()
    assert not analyzed()
    draft(officers)
    assert analyzed()


def test_a_number_is_looked_up_in_the_trigram_indexes(officers):
    """Migration 0015: the search's condition on a number can be answered from both numbers'
    trigram indexes on PostgreSQL (the indexes' expression is the one Django writes). Over a
    handful of cases the planner would read the table anyway, so it is told to read neither
    the table nor another index, as it chooses over thousands."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    case = signed(officers)
    assert case.number
    cases = Case.objects.filter(search._text(case.number[-6:], texts=False))
    sql, params = cases.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on cases_case_number_trgm" in plan
    assert "Bitmap Index Scan on cases_case_their_number_trgm" in plan
    assert list(cases) == [case]
