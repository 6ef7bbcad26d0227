"""A request from draft to answer, across both sides (Art. 8–10)."""

import datetime as dt

import pytest
import time_machine

from migrex.cases.services import transition
from migrex.cases.workflow import State
from migrex.conftest import PERSON, send
from migrex.exchange.models import OutboxMessage


@pytest.mark.django_db
def test_request_is_signed_sent_registered_and_answered(officers, deliver):
    with time_machine.travel(dt.datetime(2026, 3, 1, 21, 30, tzinfo=dt.UTC), tick=False):
        ours, theirs = send(officers, deliver)
    assert ours.status == State.SENT and ours.signatory_name.startswith("Kz-Signatory")
    # Art. 10.3: 30 calendar days from receipt, in the requested party's time zone (Minsk is
    # UTC+3, so 21:30 UTC on 1 March is already 2 March there).
    assert theirs.status == State.RECEIVED
    assert theirs.received_on == dt.date(2026, 3, 2)
    assert theirs.due_date == dt.date(2026, 4, 1)
    assert theirs.persons.get().data["surname"]["latin"] == "Hovhannisyan"
    assert theirs.their_number == ours.number

    transition(case=theirs, action="register", actor=officers["by_operator"])
    deliver()
    ours.refresh_from_db()
    assert ours.status == State.REGISTERED and ours.due_date == dt.date(2026, 4, 1)

    answer = dict(PERSON, data=dict(PERSON["data"], residence_address="г. Минск, ул. Лесная, 5"))
    transition(
        case=theirs,
        action="reply",
        actor=officers["by_operator"],
        data={
            "text": "Пребывание законно, зарегистрирован по месту жительства.",
            "persons": [answer],
        },
    )
    deliver()
    ours.refresh_from_db()
    assert ours.status == State.ANSWERED and ours.closed_at is not None
    provided = ours.persons.exclude(event=None).get()
    assert provided.data["residence_address"] == "г. Минск, ул. Лесная, 5"
    kinds = list(OutboxMessage.objects.order_by("created_at").values_list("kind", flat=True))
    assert kinds == ["request", "registered", "answer"]
    assert [e.action for e in ours.events.all()] == [
        "create",
        "submit",
        "sign",
        "registered",
        "answer",
    ]
