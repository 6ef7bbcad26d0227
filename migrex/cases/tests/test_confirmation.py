"""Art. 9.5: the requested side doubts the authenticity or content of a request and asks the
requester to confirm it; both copies wait, nothing is answered meanwhile, and the confirmation,
signed as the request is (Art. 9.3), returns each copy to where it stood."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from migrex.cases import actions, workflow
from migrex.cases.actions import TRANSITIONS
from migrex.cases.errors import IllegalMove
from migrex.cases.messages import ConfirmationPayload, Signatory
from migrex.cases.models import Case
from migrex.cases.services import transition
from migrex.cases.tests.conftest import errors_of, login, signed_by
from migrex.cases.workflow import Kind, Side, State
from migrex.conftest import PASSWORD, send
from migrex.core.errors import Forbidden, Invalid
from migrex.exchange.models import InboxMessage, OutboxMessage

ANSWERS = ("reply", "reply_partially", "refuse", "answer", "partial_answer", "refusal")
DOUBT = {"text": "Подпись на запросе не совпадает с образцом."}
CONFIRMED = {"text": "Запрос направлен нами и подписан уполномоченным лицом."}


def test_no_answer_leaves_while_a_confirmation_is_awaited():
    for side in Side:
        for action in ANSWERS:
            assert actions.find(side, Kind.REQUEST, State.AWAITING_CONFIRMATION, action) is None
    waiting = [t for t in TRANSITIONS if t.source == State.AWAITING_CONFIRMATION]
    assert {t.emits for t in waiting} <= {None, "confirmation", "obstacle", "withdrawal"}
    # a confirmation is a move only where one is awaited: elsewhere it is an illegal move
    for t in TRANSITIONS:
        if t.action in ("confirm", "confirmation"):
            assert t.source == State.AWAITING_CONFIRMATION and t.resumes and t.target is None


def test_the_confirmation_returns_to_the_state_before_the_question():
    ask = actions.find(Side.REQUESTED, Kind.REQUEST, State.REGISTERED, "ask_confirmation")
    assert ask.target == State.AWAITING_CONFIRMATION
    kept = workflow.resume_of(State.REGISTERED, State.AWAITING_CONFIRMATION, "")
    assert kept == State.REGISTERED
    # a notice while waiting keeps what was kept; the confirmation returns there and forgets it
    assert workflow.resume_of(State.AWAITING_CONFIRMATION, State.AWAITING_CONFIRMATION, kept)
    back = actions.find(Side.REQUESTED, Kind.REQUEST, State.AWAITING_CONFIRMATION, "confirmation")
    assert workflow.target_of(back, State.AWAITING_CONFIRMATION, kept) == State.REGISTERED
    assert workflow.resume_of(State.AWAITING_CONFIRMATION, State.REGISTERED, kept) == ""
    with pytest.raises(RuntimeError):
        workflow.target_of(back, State.AWAITING_CONFIRMATION, "")


def asked(officers, deliver, *, registered: bool) -> tuple[Case, Case]:
    ours, theirs = send(officers, deliver)
    if registered:
        transition(case=theirs, action="register", actor=officers["by_operator"])
    transition(case=theirs, action="ask_confirmation", actor=officers["by_operator"], data=DOUBT)
    deliver()
    ours.refresh_from_db()
    theirs.refresh_from_db()
    return ours, theirs


@pytest.mark.django_db
@pytest.mark.parametrize("registered", [False, True], ids=["on-receipt", "while-executing"])
def test_confirmation_round_trip_between_the_nodes(officers, deliver, registered):
    ours, theirs = asked(officers, deliver, registered=registered)
    before_ours = State.REGISTERED if registered else State.SENT
    before_theirs = State.REGISTERED if registered else State.RECEIVED
    assert ours.status == theirs.status == State.AWAITING_CONFIRMATION
    assert (ours.resume_state, theirs.resume_state) == (before_ours, before_theirs)
    assert ours.events.latest("id").text == DOUBT["text"]

    with pytest.raises(IllegalMove):  # no answer leaves while the doubt is open
        transition(
            case=theirs, action="reply", actor=officers["by_operator"], data={"text": "Ответ."}
        )
    with pytest.raises(Forbidden):  # a signatory confirms, as one signs the request
        transition(case=ours, action="confirm", actor=officers["kz_operator"], data=CONFIRMED)
    with pytest.raises(Forbidden) as exc:  # ... with the password re-entered
        transition(case=ours, action="confirm", actor=officers["kz_signatory"], data=CONFIRMED)
    assert exc.value.code == "reauthentication_required"
    with pytest.raises(Invalid):  # ... saying what it confirms
        transition(case=ours, action="confirm", actor=officers["kz_signatory"], confirmed=True)
    assert not OutboxMessage.objects.filter(kind="confirmation").exists()

    transition(
        case=ours,
        action="confirm",
        actor=officers["kz_signatory"],
        data={**CONFIRMED, "password": PASSWORD},
        confirmed=True,
    )
    deliver()
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.status, theirs.status) == (before_ours, before_theirs)
    assert ours.resume_state == theirs.resume_state == ""

    question = theirs.events.get(action="ask_confirmation").message_id
    assert ours.events.get(action="confirmation_request").message_id == question
    confirm = ours.events.get(action="confirm")
    assert confirm.data["in_reply_to"] == str(question) and confirm.direction == "out"
    assert confirm.data["signatory"]["name"].startswith("Kz-Signatory")
    sent = OutboxMessage.objects.get(kind="confirmation")
    assert sent.payload["in_reply_to"] == str(question)
    assert sent.payload["signatory"]["name"] == confirm.data["signatory"]["name"]
    received = theirs.events.get(action="confirmation")
    assert received.data["in_reply_to"] == str(question) and received.message_id == sent.id
    assert (received.from_state, received.to_state) == (
        State.AWAITING_CONFIRMATION,
        before_theirs,
    )

    if not registered:
        transition(case=theirs, action="register", actor=officers["by_operator"])
    transition(
        case=theirs, action="reply", actor=officers["by_operator"], data={"text": "Исполнено."}
    )
    deliver()
    ours.refresh_from_db()
    assert ours.status == State.ANSWERED


def _confirm_nothing_asked(both_nodes, theirs):
    """BY's inbox's reply to a confirmation of a question it never asked (Art. 9.5)."""
    return both_nodes.send_as_is(
        "confirmation",
        {
            "text": "Подтверждаем.",
            "in_reply_to": str(uuid.uuid4()),
            "signatory": {
                "name": "Иванов",
                "position": "Министр",
                "signed_at": "2026-03-02T10:00Z",
            },
        },
        conversation=theirs.conversation_id,
    )


@pytest.mark.django_db
def test_an_unasked_confirmation_is_refused_by_the_receiver_and_nothing_is_stored(
    officers, deliver, both_nodes
):
    _ours, theirs = send(officers, deliver)
    events = theirs.events.count()
    reply = _confirm_nothing_asked(both_nodes, theirs)
    assert reply.code == "illegal_move"
    refusal = both_nodes.refusal(reply)
    assert refusal["code"] == "illegal_move"
    theirs.refresh_from_db()
    assert theirs.status == State.RECEIVED and theirs.events.count() == events
    assert not InboxMessage.objects.filter(message_id=refusal["message_id"]).exists()


@pytest.mark.django_db
def test_a_confirmation_of_another_question_is_refused(officers, deliver, both_nodes):
    _ours, theirs = asked(officers, deliver, registered=True)
    reply = _confirm_nothing_asked(both_nodes, theirs)
    refusal = both_nodes.refusal(reply)
    assert (refusal["code"], refusal["article"], refusal["field"]) == (
        "confirmation_not_asked",
        "9.5",
        "payload.in_reply_to",
    )
    theirs.refresh_from_db()
    assert theirs.status == State.AWAITING_CONFIRMATION


@pytest.mark.django_db
def test_a_confirmation_changed_after_signing_is_refused(officers, deliver, both_nodes):
    """Signed as a request is (Art. 9.3): the receiver checks the signatory's own signature."""
    _ours, theirs = asked(officers, deliver, registered=True)
    question = theirs.events.get(action="ask_confirmation").message_id
    unsigned = ConfirmationPayload(
        text=CONFIRMED["text"],
        in_reply_to=question,
        signatory=Signatory(name="", position="", signed_at=timezone.now()),
    )
    signed = signed_by(officers["kz_signatory"], unsigned).model_dump(mode="json")
    conversation = theirs.conversation_id
    changed = both_nodes.send_as_is(
        "confirmation", {**signed, "text": "Иное."}, conversation=conversation
    )
    refusal = both_nodes.refusal(changed)
    assert (refusal["code"], refusal["article"]) == ("signature_invalid", "9.3")
    theirs.refresh_from_db()
    assert theirs.status == State.AWAITING_CONFIRMATION
    assert both_nodes.send_as_is("confirmation", signed, conversation=conversation).code == (
        "accepted"
    )
    theirs.refresh_from_db()
    assert theirs.status == State.REGISTERED


