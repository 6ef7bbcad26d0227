"""Art. 10.2: execution postponed for a reason, until a date or on a condition, checked by both
nodes; a request lawfully postponed is not listed as overdue while the postponement holds."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from migrex.cases import selectors
from migrex.cases.models import Case
from migrex.cases.services import transition
from migrex.cases.tests.conftest import login
from migrex.cases.workflow import State
from migrex.conftest import send
from migrex.core.errors import Invalid
from migrex.exchange.models import OutboxMessage

MINSK = dt.timezone(dt.timedelta(hours=3))
REASON = "Исполнение помешает уголовному преследованию по делу № 5-17/2026."
CONDITION = "до окончания предварительного следствия"


def at(day: int, month: int = 3):
    return time_machine.travel(dt.datetime(2026, month, day, 12, 0, tzinfo=MINSK), tick=False)


def registered(officers, deliver) -> tuple[Case, Case]:
    """A request received and registered in Minsk on 2 March 2026: due on 1 April."""
    with at(2):
        ours, theirs = send(officers, deliver)
        transition(case=theirs, action="register", actor=officers["by_operator"])
        deliver()
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.due_date == theirs.due_date == dt.date(2026, 4, 1)
    return ours, theirs


def postpone(officers, case, **data):
    transition(case=case, action="postpone", actor=officers["by_supervisor"], data=data)


@pytest.mark.django_db
def test_a_postponement_without_its_reason_or_term_is_not_sent(officers, deliver):
    _ours, theirs = registered(officers, deliver)
    cases = (
        ({"text": REASON}, [("postponement_term_required", "until")]),
        ({"condition": CONDITION}, [("postponement_reason_required", "text")]),
        ({}, [("postponement_reason_required", "text"), ("postponement_term_required", "until")]),
        ({"text": REASON, "until": "2026-13-01"}, [("postponement_until_invalid", "until")]),
        ({"text": REASON, "until": "2026-03-01"}, [("postponement_until_invalid", "until")]),
    )
    with at(3):
        for data, errors in cases:
            with pytest.raises(Invalid) as exc:
                postpone(officers, theirs, **data)
            assert [(e.code, e.field) for e in exc.value.errors] == errors, data
            assert {e.article for e in exc.value.errors} == {"10.2"}
        with pytest.raises(Invalid) as exc:  # a date already past postpones nothing
            postpone(officers, theirs, text=REASON, until="2026-03-02")
        assert exc.value.errors[0].code == "postponement_until_past"
    theirs.refresh_from_db()
    assert theirs.status == State.REGISTERED
    assert not OutboxMessage.objects.filter(kind="postponed").exists()


@pytest.mark.django_db
def test_a_peer_postponing_without_a_term_is_refused_on_receipt(officers, deliver, both_nodes):
    ours, _theirs = registered(officers, deliver)
    events = ours.events.count()
    reply = both_nodes.send_as_is(
        "postponed",
        {"text": REASON},
        sender="by-mvd",
        receiver="kz-mvd",
        conversation=ours.conversation_id,
    )
    refusal = both_nodes.refusal(reply)
    assert (refusal["code"], refusal["article"], refusal["field"]) == (
        "postponement_term_required",
        "10.2",
        "payload.until",
    )
    ours.refresh_from_db()
    assert ours.status == State.REGISTERED and ours.events.count() == events


@pytest.mark.django_db
def test_a_postponement_that_holds_is_not_overdue_on_either_side(officers, deliver):
    ours, theirs = registered(officers, deliver)
    kz, by = officers["kz_operator"], officers["by_operator"]
    late = dt.date(2026, 4, 10)
    with at(3):
        postpone(officers, theirs, text=REASON, condition=CONDITION)
        deliver()
    for user, case in ((kz, ours), (by, theirs)):
        case.refresh_from_db()
        assert case.status == State.POSTPONED
        assert (case.postponed_until, case.postponement_condition) == (None, CONDITION)
        assert list(selectors.box(user, "overdue", late)) == []
        assert list(selectors.box(user, "due-soon", dt.date(2026, 3, 30))) == []
        assert selectors.counts(user, late)["overdue"] == 0
        clock = selectors.clock(case, late)
        assert clock.state == "postponed"
        assert clock.label_ru == f"отсрочено: {CONDITION} (срок 01.04.2026)"
    event = ours.events.latest("id")
    assert (event.action, event.text, event.data) == (
        "postponed",
        REASON,
        {"until": None, "condition": CONDITION},
    )

    # the condition is lifted: the requested side resumes, and the period is overdue again
    with at(9, 4):
        transition(
            case=theirs,
            action="resume",
            actor=officers["by_supervisor"],
            data={"text": "Следствие окончено."},
        )
        deliver()
    for user in (kz, by):
        assert [c.status for c in selectors.box(user, "overdue", late)] == [State.REGISTERED]
        assert selectors.counts(user, late)["overdue"] == 1


@pytest.mark.django_db
def test_a_postponement_until_a_date_holds_until_that_date(officers, deliver):
    ours, theirs = registered(officers, deliver)
    with at(3):
        postpone(officers, theirs, text=REASON, until="2026-04-15")
        deliver()
    ours.refresh_from_db()
    assert ours.postponed_until == dt.date(2026, 4, 15)
    for user in (officers["kz_operator"], officers["by_operator"]):
        assert list(selectors.box(user, "overdue", dt.date(2026, 4, 15))) == []
        assert selectors.counts(user, dt.date(2026, 4, 15))["overdue"] == 0
        assert len(selectors.box(user, "overdue", dt.date(2026, 4, 16))) == 1
        assert selectors.counts(user, dt.date(2026, 4, 16))["overdue"] == 1
    clock = selectors.clock(ours, dt.date(2026, 4, 2))
    assert clock.label_ru == "отсрочено до 15.04.2026 (срок 01.04.2026)"
    assert selectors.clock(ours, dt.date(2026, 4, 16)).state == "overdue"


@pytest.mark.django_db
def test_the_postpone_form_and_the_api_take_the_date_and_the_condition(
    client, officers, deliver, apis
):
    ours, theirs = registered(officers, deliver)
    url = reverse("cases:act", args=[theirs.pk, "postpone"])
    login(client, officers["by_supervisor"])
    form = client.get(url).content.decode()
    assert 'name="until"' in form and 'type="date"' in form and 'name="condition"' in form
    refused = client.post(url, {"text": REASON})
    assert refused.status_code == 422
    assert "до какой даты или до выполнения какого условия" in refused.content.decode()

    api = apis["by_supervisor"]
    done = api.act(theirs.pk, "postpone", text=REASON, until="2099-01-31")
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["status"] == "postponed" and body["clock"]["state"] == "postponed"
    assert body["clock"]["label_ru"].startswith("отсрочено до 31.01.2099")
    assert body["history"][-1]["data"] == {"until": "2099-01-31", "condition": ""}
    deliver()
    page = login(client, officers["kz_operator"]).get(reverse("cases:detail", args=[ours.pk]))
    assert "отсрочено до 31.01.2099" in page.content.decode()
