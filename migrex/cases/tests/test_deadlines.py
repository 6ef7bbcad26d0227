"""The 30-day deadline (Art. 10.3): due-soon and overdue lists, the clock, and profile pauses."""

import datetime as dt

import pytest
import time_machine

from migrex.agreements.profile import load_profile, profile_from_data, resolve
from migrex.agreements.services import load_into_db
from migrex.cases import selectors
from migrex.cases.models import Case
from migrex.cases.services import transition
from migrex.conftest import send

MINSK = dt.timezone(dt.timedelta(hours=3))


def at(day: int, month: int = 3):
    return time_machine.travel(dt.datetime(2026, month, day, 12, 0, tzinfo=MINSK), tick=False)


@pytest.mark.django_db
def test_due_soon_and_overdue_lists_and_the_clock(officers, deliver):
    with at(2):
        _, theirs = send(officers, deliver)
        transition(case=theirs, action="register", actor=officers["by_operator"])
    theirs.refresh_from_db()
    by = officers["by_operator"]
    assert theirs.due_date == dt.date(2026, 4, 1)
    assert list(selectors.box(by, "due-soon", dt.date(2026, 3, 20))) == []
    assert list(selectors.box(by, "due-soon", dt.date(2026, 3, 27))) == [theirs]
    assert list(selectors.box(by, "overdue", dt.date(2026, 4, 1))) == []
    assert list(selectors.box(by, "overdue", dt.date(2026, 4, 2))) == [theirs]
    clock = selectors.clock(theirs, dt.date(2026, 4, 3))
    assert (clock.state, clock.days_left) == ("overdue", -2)
    assert clock.label_ru == "просрочен на 2 дн. (срок 01.04.2026)"
    assert selectors.clock(theirs, dt.date(2026, 3, 30)).label_ru.startswith("осталось 2 дн.")
    # the requester sees the same clock once the registration notice arrived
    with at(2):
        deliver()
    kz = officers["kz_operator"]
    assert [c.side for c in selectors.box(kz, "overdue", dt.date(2026, 4, 2))] == ["requester"]


def clarified_ten_days_later(officers, deliver):
    """A request received on 2 March; BY asks for information at once, KZ gives it on 12 March."""
    with at(2):
        _, theirs = send(officers, deliver)
        transition(case=theirs, action="register", actor=officers["by_operator"])
        transition(
            case=theirs,
            action="request_information",
            actor=officers["by_operator"],
            data={"text": "Уточните дату въезда."},
        )
        deliver()
    with at(12):
        ours = Case.objects.get(conversation_id=theirs.conversation_id, side="requester")
        transition(
            case=ours,
            action="provide_information",
            actor=officers["kz_operator"],
            data={"text": "Въезд 01.02.2026."},
        )
        deliver()
    theirs.refresh_from_db()
    return theirs


@pytest.mark.django_db
def test_kz_by_has_no_pause_so_clarification_does_not_stop_the_clock(officers, deliver):
    theirs = clarified_ten_days_later(officers, deliver)
    assert theirs.status == "registered" and theirs.due_date == dt.date(2026, 4, 1)


@pytest.mark.django_db
def test_a_profile_pause_extends_the_due_date(officers, deliver, agreement):
    """Whatever the profile says about pauses is applied (here: a variant of KZ-BY whose clock
    stops while the requested side waits for additional information, Art. 10.1)."""
    data = load_profile(resolve("kz-by-2019")).model_dump(mode="json")
    data["version"] = 2
    data["rules"]["deadlines"]["request_execution"]["pauses"] = [
        {
            "code": "awaiting_information",
            "article": "10.1",
            "name": {"ru": "Ожидание дополнительных сведений", "en": "Awaiting information"},
        }
    ]
    load_into_db(profile_from_data(data, "paused.yaml"), source="paused.yaml")
    agreement.refresh_from_db()
    theirs = clarified_ten_days_later(officers, deliver)
    assert (theirs.paused_days, theirs.due_date) == (10, dt.date(2026, 4, 11))