@pytest.mark.django_db
def test_the_requester_may_withdraw_instead_of_confirming(officers, deliver):
    ours, theirs = asked(officers, deliver, registered=True)
    transition(
        case=ours,
        action="withdraw",
        actor=officers["kz_signatory"],
        data={"text": "Запрос отзывается."},
    )
    deliver()
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.status == theirs.status == State.WITHDRAWN
    assert ours.resume_state == theirs.resume_state == ""


@pytest.mark.django_db
def test_the_pages_and_the_api_offer_the_question_and_the_signed_confirmation(
    client, officers, deliver, apis
):
    ours, theirs = send(officers, deliver)
    page = login(client, officers["by_operator"]).get(reverse("cases:detail", args=[theirs.pk]))
    ask = reverse("cases:act", args=[theirs.pk, "ask_confirmation"])
    assert ask in page.content.decode()
    done = client.post(ask, DOUBT)
    assert done.status_code == 302
    deliver()

    form = login(client, officers["kz_signatory"]).get(
        reverse("cases:act", args=[ours.pk, "confirm"])
    )
    assert form.status_code == 200 and 'type="password"' in form.content.decode()
    confirm = reverse("cases:act", args=[ours.pk, "confirm"])
    wrong = client.post(confirm, {**CONFIRMED, "password": "not it"})
    assert wrong.status_code == 403
    assert "Пароль неверен: подтверждение не подписано." in wrong.content.decode()

    api = apis["kz_signatory"]
    listed = api.get(f"/cases/{ours.pk}").json()["actions"]
    assert {
        "action": "confirm",
        "article": "9.5",
        "target": "sent",
        "emits": "confirmation",
        "password_required": True,
    } in listed
    missing = api.act(ours.pk, "confirm", **CONFIRMED)
    assert missing.status_code == 403
    assert errors_of(missing)[0]["code"] == "reauthentication_required"
    done = api.act(ours.pk, "confirm", password=PASSWORD, **CONFIRMED)
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "sent"
    deliver()
    theirs.refresh_from_db()
    assert theirs.status == State.RECEIVED
    body = login(client, officers["by_operator"]).get(reverse("cases:detail", args=[theirs.pk]))
    assert "Kz-Signatory" in body.content.decode()
