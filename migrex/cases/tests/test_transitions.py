"""Every move of the transitions table, and every move it does not allow (Art. 8–11)."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from migrex.agreements.models import Authority
from migrex.cases import actions, workflow
from migrex.cases.actions import TRANSITIONS
from migrex.cases.errors import IllegalMove
from migrex.cases.messages import ConfirmationPayload, RequestPayload, Signatory
from migrex.cases.models import Case, CaseEvent
from migrex.cases.services import Peer, transition
from migrex.cases.tests.conftest import signed_by
from migrex.cases.workflow import PEER, Kind, Side, State
from migrex.conftest import PASSWORD, draft
from migrex.core.errors import Forbidden
from migrex.exchange import outbox
from migrex.exchange.models import OutboxMessage

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
QUESTION = uuid.uuid4()  # the message that asked for confirmation (Art. 9.5)

PERSON = {
    "category": "expelled",
    "data": {"surname": {"cyrillic": "Петров"}, "citizenship": ["BY"]},
}
DATA = {
    "registered": {
        "number": "BY-MVD-2026-000001",
        "received_on": "2026-03-02",
        "due_date": "2026-04-01",
    },
    "refuse": {"grounds": ["security"], "text": "Исполнение нанесёт ущерб безопасности."},
    "refusal": {"grounds": ["security"], "text": "Ущерб безопасности."},
    "reply_partially": {
        "grounds": ["contrary_to_law"],
        "text": "Сведения о судимости не передаются.",
        "persons": [PERSON],
    },
    "partial_answer": {"grounds": ["contrary_to_law"], "text": "Частично.", "persons": [PERSON]},
    "reply": {"text": "Сведения прилагаются.", "persons": [PERSON]},
    "sign": {"password": PASSWORD},  # opens the signatory's key (Art. 9.3)
    "postpone": {"text": "Помешает следствию.", "condition": "До окончания следствия."},
    "postponed": {"text": "Помешает следствию.", "until": "2026-04-20"},
    "forward": {"authority": "by-border"},
    "confirm": {"text": "Запрос подлинный.", "password": PASSWORD},
    "forwarded": {"authority": "by-border", "text": "Направлен по компетенции."},
    "answer": {"text": "Сведения прилагаются.", "persons": [PERSON]},
}
ALL_ACTIONS = sorted({t.action for t in TRANSITIONS})


def make_case(side: Side, kind: Kind, state: State, agreement) -> Case:
    kz, by = Authority.objects.get(code="kz-mvd"), Authority.objects.get(code="by-mvd")
    case = Case.objects.create(
        side=side,
        kind=kind,
        status=state,
        agreement=agreement,
        requesting_authority=kz,
        requested_authority=by,
        owner=kz if side == Side.REQUESTER else by,
        summary="Сведения о лице",
        purpose="Проверка",
        justification="Материалы дела",
        received_on=dt.date(2026, 3, 2),
        due_date=dt.date(2026, 4, 1),
    )
    case.persons.create(category=PERSON["category"], data=PERSON["data"])
    return case


def actor_for(move, case: Case, officers):
    if PEER in move.actors:
        return Peer(authority=case.other_authority, message_id=uuid.uuid4())
    prefix = "kz" if case.side == Side.REQUESTER else "by"
    for name, user in officers.items():
        if (
            name.startswith(prefix)
            and user.authority_id == case.own_authority_id
            and any(user.has_role(r) for r in move.actors)
            and not (move.action == "sign" and user.pk == case.author_id)
        ):
            return user
    raise AssertionError(f"no officer for {move}")


def data_for(move, officers) -> dict:
    if move.action in ("assign", "register"):
        return {"assignee": officers["by_operator"].pk}
    if move.action == "confirmation":  # signed by a KZ signatory as a request is (Art. 9.5)
        unsigned = ConfirmationPayload(
            text="Запрос подлинный.",
            in_reply_to=QUESTION,
            signatory=Signatory(name="", position="", signed_at=NOW),
        )
        return signed_by(officers["kz_signatory"], unsigned).model_dump(mode="json")
    return dict(DATA.get(move.action, {"text": "Текст сообщения."}))


MOVES = [(t, k) for t in TRANSITIONS if t.source is not None for k in sorted(t.kinds)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("move", "kind"), MOVES, ids=[f"{t.side}-{k}-{t.source}-{t.action}" for t, k in MOVES]
)
def test_every_move_of_the_table(move, kind, officers, agreement):
    case = make_case(move.side, kind, move.source, agreement)
    if move.side == Side.REQUESTER:  # drafts are submitted by their author, signed by another
        case.author = officers["kz_operator"]
        case.save()
    if move.source in workflow.INTERRUPTIONS:  # asked for confirmation while registered
        asked = "ask_confirmation" if move.side == Side.REQUESTED else "confirmation_request"
        case.events.create(action=asked, to_state=move.source, article="9.5", message_id=QUESTION)
        case.resume_state = State.REGISTERED
        case.save()
    before = OutboxMessage.objects.count()
    transition(
        case=case,
        action=move.action,
        actor=actor_for(move, case, officers),
        data=data_for(move, officers),
        confirmed=True,
    )
    case.refresh_from_db()
    assert case.status == workflow.target_of(move, move.source, State.REGISTERED)
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.action, event.from_state, event.article) == (
        move.action,
        move.source,
        move.article,
    )
    sent = OutboxMessage.objects.count() - before
    assert sent == (1 if move.emits else 0)
    if move.emits:
        message = OutboxMessage.objects.latest("created_at")
        assert message.kind == move.emits and message.id == event.message_id
        assert message.receiver_authority == case.other_authority.code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("side", "kind", "state"),
    [(s, k, st) for s in Side for k in Kind for st in State],
)
def test_moves_outside_the_table_are_refused(side, kind, state, officers, agreement):
    case = make_case(side, kind, state, agreement)
    refused = 0
    for action in ALL_ACTIONS:
        if actions.find(side, kind, state, action) is not None:
            continue
        with pytest.raises(IllegalMove) as exc:
            transition(
                case=case,
                action=action,
                actor=officers["kz_signatory"],
                data={"text": "x"},
                confirmed=True,
            )
        assert exc.value.code == "illegal_move" and exc.value.status == 409
        refused += 1
    case.refresh_from_db()
    assert case.status == state and not case.events.exists()
    assert not OutboxMessage.objects.exists()
    assert refused > 0


@pytest.mark.django_db
def test_only_the_listed_roles_of_the_own_authority_may_move(officers, agreement):
    case = make_case(Side.REQUESTED, Kind.REQUEST, State.RECEIVED, agreement)
    for intruder in (officers["kz_operator"], officers["kz_signatory"]):  # the other party
        with pytest.raises(Forbidden):
            transition(case=case, action="register", actor=intruder)
    with pytest.raises(Forbidden):  # the peer cannot make the requested side's own moves
        transition(case=case, action="register", actor=Peer(authority=case.requesting_authority))
    case = make_case(Side.REQUESTED, Kind.REQUEST, State.REGISTERED, agreement)
    with pytest.raises(Forbidden):  # Art. 10.2: postponing is a supervisor's decision
        transition(
            case=case,
            action="postpone",
            actor=officers["by_operator"],
            data={"text": "Мешает уголовному преследованию."},
        )
    with pytest.raises(Forbidden):  # only the requester's node speaks for the requester
        transition(
            case=case,
            action="withdrawal",
            actor=Peer(authority=Authority.objects.get(code="kz-labour")),
        )


@pytest.mark.django_db
def test_a_request_message_opens_the_requested_sides_case(officers, both_nodes):
    message = outbox.send(
        agreement="kz-by-2019",
        kind="spontaneous",
        sender="kz-mvd",
        receiver="by-border",
        payload=signed_by(  # by the signatory's own key (Art. 9.3)
            officers["kz_signatory"],
            RequestPayload(
                number="KZ-MVD-2026-000009",
                kind="spontaneous",
                requesting_authority="kz-mvd",
                requested_authority="by-border",
                summary="Канал незаконной миграции",
                purpose="Информирование",
                justification="Ст. 8",
                other_information="",
                topics=[],
                confidential=True,
                persons=[PERSON],
                attachments=[],
                signatory=Signatory(name="Иванов", position="Заместитель министра", signed_at=NOW),
            ),
        ),
    )
    assert both_nodes.receive(message).code == "accepted"
    case = Case.objects.get(conversation_id=message.conversation_id, side=Side.REQUESTED)
    assert (case.side, case.kind, case.status) == (Side.REQUESTED, Kind.SPONTANEOUS, State.RECEIVED)
    assert case.due_date is None  # information without a request has no deadline
    assert case.requested_authority.code == "by-border"


@pytest.mark.django_db
def test_only_the_author_submits_or_discards_a_draft_art_9_3(officers, agreement, make_user):
    colleague = make_user("kz-operator-2", "kz-mvd", "operator")
    case = make_case(Side.REQUESTER, Kind.REQUEST, State.DRAFT, agreement)
    case.author = officers["kz_operator"]
    case.save()
    for action in ("submit", "discard"):
        with pytest.raises(Forbidden) as exc:
            transition(case=case, action=action, actor=colleague)
        assert exc.value.code == "author_only"
    transition(case=case, action="submit", actor=officers["kz_operator"])


@pytest.mark.django_db
def test_a_move_locks_its_case_and_not_the_agreement_every_case_shares(officers):
    # The case is read FOR UPDATE with its agreement joined: locking the agreement's row too
    # made every move of the node wait for every other, and a signature holds its lock through
    # its key's Argon2; with the audit log's head, the waits closed into deadlocks (found by
    # bench/officers_load.py).
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: FOR UPDATE is PostgreSQL's")
    case = draft(officers)
    with CaptureQueriesContext(connection) as queries:
        transition(case=case, action="submit", actor=officers["kz_operator"])
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert locking, "the case is not locked"
    assert all('FOR UPDATE OF "cases_case"' in sql for sql in locking), locking
