"""Art. 2: a request that reached the wrong competent authority of the requested party is
forwarded to another one of that party on the same node; the conversation goes on with it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from migrex.cases.services import transition
from migrex.cases.tests.conftest import errors_of, login
from migrex.cases.workflow import State
from migrex.conftest import send
from migrex.core.errors import Forbidden, Invalid
from migrex.exchange.models import OutboxMessage

FORWARD = {"authority": "by-border", "text": "Вопрос относится к ведению пограничного комитета."}


@pytest.fixture
def border(make_user):
    """An operator and a supervisor of the Belarusian State Border Committee."""
    return {
        "operator": make_user("by-border-operator", "by-border", "operator"),
        "supervisor": make_user("by-border-supervisor", "by-border", "supervisor"),
    }


@pytest.mark.django_db
def test_forwarded_request_is_answered_by_the_new_authority(client, officers, deliver, border):
    ours, theirs = send(officers, deliver)
    transition(
        case=theirs,
        action="register",
        actor=officers["by_operator"],
        data={"assignee": officers["by_operator"].pk},
    )
    theirs.refresh_from_db()
    due = theirs.due_date
    transition(case=theirs, action="forward", actor=officers["by_supervisor"], data=FORWARD)
    theirs.refresh_from_db()
    assert theirs.owner.code == theirs.requested_authority.code == "by-border"
    assert theirs.status == State.REGISTERED and theirs.due_date == due  # Art. 10.3 unchanged
    assert theirs.assignee is None
    event = theirs.events.latest("id")
    assert (event.action, event.article, event.data) == (
        "forward",
        "2",
        {"from": "by-mvd", "authority": "by-border"},
    )
    notice = OutboxMessage.objects.get(kind="forwarded")
    assert (notice.sender_authority, notice.receiver_authority) == ("by-mvd", "kz-mvd")
    assert notice.payload == FORWARD
    deliver()
    ours.refresh_from_db()
    assert ours.requested_authority.code == "by-border" and ours.status == State.REGISTERED
    told = ours.events.latest("id")
    assert (told.action, told.direction, told.text) == ("forwarded", "in", FORWARD["text"])
    assert told.data == {"from": "by-mvd", "authority": "by-border"}

    # the old authority no longer sees the case; the new one works on it
    by_mvd = login(client, officers["by_operator"])
    assert by_mvd.get(reverse("cases:detail", args=[theirs.pk])).status_code == 404
    transition(
        case=theirs,
        action="request_information",
        actor=border["operator"],
        data={"text": "Уточните пункт пропуска."},
    )
    deliver()
    ours.refresh_from_db()
    assert ours.status == State.AWAITING_INFORMATION
    transition(  # the requester's message now goes to the new authority, which accepts it
        case=ours,
        action="provide_information",
        actor=officers["kz_operator"],
        data={"text": "Пункт пропуска «Брест»."},
    )
    assert OutboxMessage.objects.get(kind="information").receiver_authority == "by-border"
    deliver()
    theirs.refresh_from_db()
    assert theirs.status == State.REGISTERED
    transition(case=theirs, action="reply", actor=border["operator"], data={"text": "Сведения."})
    answer = OutboxMessage.objects.get(kind="answer")
    assert (answer.sender_authority, answer.receiver_authority) == ("by-border", "kz-mvd")
    deliver()
    ours.refresh_from_db()
    assert ours.status == State.ANSWERED


@pytest.mark.django_db
def test_only_a_supervisor_forwards_and_only_to_a_competent_authority_of_the_party(
    officers, deliver, apis
):
    _ours, theirs = send(officers, deliver)
    with pytest.raises(Forbidden):
        transition(case=theirs, action="forward", actor=officers["by_operator"], data=FORWARD)
    for code, error in (("kz-labour", "unknown_authority"), ("by-mvd", "same_authority")):
        with pytest.raises(Invalid) as exc:
            transition(
                case=theirs,
                action="forward",
                actor=officers["by_supervisor"],
                data={"authority": code},
            )
        assert [(e.code, e.article, e.field) for e in exc.value.errors] == [
            (error, "2", "authority")
        ]
    api = apis["by_supervisor"]
    refused = api.act(theirs.pk, "forward", authority="kz-labour")
    assert refused.status_code == 422
    assert [(e["code"], e["article"], e["field"]) for e in errors_of(refused)] == [
        ("unknown_authority", "2", "authority")
    ]
    theirs.refresh_from_db()
    assert theirs.owner.code == "by-mvd" and not OutboxMessage.objects.filter(kind="forwarded")
    listed = {a["action"]: a for a in api.get(f"/cases/{theirs.pk}").json()["actions"]}
    assert listed["forward"]["emits"] == "forwarded" and listed["forward"]["target"] == "received"
    done = api.act(theirs.pk, "forward", **FORWARD)
    assert done.status_code == 200, done.json()
    assert done.json()["requested_authority"]["code"] == "by-border"
    assert done.json()["persons_withheld"] and done.json()["actions"] == []
    assert api.get(f"/cases/{theirs.pk}").status_code == 404  # no longer this authority's case


@pytest.mark.django_db
def test_a_peer_naming_an_authority_that_is_not_its_own_is_refused(officers, deliver, both_nodes):
    ours, _theirs = send(officers, deliver)
    reply = both_nodes.send_as_is(
        "forwarded",
        {"authority": "kz-labour", "text": ""},
        sender="by-mvd",
        receiver="kz-mvd",
        conversation=ours.conversation_id,
    )
    refusal = both_nodes.refusal(reply)
    assert (refusal["code"], refusal["article"], refusal["field"]) == (
        "unknown_authority",
        "2",
        "payload.authority",
    )
    ours.refresh_from_db()
    assert ours.requested_authority.code == "by-mvd" and ours.events.latest("id").action == "sign"


@pytest.mark.django_db
def test_a_message_sent_to_the_old_authority_before_the_notice_arrived_reaches_the_case(
    officers, deliver, both_nodes
):
    ours, theirs = send(officers, deliver)
    transition(case=theirs, action="forward", actor=officers["by_supervisor"], data=FORWARD)
    reply = both_nodes.send_as_is(
        "withdrawal",
        {"text": "Запрос отзывается."},
        sender="kz-mvd",
        receiver="by-mvd",
        conversation=ours.conversation_id,
    )
    assert reply.code == "accepted"
    theirs.refresh_from_db()
    assert theirs.status == State.WITHDRAWN and theirs.owner.code == "by-border"


@pytest.mark.django_db
def test_the_forward_form_lists_the_other_authorities_of_the_party(client, officers, deliver):
    _ours, theirs = send(officers, deliver)
    url = reverse("cases:act", args=[theirs.pk, "forward"])
    body = login(client, officers["by_supervisor"]).get(url).content.decode()
    assert 'value="by-border"' in body
    assert 'value="by-mvd"' not in body and 'value="kz-labour"' not in body
    done = client.post(url, FORWARD)
    assert done.status_code == 302 and done["Location"] == reverse("cases:box", args=["incoming"])
    theirs.refresh_from_db()
    assert theirs.owner.code == "by-border"
