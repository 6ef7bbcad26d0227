"""The register pages: who may see and write what, forms with their errors, Russian output."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from migrex.exchange.models import OutboxMessage
from migrex.registers.models import AuthorityNotice, CooperationEvent, LegislationNotice
from migrex.registers.tests.conftest import add, legislation_payload

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def supervisor(officers):
    return client_of(officers["kz_signatory"])  # signatory and supervisor


def test_operators_read_but_do_not_write(officers):
    operator = client_of(officers["kz_operator"])
    for url in (
        "/registers/legislation/",
        "/registers/cooperation/",
        "/registers/cooperation/calendar/",
        "/registers/signatories/",
    ):
        assert operator.get(url).status_code == 200
    assert operator.get("/registers/legislation/new/").status_code == 403
    assert operator.post("/registers/cooperation/new/", {"title": "x"}).status_code == 403
    assert operator.post("/registers/signatories/", {"form": "list"}).status_code == 403
    assert not CooperationEvent.objects.exists()


def test_an_account_without_an_authority_sees_nothing(agreement):
    from migrex.accounts.models import User

    nobody = User.objects.create_user(username="nobody", password="x" * 20)
    assert client_of(nobody).get("/registers/legislation/").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_a_supervisor_notifies_legislation_with_its_text(supervisor):
    response = supervisor.post(
        "/registers/legislation/new/",
        {
            "agreement": "kz-by-2019",
            "title": "Закон о миграции (изменения)",
            "adopted_on": "2026-03-01",
            "in_force_on": "2026-03-15",
            "summary": "Новые основания для разрешения на проживание.",
            "text": SimpleUploadedFile("zakon.txt", "Текст закона".encode(), "text/plain"),
        },
        follow=True,
    )
    assert "Уведомление записано и отправлено другой стороне." in response.text
    notice = LegislationNotice.objects.get()
    assert OutboxMessage.objects.filter(kind="legislation_notice").count() == 2
    text = supervisor.get(f"/registers/legislation/{notice.pk}/text/")
    assert text.content == "Текст закона".encode()
    assert text["Content-Disposition"] == 'attachment; filename="zakon.txt"'


@time_machine.travel(NOW, tick=False)
def test_the_form_shows_service_errors_beside_their_fields(supervisor):
    response = supervisor.post(
        "/registers/legislation/new/",
        {
            "agreement": "kz-by-2019",
            "title": "Закон",
            "adopted_on": "2026-03-01",
            "in_force_on": "2026-02-01",
            "summary": "Суть",
        },
    )
    assert response.status_code == 200
    assert "Дата вступления в силу раньше даты принятия. (ст. 4)" in response.text
    assert not LegislationNotice.objects.exists()


def test_the_search_form_filters_and_reports_a_bad_period(officers, supervisor, from_by):
    assert from_by("legislation_notice", legislation_payload()).code == "accepted"
    found = supervisor.get("/registers/legislation/", {"q": "УБЕЖИЩА", "party": "BY"})
    assert "Указ о порядке предоставления убежища" in found.text
    none = supervisor.get("/registers/legislation/", {"q": "убежища", "party": "KZ"})
    assert "Указ о порядке" not in none.text and "Ничего не найдено." in none.text
    bad = supervisor.get("/registers/legislation/", {"since": "2026-05-01", "until": "2026-01-01"})
    assert "Конец периода раньше его начала." in bad.text


def test_a_supervisor_adds_an_activity_and_lands_on_its_month(supervisor, officers):
    response = supervisor.post(
        "/registers/cooperation/new/",
        {
            "agreement": "kz-by-2019",
            "kind": "study_visit",
            "title": "Ознакомительный визит",
            "starts_on": "2026-05-12",
            "ends_on": "2026-05-14",
            "place": "Астана",
            "authorities": ["kz-mvd", "by-mvd"],
            "people": "Иванов И. И.",
            "outcomes": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/registers/cooperation/calendar/?month=2026-05"
    assert CooperationEvent.objects.get().kind == "study_visit"
    bad = supervisor.post(
        "/registers/cooperation/new/",
        {
            "agreement": "kz-by-2019",
            "kind": "study_visit",
            "title": "Визит",
            "starts_on": "2026-05-12",
            "ends_on": "2026-05-01",
            "authorities": ["kz-mvd"],
        },
    )
    assert "Дата окончания раньше даты начала. (ст. 7.4)" in bad.text


def test_the_calendar_names_months_and_weekdays_in_russian(officers, agreement, supervisor):
    add(officers, agreement)
    page = supervisor.get("/registers/cooperation/calendar/", {"month": "2026-03"}).text
    assert "Март 2026" in page and "Пн" in page and "Вс" in page
    assert page.count("Рабочая группа по трудовой миграции") == 3  # 10–12 March
    assert '?month=2026-02"' in page and '?month=2026-04"' in page
    wrong = supervisor.get("/registers/cooperation/calendar/", {"month": "март"}).text
    assert "«март» — не месяц" in wrong


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_reports_the_duty_in_russian(officers, supervisor):
    page = supervisor.get("/registers/signatories/").text
    assert "kz-by-2019" in page and "17.01.2021" in page
    assert "отправлен 10.01.2021" in page and "получен 10.01.2021" in page


@time_machine.travel(NOW, tick=False)
def test_an_administrator_sends_our_list(officers, make_user):
    admin = client_of(make_user("kz-admin", "kz-mvd", "administrator"))
    response = admin.post(
        "/registers/signatories/", {"form": "list", "agreement": "kz-by-2019"}, follow=True
    )
    assert "Перечень подписантов отправлен другой стороне." in response.text
    assert AuthorityNotice.objects.get(created_by__isnull=False).change == "signatories"
    assert OutboxMessage.objects.filter(kind="authority_notice").count() == 2


@time_machine.travel(dt.datetime(2021, 1, 20, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_dashboard_shows_how_long_a_missing_list_is_overdue(make_user):
    page = client_of(make_user("kz-sup", "kz-mvd", "supervisor")).get("/registers/signatories/")
    assert "не отправлен" in page.text and "не получен" in page.text
    assert "просрочено на 3 дня" in page.text


@time_machine.travel(dt.datetime(2020, 12, 20, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_dashboard_shows_the_days_left(make_user):
    page = client_of(make_user("kz-sup", "kz-mvd", "supervisor")).get("/registers/signatories/")
    assert "осталось 28 дней" in page.text


@time_machine.travel(NOW, tick=False)
def test_an_administrator_notifies_a_replacement_and_errors_stay_beside_fields_art_2(
    officers, make_user, agreement
):
    admin = client_of(make_user("kz-admin", "kz-mvd", "administrator"))
    form = {
        "form": "replace",
        "replace-agreement": "kz-by-2019",
        "replace-authority": "kz-labour",
        "replace-code": "kz-labour",
        "replace-kind": "labour",
        "replace-name_ru": "Министерство труда",
        "replace-name_en": "Ministry of Labour",
        "replace-valid_from": "2026-03-01",
    }
    bad = admin.post("/registers/signatories/", form)
    assert "не годится для нового органа" in bad.text
    assert not AuthorityNotice.objects.filter(change="replace").exists()
    good = admin.post(
        "/registers/signatories/", form | {"replace-code": "kz-labour-new"}, follow=True
    )
    assert "Замена органа записана и отправлена другой стороне." in good.text
    codes = set(agreement.authorities.values_list("code", flat=True))
    assert "kz-labour-new" in codes and "kz-labour" not in codes
    sent = OutboxMessage.objects.filter(kind="authority_notice")
    assert {m.payload["by"]["code"] for m in sent} == {"kz-labour-new"}


def test_the_page_shows_both_partys_lists_in_force_with_their_entries_art_9_4(officers):
    page = client_of(officers["kz_operator"]).get("/registers/signatories/").content.decode()
    lists = page[page.index('id="lists"') : page.index("</section>", page.index('id="lists"'))]
    assert 'data-party="KZ"' in lists and 'data-party="BY"' in lists
    assert "Kz-Signatory" in lists and "By-Supervisor" in lists
    assert "Заместитель министра" in lists and "Министерство внутренних дел" in lists
    assert "10.01.2021" in lists and "2021-01-10" not in lists  # officers read no ISO dates


# 20:30 UTC on 16 March is 01:30 on 17 March in Almaty (the node's time zone) and 23:30 on the
# 16th in Minsk.
EVENING = dt.datetime(2026, 3, 16, 20, 30, tzinfo=dt.UTC)


def test_the_register_dates_a_list_sent_by_this_nodes_calendar(officers, supervisor):
    """The list went out on 17 March in Almaty: the dashboard says so, not 16 March, the day
    in UTC (Art. 9.4: sent "at once"; dates in the party's own calendar)."""
    from migrex.agreements.models import SignatoryList
    from migrex.agreements.tests.conftest import record_sent

    AuthorityNotice.objects.filter(direction="sent").delete()
    ours = SignatoryList.objects.get(party_id="KZ")
    with time_machine.travel(EVENING, tick=False):
        record_sent(ours)
        page = supervisor.get("/registers/signatories/").text
    assert "через обмен 17.03.2026" in page and "через обмен 16.03.2026" not in page


def test_the_register_names_the_signatories_of_a_list_that_takes_effect_tomorrow_here(
    officers, supervisor
):
    """The other party's list, effective from its "today" east of us, takes effect tomorrow in
    this node's calendar: its signatories are named all the same, with that date (Art. 9.3)."""
    from migrex.agreements.models import Authority, Signatory, SignatoryList

    with time_machine.travel(EVENING, tick=False):
        listing = SignatoryList.objects.create(
            agreement=officers["by_supervisor"].authority.agreements.get(code="kz-by-2019"),
            party_id="BY",
            exchanged_on=dt.date(2026, 3, 18),
            effective_from=dt.date(2026, 3, 18),
        )
        Signatory.objects.create(
            signatory_list=listing,
            full_name="Костюкевич Андрей Петрович",
            authority=Authority.objects.get(code="by-mvd"),
            position="Первый заместитель министра",
            valid_from=dt.date(2026, 3, 18),
        )
        page = supervisor.get("/registers/signatories/").text
    assert "Костюкевич Андрей Петрович" in page and "18.03.2026" in page
