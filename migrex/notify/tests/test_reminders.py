"""Reminders of the 30-day period (Art. 10.3) to those who must answer: 10, 5 and 1 days before
the date and once when it has passed, each once, however often the runs come; none while a
postponement holds (Art. 10.2)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from migrex.cases.models import Case
from migrex.cases.services import transition
from migrex.conftest import send
from migrex.notify import services
from migrex.notify.models import Notice
from migrex.notify.tests.conftest import body

pytestmark = pytest.mark.django_db

MINSK = dt.timezone(dt.timedelta(hours=3))


def at(day: int, month: int = 3, hour: int = 12):
    return time_machine.travel(dt.datetime(2026, month, day, hour, 0, tzinfo=MINSK), tick=False)


def reminders(smtp, address: str) -> list:
    return [
        m
        for m in smtp.to(address)
        if "Answer due" in str(m["Subject"]) or "Answer overdue" in str(m["Subject"])
    ]


def test_reminders_at_ten_five_and_one_days_and_when_overdue_each_once(smtp, addressed, deliver):
    with at(2):
        _, theirs = send(addressed, deliver)
        transition(case=theirs, action="register", actor=addressed["by_operator"])
        services.run()
    theirs.refresh_from_db()
    assert theirs.due_date == dt.date(2026, 4, 1)
    seen = []
    # A run every day from the receipt to after the date, some days twice.
    for day in [dt.date(2026, 3, 3) + dt.timedelta(days=n) for n in range(33)]:
        for hour in (9, 17):
            with at(day.day, day.month, hour):
                services.run()
        seen.append((day, len(reminders(smtp, "by-operator@mail.test"))))
    sent_on = [day for (day, n), (_, before) in zip(seen[1:], seen, strict=False) if n > before]
    assert [d.isoformat() for d in sent_on] == [
        "2026-03-22",  # 10 days left
        "2026-03-27",  # 5
        "2026-03-31",  # 1
        "2026-04-02",  # the date has passed
    ]
    # Those who must answer: nobody is assigned, so the operators and supervisors.
    assert len(reminders(smtp, "by-supervisor@mail.test")) == 4
    assert reminders(smtp, "kz-operator@mail.test") == []
    texts = [body(m) for m in reminders(smtp, "by-operator@mail.test")]
    assert any("The answer is due in 10 days, on 01.04.2026" in t for t in texts)
    assert any("Срок ответа истекает через 10 дней, 01.04.2026" in t for t in texts)
    assert any("The answer is due in 1 day, on 01.04.2026" in t for t in texts)
    assert any("The answer was due on 01.04.2026" in t for t in texts)


def test_a_run_that_missed_days_sends_only_the_stage_the_case_is_in(smtp, addressed, deliver):
    with at(2):
        _, theirs = send(addressed, deliver)
        transition(case=theirs, action="register", actor=addressed["by_operator"])
    with at(30):  # 2 days left: the first run since the receipt
        services.run()
    keys = sorted(
        Notice.objects.filter(what="reminder", user=addressed["by_operator"]).values_list(
            "key", flat=True
        )
    )
    assert keys == ["due:2026-04-01:5"]


def test_no_reminder_while_a_postponement_holds_nor_on_an_answered_request(
    smtp, addressed, deliver
):
    """Art. 10.2: a request lawfully postponed is not pressed; an answered one is done."""
    with at(2):
        _, theirs = send(addressed, deliver)
        transition(case=theirs, action="register", actor=addressed["by_operator"])
        transition(
            case=theirs,
            action="postpone",
            actor=addressed["by_supervisor"],
            data={"text": "Идёт проверка.", "until": "2026-04-20"},
        )
        _, other = send(addressed, deliver)
        transition(case=other, action="register", actor=addressed["by_operator"])
        transition(
            case=Case.objects.get(pk=other.pk),
            action="reply",
            actor=addressed["by_operator"],
            data={"text": "Сведения отсутствуют."},
        )
    with at(25):
        services.run()
    assert not Notice.objects.filter(what="reminder").exists()
