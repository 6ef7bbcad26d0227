"""A request from draft to answer, across both sides (Art. 8–10)."""

import datetime as dt

import pytest
import time_machine

from migrex.agreements.models import Authority
from migrex.cases.models import Case
from migrex.cases.services import create_draft, transition
from migrex.cases.workflow import Side, State
from migrex.exchange.models import OutboxMessage

PERSON = {
    "category": "temporary_stay",
    "data": {
        "surname": {"cyrillic": "Оганесян", "latin": "Hovhannisyan"},
        "given_name": {"cyrillic": "Арам", "latin": "Aram"},
        "birth_date": "1990-01-05",
        "citizenship": ["AM"],
    },
}


def draft(officers, **overrides):
    fields = {
        "summary": "Проверка сведений о временном пребывании",
        "purpose": "Установление законности пребывания",
        "justification": "Материалы проверки № 17/2026",
        "persons": [PERSON],
    }
    fields.update(overrides)
    return create_draft(
        actor=officers["kz_operator"],
        agreement=officers["kz_operator"].authority.agreements.get(code="kz-by-2019"),
        requested_authority=Authority.objects.get(code="by-mvd"),
        **fields,
    )


def send(officers, deliver, **overrides) -> tuple[Case, Case]:
    case = draft(officers, **overrides)
    transition(case=case, action="submit", actor=officers["kz_operator"])
    transition(case=case, action="sign", actor=officers["kz_signatory"], confirmed=True)
    deliver()
    theirs = Case.objects.get(conversation_id=case.conversation_id, side=Side.REQUESTED)
    return Case.objects.get(pk=case.pk), theirs


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
